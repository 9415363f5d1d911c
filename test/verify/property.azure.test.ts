import { propertyTest } from './property';

propertyTest('azure');
