/** The aws-shop example (examples/aws-shop/): see suite.ts for what every example must do. */
import { exampleSuite } from './suite';

exampleSuite('aws-shop');
