import { core } from '../_support/terraform';
import { typedBuilder } from './stack';

// cdktf, or CDK Terrain with MICROSEG_CORE=cdktn: the same example on either core.
const { App, TerraformStack } = core();
const app = new App();
typedBuilder(new TerraformStack(app, 'typed-builder'));
app.synth();
