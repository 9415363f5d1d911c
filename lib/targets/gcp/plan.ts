/**
 * GCP plan: the resolved policy (IR) as VPC firewall rules, as pure data.
 *
 * How the meaning maps onto GCP (docs/gcp.md has the long form):
 *
 * - Every segment is one identity: a network tag `<prefix>-<segment>` (or a
 *   service account). A workload carries exactly its segment's identity;
 *   anything without one of our identities is an outside host.
 * - Ingress(X) is exact: allows and deny guardrails target X's identity and
 *   match the peer by source identity (tags / service accounts) or by source
 *   ranges, never both in one rule.
 * - Egress rules cannot match destination identities, so egress towards a
 *   segment Y goes to Y's addresses (the spec's one permitted GCP deviation).
 *   Deny guardrails between segments are therefore enforced on the
 *   destination's ingress by source identity; on the egress side they are
 *   folded in by subtracting their services from the allows towards Y, so the
 *   egress side never admits a service the meaning denies towards Y.
 *   Deny guardrails towards address sets stay egress deny rules.
 * - GCP allows all egress implicitly (65535): explicit deny-all rules at
 *   DEFAULT_DENY_PRIORITY, for IPv4 and IPv6, targeting every identity of the
 *   policy, neutralise it; the same in ingress keeps a default network's
 *   allow rules (65534) away from our workloads.
 *
 * - Rules of one address family target only segments whose workloads can
 *   hold that family (resolve/families.ts), and the per-family halves of an
 *   identity rule only pairs that both can: no other packet has that family.
 *   The default deny stays on every identity in both families.
 *
 * Priorities are fixed per kind, never per rule: allows never conflict with
 * each other (their union counts) and denies never conflict with each other,
 * so a per-rule priority would carry no meaning and would only make names and
 * priorities move when an unrelated rule is inserted. Denies are strictly
 * above allows, so nothing relies on "deny wins ties".
 */
import { Diagnostic } from '../../model/diagnostics';
import { AddressSet, Family } from '../../net/address';
import { PROTO_AH, PROTO_ESP, PROTO_IPIP, ServiceSet } from '../../net/service';
import { holdsFamily } from '../../resolve/families';
import { Origin, ResolvedPolicy } from '../../resolve/ir';
import { targetBudget } from '../../resolve/budget';
import { isProduct, PairServices, pairTargets } from '../../resolve/pairs';
import { chunkNonEmpty, nonEmpty } from '../kit/chunks';
import { digest, fitName, fitText } from '../kit/names';
import { MergedRule, mergeByIdentity } from '../kit/rule-identity';
import { Reporter } from '../kit/report';
import { portTexts } from '../kit/services';
import { hierarchicalDrafts, notePlacement } from './hierarchical';
import { overlapIndex } from './overlaps';
import { ALLOW_PRIORITY, BROAD_ALLOW_PRIORITY, DEFAULT_DENY_PRIORITY, DENY_PRIORITY, EXCEPT_PRIORITY, GCP_PREFIX_MAX, GCP_QUOTAS } from './limits';
import { checkTagValueNames, tagValueNameFor, withUniquePriorities } from './policy-layout';

export const GCP_NAME = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** What identifies a segment: network tags, service accounts, or secure tags (IAM-governed tag values). */
export type GcpIdentityKind = 'tags' | 'serviceAccounts' | 'secureTags';
/** How `targets.gcp.identity` may be spelled: the issue's kebab-case names and the original ones. */
export type GcpIdentitySpelling = GcpIdentityKind | 'network-tags' | 'service-accounts' | 'secure-tags';
/** Where deny guardrails go: beside the rules (`firewall-rules`), or a hierarchical firewall policy of a folder or the organization. */
export type GcpGuardrailLayer = 'firewall-rules' | 'hierarchical';
export type GcpDirection = 'INGRESS' | 'EGRESS';
export type GcpAction = 'allow' | 'deny' | 'goto_next';
/** What a firewall rule is for: a policy allow, a deny guardrail, a broad egress allow, its exception, the default deny, or a hierarchical pass-on. */
export type GcpRuleKind = 'allow' | 'deny' | 'broad' | 'except' | 'default-deny' | 'pass';

const SPELLINGS: Record<GcpIdentitySpelling, GcpIdentityKind> = {
  tags: 'tags',
  'network-tags': 'tags',
  serviceAccounts: 'serviceAccounts',
  'service-accounts': 'serviceAccounts',
  secureTags: 'secureTags',
  'secure-tags': 'secureTags',
};

/** The identity kind a spelling of `targets.gcp.identity` stands for. */
export function gcpIdentityKind(spelled: GcpIdentitySpelling | undefined): GcpIdentityKind {
  return spelled === undefined ? 'tags' : SPELLINGS[spelled];
}

export interface GcpProtocolBlock {
  /** `all`, `tcp`, `udp`, `icmp` (IPv4) or `58` (ICMPv6). */
  readonly protocol: string;
  /** `443`, `8000-8099`; absent: every port. */
  readonly ports?: readonly string[];
}

