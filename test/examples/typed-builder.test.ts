/** The typed-builder example (examples/typed-builder/): see suite.ts for what every example must do. */
import { exampleSuite } from './suite';

exampleSuite('typed-builder');
