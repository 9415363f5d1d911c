import { App } from 'cdktf';
import { TypedBuilderStack } from './stack';

const app = new App();
new TypedBuilderStack(app, 'typed-builder');
app.synth();