/** One `google_compute_firewall`, one direction, one action. */
export interface GcpFirewallPlan {
  /** GCP name, unique in the project; also the Terraform logical id unless `id` says otherwise. */
  readonly name: string;
  /**
   * The Terraform logical id when it is not the name: an exception's name carries a digest of what it denies, so
   * that an edit changing that (a `deny` block, which GCP cannot update) replaces it under the same address,
   * created before the old one is destroyed, never colliding with its name.
   */
  readonly id?: string;
  readonly direction: GcpDirection;
  readonly action: GcpAction;
  readonly kind: GcpRuleKind;
  readonly priority: number;
  /** Segments whose identities the rule targets (target tags / service accounts / secure tags); empty only in a hierarchical rule matching the local side by address or everything. */
  readonly targets: readonly string[];
  /** Ingress by identity: source segments (source tags / source service accounts). */
  readonly sourceSegments?: readonly string[];
  readonly sourceRanges?: readonly string[];
  readonly destinationRanges?: readonly string[];
  /** Address family of the ranges; undefined when the rule matches by identity only. */
  readonly family?: Family;
  readonly blocks: readonly GcpProtocolBlock[];
  /** Exactly what the rule admits or denies, for reports and tests. */
  readonly services: ServiceSet;
  /** Rules and guardrails this firewall rule realises (sorted). */
  readonly origins: readonly string[];
  readonly description: string;
  /** The name 0.1.0 gave it (from the rule name), when different: the emitter moves that address here. */
  readonly formerName?: string;
  /**
   * Names of the firewalls it waits for (`depends_on`): a rule's primary group waits for its sibling groups, so
   * that when an edit splits coverage off it (a new deny guardrail) the siblings exist before it narrows, and when
   * an edit merges them back it widens before they go (Terraform destroys a former dependency after the update).
   */
  readonly after?: readonly string[];
}

export interface GcpPlanOptions {
  /** Prefix of every name and tag (default: the policy name). Must match `[a-z]([-a-z0-9]*[a-z0-9])?`, at most 40 characters. */
  readonly namePrefix?: string;
  readonly identity?: GcpIdentityKind;
  /** Project, for service-account emails derived as `<prefix>-<segment>@<project>.iam.gserviceaccount.com`. May be a token. */
  readonly project?: string;
  /** Explicit service-account emails per segment (override the derived ones). */
  readonly serviceAccounts?: Readonly<Record<string, string>>;
  /** Where deny guardrails go (default `firewall-rules`). */
  readonly guardrails?: GcpGuardrailLayer;
  /** With secure tags: parent of the tag key, `organizations/N` or `projects/P` (default the project). Only organization keys can be matched by a hierarchical policy. */
  readonly tagParent?: string;
}

export interface GcpPlan {
  readonly policy: string;
  readonly prefix: string;
  readonly identity: GcpIdentityKind;
  readonly guardrails: GcpGuardrailLayer;
  /** Per segment, the identity value: a network tag, a service-account email, or a secure tag value's short name. */
  readonly identities: Readonly<Record<string, string>>;
  /** The application layer, sorted by name: VPC firewall rules, or (secure tags) the rules of a global network firewall policy. */
  readonly firewalls: readonly GcpFirewallPlan[];
  /** With `guardrails: hierarchical`: the deny guardrails and the pass-on rules of the hierarchical firewall policy, sorted by name. */
  readonly hierarchical: readonly GcpFirewallPlan[];
  /** Infos about where the GCP deviation applies and how guardrails were placed. */
  readonly notes: readonly Diagnostic[];
}

// ---------------------------------------------------------------------------
// Names

/** A GCP name: fitted to 63 characters (`fitName`); valid because its parts are. */
export function gcpName(full: string): string {
  return fitName(full, GCP_QUOTAS.nameLength);
}

/** Network tag of a segment: `<prefix>-<segment>`, fitted to 63 characters. */
export function networkTagFor(prefix: string, segment: string): string {
  return gcpName(`${prefix}-${segment}`);
}

/** Service-account id (the part before `@`): 6–30 characters, `[a-z]([-a-z0-9]*[a-z0-9])`. */
export function serviceAccountIdFor(prefix: string, segment: string): string {
  let id = fitName(`${prefix}-${segment}`, GCP_QUOTAS.serviceAccountIdMax);
  if (id.length < GCP_QUOTAS.serviceAccountIdMin) id = `${id}-seg`.slice(0, GCP_QUOTAS.serviceAccountIdMax);
  return id;
}

// ---------------------------------------------------------------------------
// Services → protocol blocks

/**
 * Protocol blocks for a set that is `any` or holds no "every protocol but
 * some" (which takes an exception rule). GCP takes ports for tcp, udp and
 * sctp, protocols by name or number, and no ICMP types: ICMP is `icmp` for
 * IPv4 rules and `58` (ICMPv6) for IPv6 rules, whole; a rule without family
 * carries no ICMP (the caller splits it by family first), and ICMP by type is
 * refused before (gcpRefusal).
 */
export function protocolBlocks(s: ServiceSet, family: Family | undefined): GcpProtocolBlock[] {
  if (s.isAny()) return [{ protocol: 'all' }];
  if (s.strayIcmp) throw new Error(`internal: services '${s}' need an exception rule`);
  const out: GcpProtocolBlock[] = [];
  if (!s.tcp.isEmpty()) out.push(withPorts('tcp', portTexts(s.tcp)));
  if (!s.udp.isEmpty()) out.push(withPorts('udp', portTexts(s.udp)));
  if (!s.sctp.isEmpty()) out.push(withPorts('sctp', portTexts(s.sctp)));
  if (s.hasIcmp()) {
    if (family === undefined) throw new Error('internal: ICMP in a rule without address family');
    const icmp = s.icmpOf(family);
    if (!icmp.isAll()) throw new Error(`internal: ICMP types in '${s}' reached a GCP rule`);
    out.push({ protocol: family === 4 ? 'icmp' : '58' });
  }
  for (const n of s.protocolNumbers()) out.push({ protocol: GCP_PROTOCOL_NAMES[n] ?? String(n) });
  return out;
}

