import { core } from '../_support/terraform';
import { multiCloud } from './stack';

// cdktf, or CDK Terrain with MICROSEG_CORE=cdktn: the same example on either core.
const { App, TerraformStack } = core();
const app = new App();
multiCloud(new TerraformStack(app, 'multi-cloud'));
app.synth();
