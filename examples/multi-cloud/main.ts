import { App } from 'cdktf';
import { MultiCloudStack } from './stack';

const app = new App();
new MultiCloudStack(app, 'multi-cloud');
app.synth();