/** The protocol names GCP firewall rules take besides tcp, udp, icmp and sctp; every other number is written as itself. */
const GCP_PROTOCOL_NAMES: Readonly<Record<number, string>> = { [PROTO_ESP]: 'esp', [PROTO_AH]: 'ah', [PROTO_IPIP]: 'ipip' };

/** Can a GCP rule for this family say `s`? Not with ICMP by type: GCP firewall rules match ICMP whole. */
export function gcpRefuses(s: ServiceSet, family: Family | undefined): boolean {
  if (s.isAny()) return false;
  const icmp = family === undefined ? [s.icmp4, s.icmp6] : [s.icmpOf(family)];
  return icmp.some((p) => !p.isEmpty() && !p.isAll());
}

/**
 * Drafts that admit nothing in their family dropped (an IPv6 half of a rule
 * whose only ICMP is IPv4's), and ICMP by type refused, naming the rule:
 * GCP firewall rules take no ICMP types, and a wider rule would admit more.
 */
function fitServices(ir: ResolvedPolicy, drafts: readonly Draft[], rep: Reporter): Draft[] {
  const out: Draft[] = [];
  for (const d of drafts) {
    if (d.kind === 'broad' || d.kind === 'default-deny') {
      out.push(d);
      continue;
    }
    const services = d.family ? d.services.forFamily(d.family) : d.services;
    if (services.isEmpty()) continue;
    if (gcpRefuses(services, d.family)) {
      for (const o of d.origins) {
        const r = ir.rule(o);
        // Its own ICMP types, or what is left of its ICMP once a deny guardrail's types are taken out.
        const own = gcpRefuses(r.services, d.family);
        const what = own ? `has services ${r.services}, ICMP by type,` : `allows ${r.services} where a deny guardrail takes ICMP types out of it, which leaves ICMP by type,`;
        rep.add('MS6008', `${r.origin.kind} '${o}' ${what} and GCP firewall rules match ICMP only whole; a wider rule would admit more, a narrower one less, than the policy means. Use 'icmp' whole, or compile this policy for AWS, which takes ICMP types`, r.origin.location);
      }
      continue;
    }
    out.push(d);
  }
  return out;
}

function withPorts(protocol: string, p: string[] | undefined): GcpProtocolBlock {
  return p ? { protocol, ports: p } : { protocol };
}

// ---------------------------------------------------------------------------
// Building

const FAMILIES: readonly Family[] = [4, 6];
const ALL_OF: Record<Family, string> = { 4: '0.0.0.0/0', 6: '::/0' };

export interface Draft {
  /** Base name before the chunk suffix and fitting: from the rule's identity, never its name. */
  base: string;
  /** The base 0.1.0 derived from the rule name (for `moved` blocks). */
  formerBase?: string;
  direction: GcpDirection;
  action: GcpAction;
  kind: GcpRuleKind;
  priority: number;
  targets: string[];
  sourceSegments?: string[];
  sourceRanges?: string[];
  destinationRanges?: string[];
  family?: Family;
  services: ServiceSet;
  origins: string[];
  what: string;
  /**
   * Sets of firewalls that share out a rule's coverage (its groups of one direction and family; an ingress
   * identity rule's halves per family): in each, the primary (the name without a discriminator) waits for the others.
   */
  siblings?: readonly { readonly of: string; readonly primary: boolean }[];
}

/**
 * The group holding the smallest (source, destination) pair is a rule's
 * primary group: named without a discriminator, so when an edit splits
 * groups off it or merges them back, it is the one updated in place.
 */
function smallestPair(pairs: Iterable<readonly [string, string]>): string {
  let best: string | undefined;
  for (const [a, b] of pairs) {
    const k = `${a}\u0000${b}`;
    if (best === undefined || k < best) best = k;
  }
  return best ?? '';
}

const DIR_CODE: Record<GcpDirection, string> = { INGRESS: 'in', EGRESS: 'eg' };

