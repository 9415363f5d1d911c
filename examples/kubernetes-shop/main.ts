import { core } from '../_support/terraform';
import { kubernetesShop } from './stack';

// cdktf, or CDK Terrain with MICROSEG_CORE=cdktn: the same example on either core.
const { App, TerraformStack } = core();
const app = new App();
kubernetesShop(new TerraformStack(app, 'kubernetes-shop'));
app.synth();
