/** The azure-shop example (examples/azure-shop/): see suite.ts for what every example must do. */
import { exampleSuite } from './suite';

exampleSuite('azure-shop');