/** Compile the IR to GCP firewall rules. Throws PolicyError when it cannot be done exactly. */
export function planGcp(ir: ResolvedPolicy, opts: GcpPlanOptions = {}): GcpPlan {
  const prefix = opts.namePrefix ?? ir.name;
  const identity: GcpIdentityKind = opts.identity ?? 'tags';
  const guardrails: GcpGuardrailLayer = opts.guardrails ?? 'firewall-rules';
  const rep = new Reporter(ir, 'gcp');
  if (!GCP_NAME.test(prefix) || prefix.length > GCP_PREFIX_MAX) {
    rep.fail('MS6001', `name prefix '${prefix}' must match [a-z]([-a-z0-9]*[a-z0-9])? and be at most ${GCP_PREFIX_MAX} characters`);
  }

  const identities: Record<string, string> = {};
  for (const s of ir.segments) {
    if (identity === 'tags') identities[s.name] = networkTagFor(prefix, s.name);
    else if (identity === 'secureTags') identities[s.name] = tagValueNameFor(s.name);
    else {
      const given = opts.serviceAccounts?.[s.name];
      if (given) identities[s.name] = given;
      else if (opts.project !== undefined) identities[s.name] = `${serviceAccountIdFor(prefix, s.name)}@${opts.project}.iam.gserviceaccount.com`;
      else rep.add('MS6002', `segment '${s.name}': service-account identities need targets.gcp.project (or an explicit service account per segment)`, s.location);
    }
  }
  rep.failIfErrors();

  if (identity === 'secureTags') checkTagValueNames(ir, identities, rep);
  const tagLimits = TAG_LIMITS[identity];
  const drafts: Draft[] = [];
  // Segments whose workloads can hold family f (resolve/families.ts): only they get rules of that family.
  const holding = (segs: readonly string[], f: Family) => segs.filter((x) => holdsFamily(ir.segment(x), f));

  // Identity denies per ordered segment pair: folded into the egress allows towards the destination.
  // Asked per pair, never listed: a deny from {env: staging} to {env: prod} relates 25 million pairs at 10,000 segments.
  const identityDeny = new PairServices(ir.rules.filter((r) => r.origin.action === 'deny' && !r.services.isEmpty()));
  // Egress cannot name identities: an allow towards segments is written per source from its pairs, so one whose two
  // ends are segment sets is counted first (resolve/budget.ts).
  const budget = targetBudget(ir, 'gcp', 'GCP egress rules name destinations by address, so its egress is written per source from each pair');
  for (const r of ir.rules) if (r.origin.action === 'allow' && !r.pairsListed && !r.services.isEmpty()) budget.add(r.origin, r.pairCount);

  // One firewall family per rule identity (kit/rule-identity.ts): rules relating the same peers are merged, names never carry a rule name.
  for (const m of mergeByIdentity(ir)) {
    const r = m.rule;
    if (m.services.isEmpty()) continue;
    const services = m.services;
    const origins = [...m.origins];
    const deny = r.origin.action === 'deny';
    const action: GcpAction = deny ? 'deny' : 'allow';
    const kind: GcpRuleKind = deny ? 'deny' : 'allow';
    const priority = deny ? DENY_PRIORITY : ALLOW_PRIORITY;
    const base = `${prefix}-r${m.code}`;
    // 0.1.0 named firewalls after the rule; a merged identity moves from its first rule's.
    const former = `${prefix}-${origins[0]}`;

    // Ingress by source identity: group the destinations by their source set (one group when every from meets every to).
    const groups = new Map<string, { sources: readonly string[]; targets: string[] }>();
    if (isProduct(r)) {
      if (r.fromSegments.length > 0 && r.toSegments.length > 0) groups.set('', { sources: r.fromSegments, targets: [...r.toSegments] });
    } else {
      const byTarget = new Map<string, string[]>();
      for (const [f, t] of r.segmentPairs) byTarget.set(t, [...(byTarget.get(t) ?? []), f]);
      for (const [t, sources] of [...byTarget.entries()].sort(([a], [b]) => cmp(a, b))) {
        const k = [...sources].sort().join(',');
        const g = groups.get(k) ?? { sources: [...sources].sort(), targets: [] };
        g.targets.push(t);
        groups.set(k, g);
      }
    }
    // A group's smallest pair is its first source with its first target (both sorted): never list a product's pairs.
    const smallestOf = (g: { sources: readonly string[]; targets: readonly string[] }) => smallestPair(g.sources.length && g.targets.length ? [[g.sources[0], g.targets[0]]] : []);
    const firstPair = smallestPair([...groups.values()].filter((g) => g.sources.length && g.targets.length).map((g) => [g.sources[0], g.targets[0]] as const));
    for (const g of groups.values()) {
      const primary = smallestOf(g) === firstPair;
      const disc = groups.size > 1 && !primary ? `-${discriminator('from', g.sources)}` : '';
      const formerDisc = groups.size > 1 ? `-${discriminator('from', g.sources)}` : '';
      const split = services.hasIcmp() && !services.isAny();
      // A rule matching by identity has no address family; ICMP differs per family, so it is split with destination ranges.
      const families: readonly (Family | undefined)[] = split ? FAMILIES : [undefined];
      // A family's half only between segments that can both hold it (the product of the filtered sides is exactly those pairs).
      const halves = families
        .map((fam) => ({ fam, targets: fam ? holding(g.targets, fam) : g.targets, sources: fam ? holding(g.sources, fam) : g.sources }))
        .filter((h) => h.targets.length > 0 && h.sources.length > 0);
      for (const [i, { fam, targets, sources }] of halves.entries()) {
        // Split by family, the first half (IPv4, or IPv6 alone) keeps the unsplit name: adding or dropping ICMP updates it in place, and it waits for the other half.
        const first = i === 0;
        drafts.push({
          base: `${base}-${DIR_CODE.INGRESS}${disc}-id${first ? '' : `-v${fam}`}`,
          formerBase: `${former}-${DIR_CODE.INGRESS}${formerDisc}-id${fam ? `-v${fam}` : ''}`,
          direction: 'INGRESS',
          action,
          kind,
          priority,
          targets,
          sourceSegments: [...sources],
          destinationRanges: fam ? [ALL_OF[fam]] : undefined,
          family: fam,
          services,
          origins,
          what: `from ${g.sources.join(', ')}`,
          siblings: [
            { of: `${base}-${DIR_CODE.INGRESS}-id`, primary: primary && first },
            { of: `${base}-${DIR_CODE.INGRESS}${disc}-id`, primary: first },
          ],
        });
      }
    }

    // Ingress by source address: every destination segment, the union of the address peers.
    if (r.toSegments.length > 0 && r.fromAddresses.length > 0) {
      const addrs = r.fromAddresses.reduce((acc, p) => acc.union(p.addresses), AddressSet.EMPTY);
      for (const fam of FAMILIES) {
        const cidrs = addrs.toCidrs(fam);
        const targets = holding(r.toSegments, fam);
        if (cidrs.length === 0 || targets.length === 0) continue;
        drafts.push({
          base: `${base}-${DIR_CODE.INGRESS}-v${fam}`,
          formerBase: `${former}-${DIR_CODE.INGRESS}-v${fam}`,
          direction: 'INGRESS',
          action,
          kind,
          priority,
          targets,
          sourceRanges: cidrs,
          family: fam,
          services,
          origins,
          what: `from ${r.fromAddresses.map((a) => a.label).join(', ')}`,
        });
      }
    }

    // Egress towards address sets: exact, allow or deny.
    if (r.fromSegments.length > 0 && r.toAddresses.length > 0) {
      const addrs = r.toAddresses.reduce((acc, p) => acc.union(p.addresses), AddressSet.EMPTY);
      for (const fam of FAMILIES) {
        const cidrs = addrs.toCidrs(fam);
        const targets = holding(r.fromSegments, fam);
        if (cidrs.length === 0 || targets.length === 0) continue;
        drafts.push(
          ...egressDrafts({
            base: `${base}-${DIR_CODE.EGRESS}-v${fam}`,
            formerBase: `${former}-${DIR_CODE.EGRESS}-v${fam}`,
            direction: 'EGRESS',
            action,
            kind,
            priority,
            targets,
            destinationRanges: cidrs,
            family: fam,
            services,
            origins,
            what: `to ${r.toAddresses.map((a) => a.label).join(', ')}`,
          }),
        );
      }
    }

    // Egress towards segments, by their addresses (allows only; identity denies are on the ingress side).
    if (!deny) drafts.push(...egressTowardsSegments(ir, m, base, former, identityDeny));
  }

  // Explicit default deny, both directions and families, for every identity of the policy.
  const everyone = ir.segments.map((s) => s.name);
  if (everyone.length > 0) {
    for (const direction of ['INGRESS', 'EGRESS'] as const) {
      for (const fam of FAMILIES) {
        drafts.push({
          base: `${prefix}-default-deny-${DIR_CODE[direction]}-v${fam}`,
          direction,
          action: 'deny',
          kind: 'default-deny',
          priority: DEFAULT_DENY_PRIORITY,
          targets: everyone,
          sourceRanges: direction === 'INGRESS' ? [ALL_OF[fam]] : undefined,
          destinationRanges: direction === 'EGRESS' ? [ALL_OF[fam]] : undefined,
          family: fam,
          services: ServiceSet.ANY,
          origins: [],
          what: direction === 'EGRESS' ? "default deny (neutralises GCP's implied allow-egress)" : 'default deny (implied deny-ingress, made explicit)',
        });
      }
    }
  }

  // Drafts a family leaves empty dropped, ICMP by type refused (MS6008), before anything counts them.
  const fitted = fitServices(ir, drafts, rep);
  rep.failIfErrors();
  checkExceptions(ir, fitted, rep);
  deviationNotes(ir, rep, guardrails);

  // With the hierarchical layer, deny guardrails leave the application layer (exceptions stay: they belong to an allow).
  const lifted = guardrails === 'hierarchical' ? fitted.filter((d) => d.kind === 'deny') : [];
  const application = guardrails === 'hierarchical' ? fitted.filter((d) => d.kind !== 'deny') : fitted;
  const upper = guardrails === 'hierarchical' ? hierarchicalDrafts(ir, lifted, { prefix, identity, tagParent: opts.tagParent }, rep) : [];
  let firewalls = materialise(ir, application, tagLimits, prefix, rep);
  // A firewall policy's rules are keyed by priority: each needs its own (VPC firewall rules share them per kind).
  if (identity === 'secureTags') firewalls = withUniquePriorities(firewalls);
  // Our policy does not decide alone: the network's VPC firewall rules come first unless its enforcement order says otherwise.
  if (identity === 'secureTags')
    rep.add(
      'MS6105',
      "the rules are a global network firewall policy: GCP evaluates the network's VPC firewall rules first unless its network_firewall_policy_enforcement_order is BEFORE_CLASSIC_FIREWALL, so a VPC rule of someone else's that targets every instance decides before ours; remove such rules or set the enforcement order",
      undefined,
      ['targets', 'gcp', 'identity'],
    );
  const hierarchical = withUniquePriorities(materialise(ir, upper, TAG_LIMITS.secureTags, prefix, rep, true));
  if (guardrails === 'hierarchical') notePlacement(ir, lifted, rep);
  return { policy: ir.name, prefix, identity, guardrails, identities, firewalls, hierarchical, notes: rep.notes };
}

