/**
 * Azure plan: the IR as application security groups (one per segment),
 * network security groups and security rules with priorities. Pure data,
 * no provider classes: construct.ts renders it.
 *
 * Why this is exact (docs/azure.md has the long form): Azure evaluates the
 * rules of one NSG per direction by priority, first match. For segment X the
 * inbound rules all have destination ASG(X) and the outbound rules source
 * ASG(X), so only X's entries can ever match a workload of X (it carries
 * exactly ASG(X)). Deny entries sit in a band numerically below every allow,
 * so a packet that matches any deny of X's side is denied; otherwise one that
 * matches any allow is admitted; otherwise the explicit DenyAll at 4096 drops
 * it before Azure's defaults (AllowVnetInBound, AllowAzureLoadBalancerInBound,
 * AllowVnetOutBound, AllowInternetOutBound) are reached. That is
 * ∪ allows − ∪ denies, the IR's meaning, per side. Inside a band the order
 * is irrelevant (allows never conflict with allows, denies never with
 * denies), so priorities only need to be unique and stable.
 *
 * Label ASGs: a rule side written as values of one label (`{env: prod}`,
 * `{tier: [db, cache]}`) without sameLabels names every segment carrying one
 * of those values, so its peer is referenced by one ASG per value instead of
 * one per segment. Every workload of a segment carries the label ASGs of its
 * own label values that some rule references, so "carries ASG(env=prod)" is
 * "its segment has env=prod": the same set of workloads, hence exact. The
 * own side of a rule (X's inbound destination, outbound source) stays ASG(X).
 *
 * The all-segments ASG: a peer side written as `{}` (or a list holding `{}`)
 * without sameLabels names every segment, so it is referenced by one ASG that
 * every workload of every segment carries (when some rule uses it): "carries
 * ASG(all)" is "is a workload of a segment", exactly what `{}` selects.
 *
 * Address prefixes of a family X's workloads cannot hold (resolve/families.ts)
 * are left out of X's rules: no packet of X has that family.
 */
import { Diagnostic } from '../../model/diagnostics';
import { AddressSet, Family } from '../../net/address';
import { PROTO_AH, PROTO_ESP, protocolSpec, ServiceSet } from '../../net/service';
import { segmentFamilies } from '../../resolve/families';
import { ALL_SEGMENTS_KEY } from '../../resolve/labels';
import { Action, Direction, Origin, ResolvedPolicy, SegmentSetPeer, SideEntry } from '../../resolve/ir';
import { targetBudget } from '../../resolve/budget';
import { chunk } from '../kit/chunks';
import { fitName, fitText, hash32 } from '../kit/names';
import { identityCode, ruleIdentity } from '../kit/rule-identity';
import { largestContributors, Reporter } from '../kit/report';
import { portTexts } from '../kit/services';
import { AZURE_LIMITS, AZURE_PREFIX_MAX, AzureLimits } from './limits';
import { KeptAsgs, NOTHING_KEPT } from './previous';

/**
 * `shared`: one NSG holds every segment's rules (fewest resources; required for
 * `subnetIds`). `perSegment`: one NSG per segment, attached to that segment's
 * NICs; stable under growth. `auto` (default): shared while it fits Azure's
 * per-NSG quotas, else perSegment.
 */
export type NsgLayout = 'auto' | 'shared' | 'perSegment';

export interface AzurePlanOptions {
  /** Prepended to every Azure name (ASG, NSG). */
  readonly namePrefix?: string;
  readonly layout?: NsgLayout;
  readonly limits?: Partial<AzureLimits>;
  /** The NSG will be associated with subnets: forces the shared layout (a subnet takes one NSG for all its workloads). */
  readonly subnets?: boolean;
  /** ASGs the previous output had that stay though no rule references them any more (previous.ts): workloads still carry them. */
  readonly keepAsgs?: KeptAsgs;
}

export type AzureProtocol = 'Tcp' | 'Udp' | 'Icmp' | 'Esp' | 'Ah' | '*';
export type AzureDirection = 'Inbound' | 'Outbound';
export type AzureAccess = 'Allow' | 'Deny';

/** One side of a rule: segment ASGs, label ASGs (keys `label=value`), the all-segments ASG, prefixes of one family, or `*`. */
export type RuleEndpoint =
  | { readonly kind: 'asgs'; readonly segments: readonly string[] }
  | { readonly kind: 'labelAsgs'; readonly labels: readonly string[] }
  | { readonly kind: 'allAsg' }
  | { readonly kind: 'prefixes'; readonly family: Family; readonly cidrs: readonly string[] }
  | { readonly kind: 'any' };

