import { propertyTest } from './property';

propertyTest('gcp');