/** Per-rule limits of the identity lists (secure tags: those of firewall policy rules). */
const TAG_LIMITS: Record<GcpIdentityKind, { source: number; target: number }> = {
  tags: { source: GCP_QUOTAS.sourceTags, target: GCP_QUOTAS.targetTags },
  serviceAccounts: { source: GCP_QUOTAS.sourceServiceAccounts, target: GCP_QUOTAS.targetServiceAccounts },
  secureTags: { source: GCP_QUOTAS.sourceSecureTags, target: GCP_QUOTAS.targetSecureTags },
};

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** `from-<segment>` for one segment, else a digest of the list: readable when it can be, stable always. */
function discriminator(word: string, segments: readonly string[]): string {
  return segments.length === 1 ? `${word}-${segments[0]}` : `${word}-${digest(segments.join(','))}`;
}

/**
 * An egress allow whose services include other IP protocols but not all
 * (e.g. `any` minus a guardrail's tcp/22) cannot be written as allow blocks
 * alone: it becomes a broad allow of `all` plus a higher-priority exception
 * denying the rest, on the same targets and ranges.
 */
function egressDrafts(d: Draft): Draft[] {
  if (d.action === 'deny' || !d.services.strayIcmp || d.services.isAny()) return [d];
  const rest = ServiceSet.ANY.subtract(d.services);
  return [
    { ...d, kind: 'broad', priority: BROAD_ALLOW_PRIORITY, services: d.services },
    { ...d, base: `${d.base}-x`, formerBase: d.formerBase && `${d.formerBase}-x`, kind: 'except', action: 'deny', priority: EXCEPT_PRIORITY, services: rest, what: `${d.what}, except ${rest}`, siblings: undefined },
  ];
}

