/** Plan stability of the gcp output; see one-target.ts. Numbers are for the 30-segment generated policy. */
import { stabilitySuite } from './one-target';

// 6 (env, app) pairs; ingress by tag, egress by the destination's addresses, one firewall per family:
// web and app hold IPv4 and IPv6 (3 per pair), cache IPv4 only (2 per pair).
// queue-to-app: queue segments hold IPv4 only, so their egress towards app has no IPv6 half (2 per pair),
// except the prod queue of app 0, which declares no addresses and so may hold IPv6 (3): 5 x 2 + 3 = 13.
// Renaming updates those 13 in place (descriptions): firewall names and addresses come from what the rule is, not its name.
stabilitySuite('gcp', { add: 18, remove: 12, rename: 0, renameInPlace: 13 });
