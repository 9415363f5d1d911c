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

export type Peer = SegmentPeer | AddressPeer;

export interface SideEntry {
  readonly peer: Peer;
  readonly services: ServiceSet;
  readonly origin: Origin;
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
  /** Ordered segment pairs [from, to] this rule relates, after sameLabels. Sorted. */
  readonly segmentPairs: readonly (readonly [string, string])[];
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
  segment(name: string): ResolvedSegment;
  rule(name: string): ResolvedRule;
}

/** Is `p` already resolved? (Constructs and the API take a policy in either form.) */
export function isResolved(p: unknown): p is ResolvedPolicy {
  return typeof p === 'object' && p !== null && (p as ResolvedPolicy).sides instanceof Map;
}
