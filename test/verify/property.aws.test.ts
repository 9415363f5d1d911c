import { propertyTest } from './property';

propertyTest('aws');
