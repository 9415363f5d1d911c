/** The gcp-shop example (examples/gcp-shop/): see suite.ts for what every example must do. */
import { exampleSuite } from './suite';

exampleSuite('gcp-shop');
