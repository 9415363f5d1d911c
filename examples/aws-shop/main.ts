import { core } from '../_support/terraform';
import { awsShop } from './stack';

// cdktf, or CDK Terrain with MICROSEG_CORE=cdktn: the same example on either core.
const { App, TerraformStack } = core();
const app = new App();
awsShop(new TerraformStack(app, 'aws-shop'));
app.synth();