function egressTowardsSegments(
  ir: ResolvedPolicy,
  merged: MergedRule,
  base: string,
  former: string,
  identityDeny: PairServices,
): Draft[] {
  // Per source segment: the destinations, each with the rule's services minus the guardrails' denies for that pair.
  const bySource = new Map<string, Map<string, { services: ServiceSet; addresses: AddressSet; dsts: string[] }>>();
  const r = merged.rule;
  for (const [f, t] of r.segmentPairs) {
    const services = merged.services.subtract(identityDeny.of(f, t));
    if (services.isEmpty()) continue;
    const m = bySource.get(f) ?? new Map();
    const k = services.toString();
    const e = m.get(k) ?? { services, addresses: AddressSet.EMPTY, dsts: [] };
    e.addresses = e.addresses.union(ir.segment(t).addresses);
    e.dsts.push(t);
    m.set(k, e);
    bySource.set(f, m);
  }
  // Group sources with the same (services, family, ranges) into one rule's targets.
  const groups = new Map<string, { services: ServiceSet; family: Family; cidrs: string[]; dsts: Set<string>; sources: string[]; pairs: [string, string][] }>();
  for (const [f, m] of [...bySource.entries()].sort(([a], [b]) => cmp(a, b))) {
    for (const [k, e] of [...m.entries()].sort(([a], [b]) => cmp(a, b))) {
      for (const fam of FAMILIES) {
        const cidrs = e.addresses.toCidrs(fam);
        // The source's workloads never send a packet of a family they cannot hold.
        if (cidrs.length === 0 || !holdsFamily(ir.segment(f), fam)) continue;
        const gk = `${fam}|${k}|${cidrs.join(',')}`;
        const g = groups.get(gk) ?? { services: e.services, family: fam, cidrs, dsts: new Set<string>(), sources: [], pairs: [] };
        g.sources.push(f);
        for (const d of e.dsts) {
          g.dsts.add(d);
          g.pairs.push([f, d]);
        }
        groups.set(gk, g);
      }
    }
  }
  const perFamily = new Map<Family, number>();
  for (const g of groups.values()) perFamily.set(g.family, (perFamily.get(g.family) ?? 0) + 1);
  // Readable `to-<segment>` when it tells the groups of a family apart; else a digest of the group's content.
  const readable = (g: { dsts: Set<string>; family: Family }) => (g.dsts.size === 1 ? `${g.family}|to-${[...g.dsts][0]}` : undefined);
  const readableCount = new Map<string, number>();
  for (const g of groups.values()) {
    const rd = readable(g);
    if (rd) readableCount.set(rd, (readableCount.get(rd) ?? 0) + 1);
  }
  const firstPair = new Map<Family, string>();
  for (const fam of FAMILIES) firstPair.set(fam, smallestPair([...groups.values()].filter((g) => g.family === fam).flatMap((g) => g.pairs)));
  const out: Draft[] = [];
  for (const [gk, g] of groups) {
    const dsts = [...g.dsts].sort();
    const rd = readable(g);
    const many = (perFamily.get(g.family) ?? 0) > 1;
    const primary = smallestPair(g.pairs) === firstPair.get(g.family);
    const readableDisc = rd && readableCount.get(rd) === 1 ? `to-${dsts[0]}` : undefined;
    // Who sends to whom tells a rule's egress groups apart (a source's groups have disjoint destinations); their services never do, so widening updates in place.
    // The primary group goes without: splitting a group off it (a new deny guardrail) or merging one back updates it in place.
    const disc = many && !primary ? `-${readableDisc ?? `g-${digest(`${g.family}|${g.sources.join(',')}|${dsts.join(',')}`)}`}` : '';
    const formerDisc = many ? `-${readableDisc ?? `g-${digest(gk)}`}` : '';
    out.push(
      ...egressDrafts({
        base: `${base}-${DIR_CODE.EGRESS}-seg${disc}-v${g.family}`,
        formerBase: `${former}-${DIR_CODE.EGRESS}-seg${formerDisc}-v${g.family}`,
        direction: 'EGRESS',
        action: 'allow',
        kind: 'allow',
        priority: ALLOW_PRIORITY,
        targets: g.sources,
        destinationRanges: g.cidrs,
        family: g.family,
        services: g.services,
        origins: [...merged.origins],
        what: `to the addresses of ${dsts.join(', ')}`,
        siblings: [{ of: `${base}-${DIR_CODE.EGRESS}-seg-v${g.family}`, primary }],
      }),
    );
  }
  return out;
}