export interface PlannedRule {
  /** Stable identity, independent of NSG, priority and rule names: `segment|dir|r<identity code>|protocol|peer`. */
  readonly key: string;
  /** Azure rule name (≤ nameMax), also the construct id. */
  readonly name: string;
  /** The name 0.1.0 gave it (from the rule name), when different: the emitter moves that address here. */
  readonly formerName?: string;
  readonly direction: AzureDirection;
  readonly access: AzureAccess;
  readonly priority: number;
  /** Keys of the rules of its NSG that must hold their new priorities before this one takes its own (allocatePriorities). */
  readonly after?: readonly string[];
  readonly protocol: AzureProtocol;
  /** `*` or explicit ports / ranges (`443`, `8000-8099`). */
  readonly ports: '*' | readonly string[];
  readonly source: RuleEndpoint;
  readonly destination: RuleEndpoint;
  readonly description: string;
  /** The segment whose side this rule realises; undefined for deny-alls. */
  readonly segment?: string;
  /** The rule or guardrail it comes from; undefined for deny-alls. */
  readonly origin?: Origin;
}

export interface PlannedAsg {
  readonly segment: string;
  readonly name: string;
}

/** An ASG standing for one label value: carried by every workload of every segment with that value. */
export interface PlannedLabelAsg {
  /** `label=value`, as rule endpoints reference it. */
  readonly key: string;
  readonly label: string;
  readonly value: string;
  readonly name: string;
  /** Segments whose workloads carry it (at least one), sorted. */
  readonly segments: readonly string[];
  /** Kept from the previous output though no rule references it: workloads may let it go (releasableApplicationSecurityGroups). */
  readonly releasable?: true;
}

/** The ASG standing for `{}`: carried by every workload of every segment. */
export interface PlannedAllAsg {
  readonly name: string;
  /** Kept from the previous output though no rule references it (see PlannedLabelAsg). */
  readonly releasable?: true;
}

/** The all-segments ASG's key among ASG keys (segment names and `label=value` never hold '*'). */
export const ALL_ASG_KEY = ALL_SEGMENTS_KEY;

export interface PlannedNsg {
  /** Construct id: `shared` or the segment name. */
  readonly key: string;
  readonly name: string;
  /** Segments whose workloads this NSG applies to (and whose rules it carries). */
  readonly segments: readonly string[];
  /** Sorted by direction, then priority. */
  readonly rules: readonly PlannedRule[];
  /** Distinct ASGs its rules reference (quota: asgsPerNsg). */
  readonly asgCount: number;
}

export interface AzurePlan {
  readonly policy: string;
  readonly layout: 'shared' | 'perSegment';
  /** Segment ASGs, sorted by segment. */
  readonly asgs: readonly PlannedAsg[];
  /** Label ASGs some rule references, sorted by key. */
  readonly labelAsgs: readonly PlannedLabelAsg[];
  /** Segment → keys of the label ASGs its workloads carry besides its own ASG (sorted; empty when none). */
  readonly segmentLabelAsgs: ReadonlyMap<string, readonly string[]>;
  /** Segment → keys of the kept label ASGs no rule references (and ALL_ASG_KEY for a kept all-segments ASG): carried until let go. */
  readonly segmentReleasableAsgs: ReadonlyMap<string, readonly string[]>;
  /** The all-segments ASG, when some rule side written as `{}` references it; every segment's workloads then carry it. */
  readonly allAsg?: PlannedAllAsg;
  /** Sorted by key. */
  readonly nsgs: readonly PlannedNsg[];
  /** Segment → keys of the NSGs that apply to its workloads. */
  readonly segmentNsgs: ReadonlyMap<string, readonly string[]>;
  readonly notes: readonly Diagnostic[];
  readonly limits: AzureLimits;
}

// ---------------------------------------------------------------------------
// helpers

const NAME_OK = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9_])?$/;

/**
 * What an Azure rule cannot say of `s`, or undefined when it can say it all.
 * A rule has one protocol: Tcp, Udp (with ports), Icmp (every type, both
 * families), Esp, Ah, or `*` (everything). So ICMP by type, ICMP of one
 * family only, SCTP, GRE and other protocol numbers, and "every protocol but
 * some" (which would need allows ordered against each other, which the
 * priority bands exclude) are refused, never widened.
 */
