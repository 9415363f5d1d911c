/**
 * The intermediate form: what the policy means, independent of any cloud.
 *
 * For every segment X the IR lists, per side (ingress of X, egress of X), the
 * allow entries and the deny entries that name X, each with its peer (another
 * segment by identity, or a set of addresses) and its services. The meaning
 * of the policy (docs/policy-reference.md, "What a policy means, in short")
 * is then, for a side and a packet from/to a peer with identity I (or none)
 * at address a:
 *
 *   admitted services = ∪ allow entries matching (I, a)  −  ∪ deny entries matching (I, a)
 *
 * where a segment entry matches by identity only and an address entry by
 * address only. `meaning.ts` evaluates it; back ends compile it.
 *
 * A broad rule side (one naming at least `broadPeers` segments, resolve.ts)
 * is held as one segment-set entry per side instead of one entry per peer
 * segment: the set is frozen and shared by every entry of that rule side, so
 * an allow from `{}` to `{}` over 10,000 segments costs 20,000 entries, not
 * 200 million. It means exactly the per-segment entries it stands for, in
 * the same place of the list (peers.ts expands it for consumers that want
 * one entry per peer).
 */
import { SourceLocation } from '../model/diagnostics';
import { SegmentationPolicy } from '../model/policy';
import { AddressSet } from '../net/address';
import { ServiceSet } from '../net/service';
import type { LabelIdentity } from './labels';

export type Direction = 'ingress' | 'egress';
export type Action = 'allow' | 'deny';

/** The rule or guardrail an entry comes from. */
export interface Origin {
  readonly kind: 'rule' | 'guardrail';
  readonly name: string;
  readonly action: Action;
  readonly owner?: string;
  readonly description?: string;
  readonly expires?: string;
  readonly location?: SourceLocation;
}

export interface SegmentPeer {
  readonly kind: 'segment';
  readonly segment: string;
}

export interface AddressPeer {
  readonly kind: 'addresses';
  /** External name, or `cidrs:<first cidr>…` for an anonymous `{cidrs: […]}` term. */
  readonly label: string;
  /** Set when the peer is a named external. */
  readonly external?: string;
  /** `cidrs` minus `except` (for externals), as an exact set. */
  readonly addresses: AddressSet;
}

/**
 * Every segment of one rule side, by identity: the entry stands for one
 * segment entry per member, in member order. One object per rule side,
 * shared by every entry that side gives.
 */
export interface SegmentSetPeer {
  readonly kind: 'segments';
  /** The rule or guardrail whose side this is. */
  readonly rule: string;
  /** `from` (the peers of its destinations' ingress) or `to` (the peers of its sources' egress). */
  readonly end: 'from' | 'to';
  /** Sorted, frozen. */
  readonly segments: readonly string[];
  readonly set: ReadonlySet<string>;
  /** The side's label identity, when it has an exact one (labels.ts): how a cloud can name it in one reference. */
  readonly labels?: LabelIdentity;
}

export type Peer = SegmentPeer | SegmentSetPeer | AddressPeer;

export interface SideEntry {
  readonly peer: Peer;
  readonly services: ServiceSet;
  readonly origin: Origin;
}

/** A peer of a side read one entry per peer segment (peers.ts `flatSide`). */
export type FlatPeer = SegmentPeer | AddressPeer;

export interface FlatSideEntry extends SideEntry {
  readonly peer: FlatPeer;
}

/** A side read one entry per peer segment: no segment-set entry. */
export interface FlatSide {
  readonly allow: readonly FlatSideEntry[];
  readonly deny: readonly FlatSideEntry[];
}

export interface Side {
  /** Sorted by origin name, then peer. */
  readonly allow: readonly SideEntry[];
  readonly deny: readonly SideEntry[];
}

export interface SegmentSides {
  readonly ingress: Side;
  readonly egress: Side;
}

export interface ResolvedSegment {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Declared `addresses`, or `network.internalCidrs` when none are declared. */
  readonly addresses: AddressSet;
  readonly declaredAddresses: boolean;
  readonly description?: string;
  readonly location?: SourceLocation;
}

export interface ResolvedExternal {
  readonly name: string;
  readonly addresses: AddressSet;
  readonly description?: string;
  readonly location?: SourceLocation;
}

/** One rule or guardrail, resolved: who, to whom, what. */
export interface ResolvedRule {
  readonly origin: Origin;
  readonly services: ServiceSet;
  /** The service specs as written (names kept), for reports. */
  readonly serviceSpecs: readonly string[];
  readonly fromSegments: readonly string[];
  readonly toSegments: readonly string[];
  readonly fromAddresses: readonly AddressPeer[];
  readonly toAddresses: readonly AddressPeer[];
  readonly sameLabels: readonly string[];
  /**
   * Ordered segment pairs [from, to] this rule relates, after sameLabels. Sorted. Built on first use for a rule
   * without sameLabels (every from with every to, up to 100 million at 10,000 segments): prefer `pairCount`,
   * `fromSegments` × `toSegments` or the sides where a count or a membership test will do.
   */
  readonly segmentPairs: readonly (readonly [string, string])[];
  /** How many pairs `segmentPairs` holds, known without building them. */
  readonly pairCount: number;
  /**
   * Whether the sides list this rule's pairs entry by entry (counted in the IR's pair budget), or hold both its ends
   * as segment sets: a back end that lists them anyway counts them first (resolve/budget.ts).
   */
  readonly pairsListed: boolean;
  /** The `from` side as label identities, when it has one that is exact (labels.ts). */
  readonly fromLabels?: LabelIdentity;
  /** The `to` side as label identities, when it has one that is exact. */
  readonly toLabels?: LabelIdentity;
}

export interface ResolvedPolicy {
  readonly name: string;
  readonly policy: SegmentationPolicy;
  readonly internalCidrs: AddressSet;
  /** Sorted by name. */
  readonly segments: readonly ResolvedSegment[];
  /** Sorted by name. */
  readonly externals: readonly ResolvedExternal[];
  /** Guardrails and rules in force, sorted by name: every deny, and every allow whose `expires` has not passed. */
  readonly rules: readonly ResolvedRule[];
  /** `YYYY-MM-DD`: the date expiry was judged against (model/today.ts). */
  readonly today: string;
  /**
   * Allow rules and allow guardrails past their `expires` date, sorted by
   * name: resolved (so reports can locate them) but in no side and compiled
   * on no target. Expired denies stay in `rules`: a guardrail that lapses
   * must never widen access.
   */
  readonly expired: readonly ResolvedRule[];
  /** Per segment name. Keys iterate in segment-name order. */
  readonly sides: ReadonlyMap<string, SegmentSides>;
  /** The segment-pair budget the IR was resolved under, and the pairs it lists (resolve/budget.ts); back ends listing more count on. */
  readonly pairBudget?: { readonly max: number; readonly listed: number };
  segment(name: string): ResolvedSegment;
  rule(name: string): ResolvedRule;
}

/** Is `p` already resolved? (Constructs and the API take a policy in either form.) */
export function isResolved(p: unknown): p is ResolvedPolicy {
  return typeof p === 'object' && p !== null && (p as ResolvedPolicy).sides instanceof Map;
}