/**
 * An exception (deny at EXCEPT_PRIORITY) also hides the other broad allows of
 * the same workload at overlapping addresses. That is exact only when what it
 * denies is denied by them too, or granted by a plain allow (which sits
 * above the exception) covering the overlap. Otherwise fail: never emit a
 * stricter or looser policy silently.
 */
function checkExceptions(ir: ResolvedPolicy, drafts: readonly Draft[], rep: Reporter): void {
  const excepts = drafts.filter((d) => d.kind === 'except');
  if (excepts.length === 0) return;
  const broads = drafts.filter((d) => d.kind === 'broad');
  const plains = drafts.filter((d) => d.direction === 'EGRESS' && d.kind === 'allow');
  const ranges = (d: Draft) => AddressSet.fromCidrs(d.destinationRanges ?? []);
  for (const x of excepts) {
    for (const b of broads) {
      if (b.family !== x.family || b.base === x.base.replace(/-x$/, '')) continue;
      const shared = x.targets.filter((t) => b.targets.includes(t));
      if (shared.length === 0) continue;
      const overlap = ranges(x).intersect(ranges(b));
      if (overlap.isEmpty()) continue;
      for (const seg of shared) {
        let hidden = x.services.intersect(b.services);
        for (const p of plains) if (p.family === x.family && p.targets.includes(seg) && ranges(p).containsSet(overlap)) hidden = hidden.subtract(p.services);
        if (!hidden.isEmpty()) {
          const rule = ir.rule(b.origins[0]);
          rep.add(
            'MS6003',
            `cannot compile egress of segment '${seg}' exactly: rule '${x.origins[0]}' (allow all but ${ServiceSet.ANY.subtract(x.services)}) needs an exception denying ${x.services} towards ${overlap.toCidrs().slice(0, 3).join(', ')}${overlap.cidrCount() > 3 ? ', …' : ''}, which would also hide ${hidden} that rule '${b.origins[0]}' allows there; give the segments disjoint addresses or narrow the services`,
            rule.origin.location,
          );
        }
      }
    }
  }
  rep.failIfErrors();
}

/** Where the GCP deviation applies, and where guardrails went. */
function deviationNotes(ir: ResolvedPolicy, rep: Reporter, guardrails: GcpGuardrailLayer): void {
  // Destinations reached by egress by identity, with the rules that do it.
  const reachedBy = new Map<string, Set<string>>();
  for (const r of ir.rules) {
    if (r.origin.action !== 'allow' || r.services.isEmpty()) continue;
    for (const t of pairTargets(r)) reachedBy.set(t, (reachedBy.get(t) ?? new Set()).add(r.origin.name));
  }
  const overlapping = overlapIndex(ir.segments);
  for (const [t, rules] of [...reachedBy.entries()].sort(([a], [b]) => cmp(a, b))) {
    const seg = ir.segment(t);
    const shared = overlapping(t);
    const via = [...rules].sort().join(', ');
    if (!seg.declaredAddresses) {
      rep.add(
        'MS6101',
        `egress towards segment '${t}' (rules ${via}) is expressed by its addresses, which default to network.internalCidrs: that egress also reaches any other host there${shared.length ? `, including segments ${shared.join(', ')}` : ''} (their own ingress still applies); declare addresses for '${t}' to narrow it`,
        seg.location,
      );
    } else if (shared.length > 0) {
      rep.add(
        'MS6100',
        `egress towards segment '${t}' (rules ${via}) is expressed by its addresses ${seg.addresses.toCidrs().slice(0, 3).join(', ')}, shared with segments ${shared.join(', ')}: that egress also reaches them there (their own ingress still applies)`,
        seg.location,
      );
    }
  }
  // In the hierarchical layer, MS6104 says where each deny guardrail went.
  for (const r of guardrails === 'hierarchical' ? [] : ir.rules) {
    if (r.origin.action !== 'deny' || r.pairCount === 0) continue;
    rep.add(
      'MS6102',
      `guardrail '${r.origin.name}' between segments is enforced on the ingress of ${pairTargets(r).join(', ')} by source identity; egress allows towards them leave out ${r.services}`,
      r.origin.location,
    );
  }
}

function describe(policy: string, d: Draft): string {
  const dir = d.direction === 'INGRESS' ? 'ingress' : 'egress';
  const head = d.origins.length
    ? `microseg policy ${policy}, ${d.origins.length === 1 ? '' : 'rules '}${d.origins.map((o) => o).join(', ')}`
    : `microseg policy ${policy}`;
  const text = d.kind === 'pass' ? `${head}: ${dir} ${d.what}` : `${head}: ${dir} ${d.action} ${d.kind === 'default-deny' ? 'all' : d.services} ${d.what}`;
  return fitText(text, GCP_QUOTAS.descriptionMax);
}