export function azureRefusal(s: ServiceSet): string | undefined {
  if (s.isAny()) return undefined;
  const why: string[] = [];
  if (s.strayIcmp) why.push('every IP protocol but some');
  if (s.hasPartialIcmp()) why.push('ICMP by type');
  else if (s.hasIcmp() && !s.isIcmpWhole()) why.push('ICMP of one address family only');
  if (!s.sctp.isEmpty()) why.push('SCTP');
  const odd = s.protocolNumbers().filter((n) => n !== PROTO_ESP && n !== PROTO_AH);
  if (odd.length && !s.strayIcmp) why.push(odd.map(protocolSpec).join(', '));
  return why.length ? why.join('; ') : undefined;
}

/** One Azure protocol per rule: `any` is `*`; otherwise Tcp, Udp, Icmp, Esp and Ah parts (undefined: azureRefusal). */
export function protocolParts(s: ServiceSet): { protocol: AzureProtocol; ports: '*' | readonly string[] }[] | undefined {
  if (s.isAny()) return [{ protocol: '*', ports: '*' }];
  if (azureRefusal(s)) return undefined;
  const out: { protocol: AzureProtocol; ports: '*' | readonly string[] }[] = [];
  if (!s.tcp.isEmpty()) out.push({ protocol: 'Tcp', ports: portTexts(s.tcp) ?? '*' });
  if (!s.udp.isEmpty()) out.push({ protocol: 'Udp', ports: portTexts(s.udp) ?? '*' });
  if (s.isIcmpWhole()) out.push({ protocol: 'Icmp', ports: '*' });
  if (s.protos.has(PROTO_ESP)) out.push({ protocol: 'Esp', ports: '*' });
  if (s.protos.has(PROTO_AH)) out.push({ protocol: 'Ah', ports: '*' });
  return out;
}

const PROTO_TAG: Record<AzureProtocol, string> = { Tcp: 'tcp', Udp: 'udp', Icmp: 'icmp', Esp: 'esp', Ah: 'ah', '*': 'any' };

// ---------------------------------------------------------------------------
// rules of one segment side

interface Group {
  /** The first of the merged rules (by name): its kind and location stand for the group in errors. */
  origin: Origin;
  /** Every rule and guardrail of the group's identity, sorted. */
  origins: string[];
  code: string;
  services: ServiceSet;
  segments: Set<string>;
  /** Segment sets (broad rule sides, resolve/ir.ts): their members are peers too, listed only where no label ASG names them. */
  sets: SegmentSetPeer[];
  addresses: AddressSet;
}

/**
 * Group a side's entries by rule identity (kit/rule-identity.ts), merging
 * peers and services: rules of one identity relate the same peers, so one
 * Azure rule per protocol and peer chunk holds them all, and renaming or
 * widening any of them updates it in place.
 */
function groupEntries(ir: ResolvedPolicy, entries: readonly SideEntry[]): Group[] {
  const groups = new Map<string, Group>();
  for (const e of entries) {
    const k = ruleIdentity(ir, e.origin);
    let g = groups.get(k);
    if (!g) groups.set(k, (g = { origin: e.origin, origins: [], code: identityCode(k), services: ServiceSet.EMPTY, segments: new Set(), sets: [], addresses: AddressSet.EMPTY }));
    if (!g.origins.includes(e.origin.name)) {
      g.origins.push(e.origin.name);
      if (e.origin.name < g.origin.name) g.origin = e.origin;
    }
    g.services = g.services.union(e.services);
    if (e.peer.kind === 'segment') g.segments.add(e.peer.segment);
    else if (e.peer.kind === 'segments') {
      if (!g.sets.includes(e.peer)) g.sets.push(e.peer);
    } else g.addresses = g.addresses.union(e.peer.addresses);
  }
  for (const g of groups.values()) g.origins.sort();
  return [...groups.values()].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
}

type Unprioritised = Omit<PlannedRule, 'priority'>;

// ---------------------------------------------------------------------------
// label ASGs

/**
 * Which rule sides use label ASGs, and who carries each label ASG: the rule
 * sides with a label identity (resolve/labels.ts, exact by construction), so
 * a workload's set of ASGs changes only when a selector naming its labels,
 * or its own labels, change.
 */
class LabelAsgs {
  /** `label=value` → segments with that value, sorted (built lazily per key). */
  private readonly carriers = new Map<string, string[]>();
  /** Keys some rule references. */
  readonly used = new Set<string>();
  /** Some rule references the all-segments ASG. */
  allUsed = false;

