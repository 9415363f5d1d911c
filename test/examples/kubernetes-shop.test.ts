/** The kubernetes-shop example (examples/kubernetes-shop/): see suite.ts for what every example must do. */
import { exampleSuite } from './suite';

exampleSuite('kubernetes-shop');
