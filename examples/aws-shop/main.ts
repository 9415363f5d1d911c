import { App } from 'cdktf';
import { AwsShopStack } from './stack';

const app = new App();
new AwsShopStack(app, 'aws-shop');
app.synth();