/** Split drafts at the per-rule limits, name them, and check what splitting cannot fix. */
function materialise(
  ir: ResolvedPolicy,
  drafts: readonly Draft[],
  tagLimits: { source: number; target: number },
  prefix: string,
  rep: Reporter,
  /** Hierarchical rules may target every instance (no targets): they match the local side by address, or pass everything on. */
  mayTargetAll = false,
): GcpFirewallPlan[] {
  const out: GcpFirewallPlan[] = [];
  /** The draft each firewall of `out` comes from (same index). */
  const fromDraft: Draft[] = [];
  const originKind = (name: string): Origin['kind'] => ir.rule(name).origin.kind;
  for (const d of drafts) {
    // A rule without targets would apply to every instance, one without sources or ranges to none: never emit either.
    const split = (xs: readonly string[] | undefined, size: number, what: string) => (xs ? chunkNonEmpty(nonEmpty(xs, `${what} of ${d.base}`), size) : [undefined]);
    const targetChunks = mayTargetAll && d.targets.length === 0 ? [[]] : chunkNonEmpty(nonEmpty(d.targets, `targets of ${d.base}`), tagLimits.target);
    const sourceChunks = split(d.sourceSegments, tagLimits.source, 'source segments');
    const srcRangeChunks = split(d.sourceRanges, GCP_QUOTAS.ranges, 'source ranges');
    const dstRangeChunks = split(d.destinationRanges, GCP_QUOTAS.ranges, 'destination ranges');
    const total = targetChunks.length * sourceChunks.length * srcRangeChunks.length * dstRangeChunks.length;
    // Once per draft: its text names every source (5,000 of them for a deny from {env: staging}), and it is the same for every chunk.
    const description = describe(ir.name, d);
    let n = 0;
    for (const targets of targetChunks)
      for (const sources of sourceChunks)
        for (const sr of srcRangeChunks)
          for (const dr of dstRangeChunks) {
            n++;
            const stable = total > 1 ? `${d.base}-${n}` : d.base;
            // An exception is replaced whenever what it denies changes: its name follows that content, its address does not.
            const name = gcpName(d.kind === 'except' ? `${stable}-${digest(d.services.toString(), 6)}` : stable);
            const id = d.kind === 'except' ? gcpName(stable) : undefined;
            const formerName = d.formerBase === undefined ? undefined : gcpName(total > 1 ? `${d.formerBase}-${n}` : d.formerBase);
            fromDraft.push(d);
            out.push({
              name,
              ...(id ? { id } : {}),
              direction: d.direction,
              action: d.action,
              kind: d.kind,
              priority: d.priority,
              targets,
              ...(sources ? { sourceSegments: sources } : {}),
              ...(sr ? { sourceRanges: sr } : {}),
              ...(dr ? { destinationRanges: dr } : {}),
              ...(d.family ? { family: d.family } : {}),
              // A broad allow admits every protocol; its exception (a separate, higher-priority deny) takes the rest away.
              blocks: d.kind === 'broad' ? [{ protocol: 'all' }] : protocolBlocks(d.family ? d.services.forFamily(d.family) : d.services, d.family),
              services: d.services,
              origins: [...d.origins].sort(),
              description,
              ...(formerName !== undefined && formerName !== name ? { formerName } : {}),
            });
          }
  }
  // A primary's firewalls wait for every firewall of its siblings, in each set it belongs to.
  const siblingNames = new Map<string, string[]>();
  out.forEach((f, i) => {
    for (const s of fromDraft[i].siblings ?? []) if (!s.primary) siblingNames.set(s.of, [...(siblingNames.get(s.of) ?? []), f.name]);
  });
  out.forEach((f, i) => {
    const after = new Set((fromDraft[i].siblings ?? []).flatMap((s) => (s.primary ? (siblingNames.get(s.of) ?? []) : [])));
    after.delete(f.name);
    if (after.size) out[i] = { ...f, after: [...after].sort() };
  });
  out.sort((a, b) => cmp(a.name, b.name));
  const ids = new Set(out.map((f) => f.id ?? f.name));
  if (ids.size !== out.length) throw new Error(`internal: two GCP firewalls share a Terraform address (prefix '${prefix}')`);
  for (let i = 1; i < out.length; i++) {
    if (out[i].name === out[i - 1].name) {
      const o = out[i].origins[0] ?? out[i - 1].origins[0];
      rep.add(
        'MS6004',
        `two firewall rules would both be named '${out[i].name}'${o ? ` (from ${originKind(o)} '${o}')` : ''}; rename the rule or guardrail`,
        o ? ir.rule(o).origin.location : undefined,
      );
    }
  }
  for (const f of out) {
    if (!GCP_NAME.test(f.name) || f.name.length > GCP_QUOTAS.nameLength) throw new Error(`internal: invalid GCP name '${f.name}' (prefix '${prefix}')`);
    if (f.priority < GCP_QUOTAS.priorityMin || f.priority > GCP_QUOTAS.priorityMax) throw new Error(`internal: priority ${f.priority} out of range`);
  }
  rep.failIfErrors();
  return out;
}
