import { propertyTest } from './property';

propertyTest('kubernetes');