  constructor(private readonly ir: ResolvedPolicy) {}

  carriersOf(key: string): readonly string[] {
    let c = this.carriers.get(key);
    if (!c) {
      const eq = key.indexOf('=');
      const [label, value] = [key.slice(0, eq), key.slice(eq + 1)];
      this.carriers.set(key, (c = this.ir.segments.filter((s) => s.labels[label] === value).map((s) => s.name)));
    }
    return c;
  }

  /**
   * The label ASG keys that stand for the peers of one rule on one segment
   * side (ingress: the rule's `from`, egress: its `to`), `all` for the
   * all-segments ASG, or undefined when segment ASGs must be used.
   */
  peerKeys(origin: string, dir: Direction): readonly string[] | 'all' | undefined {
    const rule = this.ir.rule(origin);
    const id = dir === 'ingress' ? rule.fromLabels : rule.toLabels;
    if (!id) return undefined;
    if (id.kind === 'all') {
      this.allUsed = true;
      return 'all';
    }
    for (const k of id.keys) this.used.add(k);
    return id.keys;
  }
}

function sideRules(
  ir: ResolvedPolicy,
  segment: string,
  dir: Direction,
  action: Action,
  limits: AzureLimits,
  rep: Reporter,
  labels: LabelAsgs,
): Unprioritised[] {
  // Compact: a segment set stays one entry unless its members must be listed (below).
  const side = ir.sides.get(segment)![dir];
  const out: Unprioritised[] = [];
  const direction: AzureDirection = dir === 'ingress' ? 'Inbound' : 'Outbound';
  const access: AzureAccess = action === 'allow' ? 'Allow' : 'Deny';
  const own: RuleEndpoint = { kind: 'asgs', segments: [segment] };
  for (const g of groupEntries(ir, side[action])) {
    const parts = protocolParts(g.services);
    if (!parts) {
      // Reported once per rule, not once per segment side it reaches.
      if (rep.errors.some((d) => d.code === 'MS5001' && d.message.includes(`'${g.origin.name}'`))) continue;
      rep.add(
        'MS5001',
        `${g.origin.kind} '${g.origin.name}' has services ${g.services}: ${azureRefusal(g.services)} cannot be expressed exactly by Azure security rules (Tcp, Udp, Icmp, Esp, Ah or *), and a wider rule would admit more than the policy means`,
        g.origin.location,
      );
      continue;
    }
    // Peers: ASG chunks of asgsPerRuleSide; prefixes per family (Azure refuses mixed families in one rule), chunks of prefixesPerRuleSide.
    const peers: { tag: string; ep: RuleEndpoint; summary: string }[] = [];
    // Label ASGs or segment ASGs: either way the first chunk's tag is `asg`, so a rule that changes form keeps its name and priority.
    const labelKeys = g.segments.size > 0 || g.sets.length > 0 ? labels.peerKeys(g.origin.name, dir) : undefined;
    if (labelKeys === 'all') {
      peers.push({ tag: 'asg', ep: { kind: 'allAsg' }, summary: 'every segment' });
    } else if (labelKeys) {
      const labelChunks = chunk(labelKeys, limits.asgsPerRuleSide);
      for (const c of labelChunks) {
        const tag = c === labelChunks[0] ? 'asg' : `asg@${c[0]}`;
        const label = c[0].slice(0, c[0].indexOf('='));
        const summary = `segments with ${label}=${c.map((k) => k.slice(label.length + 1)).join('|')}`;
        peers.push({ tag, ep: { kind: 'labelAsgs', labels: c }, summary });
      }
    } else {
      const segs = [...new Set([...g.segments, ...g.sets.flatMap((x) => x.segments)])].sort();
      const segChunks = chunk(segs, limits.asgsPerRuleSide);
      for (const c of segChunks) {
        // Extra chunks are named by their first member, not their position.
        const tag = c === segChunks[0] ? 'asg' : `asg@${c[0]}`;
        const summary = c.length === 1 ? c[0] : `${c[0]} and ${c.length - 1} more segments`;
        peers.push({ tag, ep: { kind: 'asgs', segments: c }, summary });
      }
    }
    // Prefixes only of the families the segment's workloads can hold: a packet of another family never reaches or leaves them.
    for (const family of segmentFamilies(ir.segment(segment))) {
      const cidrs = g.addresses.toCidrs(family);
      const cidrChunks = chunk(cidrs, limits.prefixesPerRuleSide);
      for (const c of cidrChunks) {
        const tag = c === cidrChunks[0] ? `ip${family}` : `ip${family}@${c[0]}`;
        const summary = c.length === 1 ? c[0] : `${c.length} IPv${family} prefixes`;
        peers.push({ tag, ep: { kind: 'prefixes', family, cidrs: c }, summary });
      }
    }
    for (const part of parts) {
      for (const peer of peers) {
        const dirTag = dir === 'ingress' ? 'in' : 'out';
        const rest = `${dirTag}.${segment}.${PROTO_TAG[part.protocol]}.${peer.tag.replace(/[^A-Za-z0-9]+/g, '-')}`;
        const key = `${segment}|${dirTag}|r${g.code}|${PROTO_TAG[part.protocol]}|${peer.tag}`;
        const name = fitName(`r${g.code}.${rest}`.replace(/-+$/, ''), limits.nameMax);
        // 0.1.0 named it after the rule (the first, where rules merge): the address it moves from.
        const formerName = fitName(`${g.origin.name}.${rest}`.replace(/-+$/, ''), limits.nameMax);
        const who = g.origins.length === 1 ? `${g.origin.kind} ${g.origin.name}` : `rules ${g.origins.join(', ')}`;
        const what = `${access.toLowerCase()} ${part.protocol === '*' ? 'any' : part.protocol.toLowerCase()}${part.ports === '*' ? '' : '/' + part.ports.join(',')}`;
        const where = dir === 'ingress' ? `into ${segment} from ${peer.summary}` : `from ${segment} to ${peer.summary}`;
        out.push({
          key,
          name,
          direction,
          access,
          protocol: part.protocol,
          ports: part.ports,
          source: dir === 'ingress' ? peer.ep : own,
          destination: dir === 'ingress' ? own : peer.ep,
          description: fitText(`policy ${ir.name}, ${who}: ${what} ${where}`, limits.descriptionMax),
          segment,
          origin: g.origin,
          ...(formerName !== name ? { formerName } : {}),
        });
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// priorities

/** A rule's priority, and the rules that wanted its slot first and probed on (see allocatePriorities). */
export interface PriorityAllocation {
  readonly priority: number;
  /** Keys whose probe passed this slot because this rule holds it, sorted. */
  readonly losers: readonly string[];
}

/**
 * Give each rule a priority in its band, unique per NSG and direction:
 * the slot is a hash of the rule's stable key; collisions probe linearly, in
 * sorted key order. Adding or removing one rule therefore moves only rules
 * whose probe chain it crosses: O(1) expected while the band is sparse
 * (the bands hold 1000 and 2996 slots against at most 998 rules per NSG).
 *
 * Moving is safe to apply only in the right order (issue 23: no two rules
 * live at one moment share a priority). Inserting in a fixed order into a
 * larger set only pushes keys further along their probe chains, so when an
 * edit adds rules, the holder of a slot the new version gives to another
 * rule is always one of that slot's losers: a rule that waits for its
 * losers (`depends_on`) is created or moved only after they left. When an
 * edit removes a rule, the removed rule waited for its losers, and Terraform
 * updates a resource only after destroying those that depended on it (its
 * state records the dependency), so a loser moves back into the freed slot
 * after it is free.
 */
export function allocatePriorities(keys: readonly string[], band: readonly [number, number]): Map<string, PriorityAllocation> | undefined {
  const [lo, hi] = band;
  const size = hi - lo + 1;
  if (keys.length > size) return undefined;
  const holder: (string | undefined)[] = new Array(size);
  const losers = new Map<string, string[]>();
  for (const k of [...new Set(keys)].sort()) {
    let slot = hash32(k) % size;
    for (let h = holder[slot]; h !== undefined; h = holder[slot]) {
      losers.get(h)!.push(k);
      slot = (slot + 1) % size;
    }
    holder[slot] = k;
    losers.set(k, []);
  }
  const out = new Map<string, PriorityAllocation>();
  holder.forEach((k, slot) => {
    if (k !== undefined) out.set(k, { priority: lo + slot, losers: losers.get(k)! });
  });
  return out;
}

/** Priorities only (allocatePriorities without the order the apply needs). */
export function assignPriorities(keys: readonly string[], band: readonly [number, number]): Map<string, number> | undefined {
  const a = allocatePriorities(keys, band);
  return a && new Map([...a].map(([k, v]) => [k, v.priority]));
}

function denyAll(direction: AzureDirection, policy: string, limits: AzureLimits): PlannedRule {
  return {
    key: `deny-all|${direction}`,
    name: `deny-all-${direction.toLowerCase()}`,
    direction,
    access: 'Deny',
    priority: limits.denyAllPriority,
    protocol: '*',
    ports: '*',
    source: { kind: 'any' },
    destination: { kind: 'any' },
    description: fitText(
      `policy ${policy}: default deny ${direction.toLowerCase()}, overrides Azure's default ${direction === 'Inbound' ? 'AllowVnetInBound and AllowAzureLoadBalancerInBound' : 'AllowVnetOutBound and AllowInternetOutBound'}`,
      limits.descriptionMax,
    ),
  };
}

/** Distinct ASGs the rules reference: segment names, label keys (`label=value`; segment names hold no '=') and ALL_ASG_KEY. */
function asgsOf(rules: readonly Unprioritised[]): Set<string> {
  const s = new Set<string>();
  for (const r of rules) {
    for (const ep of [r.source, r.destination]) {
      if (ep.kind === 'asgs') for (const x of ep.segments) s.add(x);
      else if (ep.kind === 'labelAsgs') for (const x of ep.labels) s.add(x);
      else if (ep.kind === 'allAsg') s.add(ALL_ASG_KEY);
    }
  }
  return s;
}

// ---------------------------------------------------------------------------
// the plan

export function planAzure(ir: ResolvedPolicy, options: AzurePlanOptions = {}): AzurePlan {
  const limits: AzureLimits = { ...AZURE_LIMITS, ...options.limits };
  const rep = new Reporter(ir, 'azure');
  const policyLoc = ir.policy.locate(['metadata', 'name']);
  const prefix = options.namePrefix ?? '';
  if (prefix !== '' && !/^[A-Za-z0-9][-A-Za-z0-9_.]*$/.test(prefix)) {
    rep.fail('MS5005', `namePrefix '${prefix}' must start with a letter or digit and hold only letters, digits, '-', '_' and '.'`, policyLoc);
  }
  if (prefix.length > AZURE_PREFIX_MAX) {
    rep.fail('MS5005', `namePrefix '${prefix}' is ${prefix.length} characters; at most ${AZURE_PREFIX_MAX} keep names within Azure's ${limits.nameMax}`, policyLoc);
  }

  const asgs: PlannedAsg[] = ir.segments.map((s) => ({ segment: s.name, name: fitName(`${prefix}${ir.name}-${s.name}-asg`, limits.nameMax) }));

  // A rule whose two ends are segment sets lists its members as ASGs on a side its selector names no label ASG for: counted first.
  const budget = targetBudget(ir, 'azure', 'Azure lists its peers one ASG per segment: its selector names no label ASG on that side');
  for (const r of ir.rules) if (!r.pairsListed && !r.services.isEmpty() && (!r.fromLabels || !r.toLabels)) budget.add(r.origin, r.pairCount);

  // Every segment side, as Azure rules without priorities yet.
  const labels = new LabelAsgs(ir);
  const bySegment = new Map<string, { deny: Unprioritised[]; allow: Unprioritised[] }>();
  for (const s of ir.segments) {
    const side = (dir: Direction, action: Action) => sideRules(ir, s.name, dir, action, limits, rep, labels);
    bySegment.set(s.name, { deny: [...side('ingress', 'deny'), ...side('egress', 'deny')], allow: [...side('ingress', 'allow'), ...side('egress', 'allow')] });
  }
  rep.failIfErrors();

  // An ASG's name is immutable in Azure: one formula for the label ASGs in use and those kept from the previous output.
  // '.' joins label and value: segment names hold none, so no label ASG name can equal a segment ASG name.
  const labelAsgName = (key: string): string => {
    const eq = key.indexOf('=');
    return fitName(`${prefix}${ir.name}-${key.slice(0, eq)}.${key.slice(eq + 1)}-asg`, limits.nameMax);
  };
  // Label ASGs and who carries them; then the per-NIC quota: own ASG plus the label ASGs of its values.
  const labelAsgs: PlannedLabelAsg[] = [...labels.used].sort().map((key) => {
    const eq = key.indexOf('=');
    return { key, label: key.slice(0, eq), value: key.slice(eq + 1), name: labelAsgName(key), segments: labels.carriersOf(key) };
  });
  const segmentLabelAsgs = new Map<string, string[]>(ir.segments.map((s) => [s.name, []]));
  for (const l of labelAsgs) for (const s of l.segments) segmentLabelAsgs.get(s)!.push(l.key);
  // '.' right after the policy name: every other ASG name of the policy continues with '-', so none can equal it (a segment may be named `all`).
  const allName = fitName(`${prefix}${ir.name}.all-asg`, limits.nameMax);
  let allAsg: PlannedAllAsg | undefined = labels.allUsed ? { name: allName } : undefined;
  const extra = allAsg ? 1 : 0;
  for (const [segment, keys] of segmentLabelAsgs) {
    if (1 + keys.length + extra <= limits.asgsPerNic) continue;
    // Located at the first rule or guardrail (by name) that references one of its label ASGs (or the all-segments ASG).
    const users = [...bySegment.values()]
      .flatMap((x) => [...x.deny, ...x.allow])
      .filter((r) => [r.source, r.destination].some((ep) => (ep.kind === 'labelAsgs' && ep.labels.some((k) => keys.includes(k))) || ep.kind === 'allAsg'))
      .map((r) => r.origin!)
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const carried = [...keys, ...(allAsg ? ['the all-segments ASG'] : [])];
    rep.add(
      'MS5007',
      `workloads of segment '${segment}' would carry ${1 + keys.length + extra} application security groups (its own and ${keys.length > 0 ? `label ASGs ${carried.join(', ')}` : carried.join(', ')}), over Azure's quota of ${limits.asgsPerNic} per NIC; label ASGs are used by rule sides written as values of one label${allAsg ? ', the all-segments ASG by sides written as {}' : ''}, e.g. ${users[0]?.kind} '${users[0]?.name}'`,
      users[0]?.location ?? policyLoc,
    );
  }
  rep.failIfErrors();

  // ASGs the previous output had that no rule references now stay, so the apply destroys none a NIC still names (previous.ts).
  // They count toward no quota: workloads are told to let them go.
  const keep = options.keepAsgs ?? NOTHING_KEPT;
  const segmentReleasableAsgs = new Map<string, string[]>(ir.segments.map((s) => [s.name, []]));
  const keepNote = (what: string, carriers: readonly string[]) =>
    rep.add(
      'MS5105',
      `${what} stays from the previous output although no rule references it now, so that the apply does not destroy an ASG the workloads of ${carriers.join(', ')} carry; they no longer need it (identities.json lists it under releasableApplicationSecurityGroups): detach it, then compile with --release (construct: release) to destroy it`,
      policyLoc,
    );
  for (const key of [...keep.labels].filter((k) => !labels.used.has(k)).sort()) {
    const eq = key.indexOf('=');
    const carriers = labels.carriersOf(key);
    if (carriers.length === 0) continue;
    labelAsgs.push({ key, label: key.slice(0, eq), value: key.slice(eq + 1), name: labelAsgName(key), segments: carriers, releasable: true });
    for (const s of carriers) segmentReleasableAsgs.get(s)!.push(key);
    keepNote(`label ASG ${key}`, carriers);
  }
  labelAsgs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  if (!allAsg && keep.all && ir.segments.length > 0) {
    allAsg = { name: allName, releasable: true };
    for (const s of ir.segments) segmentReleasableAsgs.get(s.name)!.push(ALL_ASG_KEY);
    keepNote('the all-segments ASG', ir.segments.map((s) => s.name));
  }

  // Layout: shared while it fits, else one NSG per segment.
  const all = [...bySegment.values()].flatMap((x) => [...x.deny, ...x.allow]);
  const sharedFits = all.length + 2 <= limits.rulesPerNsg && asgsOf(all).size <= limits.asgsPerNsg && fitsBands(all, limits);
  if (options.subnets && options.layout === 'perSegment') {
    rep.fail('MS5006', `subnetIds associate one NSG with every workload of a subnet, which needs the shared layout, not perSegment`, ir.policy.locate(['targets', 'azure', 'subnetIds']) ?? policyLoc);
  }
  const layout: 'shared' | 'perSegment' = options.subnets || options.layout === 'shared' || (options.layout !== 'perSegment' && sharedFits) ? 'shared' : 'perSegment';
  if (options.layout !== 'shared' && layout === 'perSegment' && !sharedFits) {
    rep.add(
      'MS5102',
      `one NSG cannot hold this policy (${all.length + 2} rules, ${asgsOf(all).size} ASGs referenced; quotas ${limits.rulesPerNsg} and ${limits.asgsPerNsg}), so each segment gets its own NSG; attach it to that segment's NICs`,
      policyLoc,
    );
  }

  const groups: { key: string; name: string; segments: string[] }[] =
    layout === 'shared'
      ? [{ key: 'shared', name: fitName(`${prefix}${ir.name}-nsg`, limits.nameMax), segments: ir.segments.map((s) => s.name) }]
      : ir.segments.map((s) => ({ key: s.name, name: fitName(`${prefix}${ir.name}-${s.name}-nsg`, limits.nameMax), segments: [s.name] }));

  const nsgs: PlannedNsg[] = [];
  for (const g of groups) {
    const deny = g.segments.flatMap((s) => bySegment.get(s)!.deny);
    const allow = g.segments.flatMap((s) => bySegment.get(s)!.allow);
    const rules = [...deny, ...allow];
    const where = layout === 'shared' ? `NSG '${g.name}'` : `NSG '${g.name}' of segment '${g.segments[0]}'`;
    // Located at the rule or guardrail contributing the most rules; the message names the quota.
    const blame = () => largestContributors(rules.flatMap((r) => (r.origin ? [{ origin: r.origin, weight: 1 }] : [])));
    const why = layout === 'shared' && options.subnets && !sharedFits ? ' (subnetIds need one shared NSG; without them each segment would get its own)' : '';
    if (rules.length + 2 > limits.rulesPerNsg) {
      const b = blame();
      rep.add('MS5002', `${where} needs ${rules.length + 2} security rules, over Azure's quota of ${limits.rulesPerNsg} rules per NSG${why}; ${b.text}`, b.location ?? policyLoc);
      continue;
    }
    const asgCount = asgsOf(rules).size;
    if (asgCount > limits.asgsPerNsg) {
      const b = blame();
      rep.add('MS5003', `${where} references ${asgCount} application security groups, over Azure's quota of ${limits.asgsPerNsg} per NSG${why}; ${b.text}`, b.location ?? policyLoc);
      continue;
    }
    const prioritised: PlannedRule[] = [];
    for (const direction of ['Inbound', 'Outbound'] as AzureDirection[]) {
      for (const [band, list, access] of [
        [limits.denyBand, deny, 'deny'],
        [limits.allowBand, allow, 'allow'],
      ] as const) {
        const mine = list.filter((r) => r.direction === direction);
        const prios = allocatePriorities(
          mine.map((r) => r.key),
          band,
        );
        if (!prios) {
          const o = mine[0]?.origin;
          rep.add(
            'MS5004',
            `${where} needs ${mine.length} ${direction.toLowerCase()} ${access} rules, more than the ${band[1] - band[0] + 1} priorities of its band ${band[0]}–${band[1]}`,
            o?.location ?? policyLoc,
          );
          continue;
        }
        for (const r of mine) {
          const a = prios.get(r.key)!;
          prioritised.push({ ...r, priority: a.priority, ...(a.losers.length ? { after: a.losers } : {}) });
        }
      }
      prioritised.push(denyAll(direction, ir.name, limits));
    }
    prioritised.sort((a, b) => (a.direction < b.direction ? -1 : a.direction > b.direction ? 1 : a.priority - b.priority));
    // Names must be unique within an NSG; digests make a clash practically impossible, but never emit one silently.
    const seen = new Set<string>();
    for (const r of prioritised) {
      if (!NAME_OK.test(r.name) || r.name.length > limits.nameMax) throw new Error(`azure plan: invalid rule name '${r.name}'`);
      if (seen.has(r.name)) throw new Error(`azure plan: duplicate rule name '${r.name}' in ${where}`);
      seen.add(r.name);
    }
    nsgs.push({ key: g.key, name: g.name, segments: g.segments, rules: prioritised, asgCount });
  }
  rep.failIfErrors();

  const segmentNsgs = new Map<string, string[]>();
  for (const n of nsgs) for (const s of n.segments) segmentNsgs.set(s, [...(segmentNsgs.get(s) ?? []), n.key]);

  return { policy: ir.name, layout, asgs, labelAsgs, segmentLabelAsgs, segmentReleasableAsgs, allAsg, nsgs: nsgs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)), segmentNsgs, notes: rep.notes, limits };
}

function fitsBands(rules: readonly Unprioritised[], limits: AzureLimits): boolean {
  for (const direction of ['Inbound', 'Outbound']) {
    const d = rules.filter((r) => r.direction === direction);
    if (d.filter((r) => r.access === 'Deny').length > limits.denyBand[1] - limits.denyBand[0] + 1) return false;
    if (d.filter((r) => r.access === 'Allow').length > limits.allowBand[1] - limits.allowBand[0] + 1) return false;
  }
  return true;
}
