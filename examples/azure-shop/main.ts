import { App } from 'cdktf';
import { AzureShopStack } from './stack';

const app = new App();
new AzureShopStack(app, 'azure-shop');
app.synth();
