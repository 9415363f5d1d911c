/** Plan stability of the azure output; see one-target.ts. Numbers are for the 30-segment generated policy. */
import { stabilitySuite } from './one-target';

// 6 (env, app) pairs; one outbound rule in the source NSG, one inbound in the destination's.
// Rule names, addresses and priorities come from what a rule is, not its name: a rename updates its 12 rules in place
// (descriptions) and moves no other rule's priority.
stabilitySuite('azure', { add: 12, remove: 12, rename: 0, renameInPlace: 12 });
