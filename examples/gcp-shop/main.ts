import { core } from '../_support/terraform';
import { gcpShop } from './stack';

// cdktf, or CDK Terrain with MICROSEG_CORE=cdktn: the same example on either core.
const { App, TerraformStack } = core();
const app = new App();
gcpShop(new TerraformStack(app, 'gcp-shop'));
app.synth();
