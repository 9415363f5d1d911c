import { core } from '../_support/terraform';
import { azureShop } from './stack';

// cdktf, or CDK Terrain with MICROSEG_CORE=cdktn: the same example on either core.
const { App, TerraformStack } = core();
const app = new App();
azureShop(new TerraformStack(app, 'azure-shop'));
app.synth();
