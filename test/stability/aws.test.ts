/** Plan stability of the aws output; see one-target.ts. Numbers are for the 30-segment generated policy. */
import { stabilitySuite } from './one-target';

// 6 (env, app) pairs; a rule is one egress on the source group and one ingress on the destination group.
// Rule ids carry no rule name: a rename updates the rule's 12 resources in place.
stabilitySuite('aws', { add: 12, remove: 12, rename: 0, renameInPlace: 12 });
