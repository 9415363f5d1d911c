/** The multi-cloud example (examples/multi-cloud/): see suite.ts for what every example must do. */
import { exampleSuite } from './suite';

exampleSuite('multi-cloud');
