import { App } from 'cdktf';
import { GcpShopStack } from './stack';

const app = new App();
new GcpShopStack(app, 'gcp-shop');
app.synth();
