/**
 * The AWS plan: pure data from the IR to security groups and rules.
 *
 * AWS has allows only, on both sides of every interface: a flow passes when
 * the source's egress and the destination's ingress both admit it. Each
 * segment gets one group (more when its rules overflow one group's quota),
 * and each side of the segment is compiled on its own from the IR:
 *
 * - identity peers become group references with services
 *   ∪allows(P) − ∪denies(P) − (address denies covering all of addr(P)).
 *   An address deny that covers only part of addr(P) cannot be said with a
 *   group reference; it is fine when the other side of the flow already
 *   blocks those services, and an error otherwise.
 * - address peers become CIDR rules: per service atom, allowed addresses =
 *   ∪address allows − ∪address denies. A deny guardrail between segments Q
 *   and X must also hold against these CIDRs: where both X's ingress CIDRs
 *   reach addr(Q) and Q's egress CIDRs reach addr(X), the denied addresses
 *   are subtracted on the side that costs fewer rules (the spec's permitted
 *   "stricter at shared addresses" deviation), and a note says so.
 *
 * Address families: a side only holds rules of the families its segment can
 * hold (`resolve/families.ts`); CIDRs of another family, and ICMPv6 group
 * references where either segment holds no IPv6, could never match a packet.
 *
 * A CIDR set of one family with at least `prefixListMinEntries` CIDRs (3)
 * becomes a managed prefix list, referenced by one rule per protocol piece
 * instead of one rule per CIDR; see `prefix-lists.ts`.
 *
 * Rule sides written as values of one label, or as `{}`, reference label
 * groups (one per value, or the all-segments group) instead of one group per
 * peer segment; see `label-groups.ts` and the fallback loop in `planAws`.
 *
 * Then rules are spread over up to `maxGroupsPerInterface` groups per
 * segment, first fit in the order of their ids, and quotas are checked. A
 * prefix-list reference weighs its `max_entries` in both families' quotas;
 * a segment whose rules would not fit with lists keeps spelled CIDRs.
 * Groups the previous output had (`keepGroups`) stay, empty when no rule
 * needs them, so an edit never destroys a group workloads carry.
 */
import { Diagnostic } from '../../model/diagnostics';
import { AddressSet, addressAtoms, Family } from '../../net/address';
import { ServiceSet } from '../../net/service';
import { Direction, Origin, ResolvedPolicy, ResolvedSegment, SideEntry } from '../../resolve/ir';
import { sharedFamilies } from '../../resolve/families';
import { digest } from '../kit/names';
import { AWS_LIMITS, AWS_QUOTAS } from './limits';
import { largestContributors, Reporter } from '../kit/report';
import { AllowOnlyModel, arrow, isSegmentEntry, peerAddresses, peerSegment, planAllowOnly, SideWork, unionAddresses, uniqueOrigins } from '../kit/allow-only';
import { groupConstructId, groupDescription, groupName, labelGroupConstructId, labelGroupDescription, labelGroupName, originLabel, ruleDescription } from './naming';
import { AwsProtocol, awsProtocol, awsRefusal, Piece, pieceFamilies, pieceKey, pieceServices, serviceKey, toPieces } from './pieces';
import { ALL_KEY, LabelForms, SideCoverage } from './label-groups';
import { listKey, listSource, PlannedPrefixList, planPrefixLists, PREFIX_LIST_MIN_ENTRIES } from './prefix-lists';

export { PlannedPrefixList, PREFIX_LIST_MIN_ENTRIES } from './prefix-lists';

export interface AwsPlanOptions {
  /** Default: `targets.aws.maxGroupsPerInterface`, else 5. */
  readonly maxGroupsPerInterface?: number;
  /** Default 60; raise it only if the account's quota was raised. */
  readonly rulesPerGroup?: number;
  /** Prepended to every group and prefix list name. */
  readonly namePrefix?: string;
  /** Managed prefix lists for large CIDR sets. Default: `targets.aws.prefixLists`, else true. */
  readonly prefixLists?: boolean;
  /** Label groups for rule sides written as values of one label or as `{}` (see label-groups.ts). Default true. */
  readonly labelGroups?: boolean;
  /** Fewest CIDRs of one family that make a prefix list (default 3: one list + one rule per piece is then always fewer resources). */
  readonly prefixListMinEntries?: number;
  /**
   * Own groups each segment keeps at least, from the previous output (`keptGroups` in previous.ts): a group workloads
   * may carry is never destroyed by a policy edit. Groups past the ones its rules need hold no rules (`PlannedGroup.kept`).
   */
  readonly keepGroups?: ReadonlyMap<string, number>;
  /** The group index a rule (segment, rule id) had in the previous output (`previousGroups` in previous.ts): it stays there while it fits. */
  readonly previousGroup?: (segment: string, ruleId: string) => number | undefined;
}

export type RulePeer =
  | { readonly kind: 'group'; readonly segment: string }
  /** A label group: `key` is `label=value`, or `*` for the all-segments group (`AwsPlan.labelGroups`). */
  | { readonly kind: 'labelGroup'; readonly key: string; readonly family?: undefined }
  | { readonly kind: 'cidr'; readonly family: Family; readonly cidr: string }
  /** `list` is the content key of a PlannedPrefixList (`AwsPlan.prefixLists`). */
  | { readonly kind: 'prefixList'; readonly family: Family; readonly list: string; readonly source: string; readonly entries: number };

export interface PlannedRule {
  /** Construct id within the segment's scope: `in-<digest>` / `out-<digest>` of direction, peer, protocol and first port. */
  readonly id: string;
  /** Construct ids earlier versions gave this rule (`in-<first origin>-<digest>`): `moved` blocks come from them. */
  readonly formerIds: readonly string[];
  /** Content key the digest is taken of: direction, peer, protocol, ports. */
  readonly key: string;
  readonly segment: string;
  readonly direction: Direction;
  /** Index into the segment's groups. */
  readonly group: number;
  readonly peer: RulePeer;
  readonly protocol: AwsProtocol;
  /** The rules and guardrails this rule realises, sorted by name. */
  readonly origins: readonly Origin[];
  readonly description: string;
  /** Address families whose quota the rule counts against (group and prefix-list references count in both). */
  readonly families: readonly Family[];
  /** Rules it counts as in each of those families: 1, or a prefix list's max_entries. */
  readonly weight: number;
}

export interface PlannedGroup {
  readonly index: number;
  readonly constructId: string;
  readonly name: string;
  readonly description: string;
  /**
   * Holds no rules: kept only because the previous output had it (`keepGroups`). No workload needs it (identities.json
   * lists it under `releasableSecurityGroups`); a compile with release destroys it once the workloads let it go.
   */
  readonly kept?: true;
}

/** A group that holds no rules: it stands for the workloads that attach it, for rules to reference. */
export interface PlannedLabelGroup {
  /** `label=value`, or `*` for the all-segments group. */
  readonly key: string;
  readonly constructId: string;
  readonly name: string;
  readonly description: string;
  /** Segments whose workloads attach it, sorted: the carriers of the value that had room for it. */
  readonly segments: readonly string[];
}

export interface PlannedSegment {
  readonly name: string;
  /** Primary group first; every workload of the segment attaches all of them. */
  readonly groups: readonly PlannedGroup[];
  /** Keys of the label groups its workloads attach too (label keys sorted, then `*`). */
  readonly labelGroups: readonly string[];
  /** Sorted by id. */
  readonly rules: readonly PlannedRule[];
}

export interface AwsPlan {
  readonly policy: string;
  readonly segments: readonly PlannedSegment[];
  /** Label groups some rule references, sorted by key. */
  readonly labelGroups: readonly PlannedLabelGroup[];
  /** Managed prefix lists the rules reference, sorted by id. */
  readonly prefixLists: readonly PlannedPrefixList[];
  /** Subtractions and other remarks (warnings and infos). */
  readonly notes: readonly Diagnostic[];
  readonly limits: { readonly rulesPerGroup: number; readonly maxGroupsPerInterface: number };
  /** `groups` counts segment and label groups. */
  readonly stats: { readonly groups: number; readonly labelGroups: number; readonly rules: number; readonly subtractions: number; readonly prefixLists: number };
}

// ---------------------------------------------------------------------------
// Phases 1 and 2 (lib/targets/kit/allow-only.ts): security groups are an allow-only model

const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** Security groups: an address set costs one rule per CIDR; the two remarks in security-group terms. */
function securityGroupModel(rep: Reporter): AllowOnlyModel {
  return {
    cost: (a) => a.cidrCount(),
    onPartialDeny: ({ segment, dir, peer, services, guardrails, rules }) =>
      rep.add(
        'MS4001',
        `${guardrails.map((g) => `guardrail ${g.name}`).join(', ')} denies by address part of the addresses segment ${peer} may hold, while ${rules
          .map((r) => `${r.kind} ${r.name}`)
          .join(', ')} allows ${arrow(dir, segment.name, peer)} by identity on ${services}; a security group reference cannot exclude addresses, so the ${dir} of ${segment.name} cannot be exact. Declare addresses for ${peer} that the deny covers wholly or not at all.`,
        guardrails[0].location,
      ),
    onSubtraction: ({ from, to, services, guardrails, narrowed, removedOf, removed, target }) =>
      rep.add(
        'MS4101',
        `${guardrails.map((g) => `guardrail ${g.name}`).join(', ')} denies ${from} -> ${to} on ${services}, which ${narrowed
          .map((r) => `${r.kind} ${r.name}`)
          .join(', ')} would admit by address; enforced by subtracting the addresses of ${removedOf} (${removed.cidrCount()} CIDR${removed.cidrCount() === 1 ? '' : 's'}) from the ${target.dir} CIDRs of ${target.segment.name}, which also blocks any other host at those addresses on these services`,
        guardrails[0].location,
      ),
  };
}

// ---------------------------------------------------------------------------
// Phase 3: rules

interface DraftRule {
  readonly direction: Direction;
  readonly peer: RulePeer;
  readonly protocol: AwsProtocol;
  readonly origins: Origin[];
  readonly families: Family[];
  readonly weight: number;
  /** For a prefix-list reference: the same rule spelled as one CIDR rule per entry, used when the list costs a group. */
  readonly spelled?: DraftRule[];
}

function peerKey(p: RulePeer): string {
  return p.kind === 'group' ? `sg:${p.segment}` : p.kind === 'labelGroup' ? `lg:${p.key}` : p.kind === 'cidr' ? `cidr:${p.cidr}` : `pl:${p.list}`;
}

function ruleKey(r: Pick<DraftRule, 'direction' | 'peer' | 'protocol'>): string {
  return [r.direction, peerKey(r.peer), r.protocol.ipProtocol, r.protocol.fromPort ?? '', r.protocol.toPort ?? ''].join('|');
}

function otherError(rep: Reporter, w: SideWork, what: string, svc: ServiceSet, allows: readonly SideEntry[]): void {
  const refusal = awsRefusal(svc)!;
  if (refusal.code === 'MS4007') {
    const rules = uniqueOrigins(allows.filter((e) => !e.services.sctp.isEmpty() && !e.services.sctp.isAll()));
    rep.add(
      'MS4007',
      `the ${w.dir} of ${w.segment.name} admits ${what} on ${refusal.what} (from ${rules.map((r) => `${r.kind} ${r.name}`).join(', ')}); an AWS security group rule for SCTP (protocol 132) takes no ports, and a wider rule would admit more than the policy means. Allow 'sctp' (every port), or leave this flow to another target.`,
      rules[0]?.location,
    );
    return;
  }
  const rules = uniqueOrigins(allows.filter((e) => e.services.hasOther()));
  const guards = uniqueOrigins(w.side.deny.filter((e) => e.services.overlaps(ServiceSet.ANY.subtract(svc))));
  const cut = guards.length ? `, because ${guards.map((g) => `${g.kind} ${g.name}`).join(', ')} removes part of it` : '';
  rep.add(
    'MS4003',
    `the ${w.dir} of ${w.segment.name} admits ${what} on every IP protocol except ${ServiceSet.ANY.subtract(svc)}${cut} (from ${rules
      .map((r) => `${r.kind} ${r.name}`)
      .join(', ')}); AWS names protocols one rule each, so "all but some" does not fit the quota of ${AWS_LIMITS.rulesPerGroup} rules per group. List the protocols the allow needs instead of 'any'.`,
    rules[0]?.location,
  );
}

interface ListSettings {
  /** Fewest CIDRs that make a list; Infinity when lists are off. */
  readonly minEntries: number;
  /** Most CIDRs a list may hold: one that weighs more than a group's quota could never be placed. */
  readonly maxEntries: number;
}

function emitSide(ir: ResolvedPolicy, w: SideWork, rep: Reporter, lists: ListSettings, cov: SideCoverage): DraftRule[] {
  const out: DraftRule[] = [];
  const x = w.segment;
  const segAllows = w.side.allow.filter(isSegmentEntry);
  for (const key of [...cov.refs.keys()].sort()) {
    const { svc, origins, families } = cov.refs.get(key)!;
    const pieces = toPieces(svc);
    const ordered = [...origins.values()].sort(byName);
    if (!pieces) {
      otherError(rep, w, key === ALL_KEY ? 'every segment' : `segments with ${key}`, svc, segAllows.filter((e) => origins.has(e.origin.name)));
      continue;
    }
    for (const piece of pieces) {
      const ps = pieceServices(piece);
      const os = ordered.filter((o) => segAllows.some((e) => e.origin.name === o.name && e.services.overlaps(ps)));
      // ICMP per family, only those x and some member can both hold; a reference that can never match is left out.
      const fams = pieceFamilies(piece, ([4, 6] as Family[]).filter((f) => families.has(f)));
      for (const f of fams) out.push({ direction: w.dir, peer: { kind: 'labelGroup', key }, protocol: awsProtocol(piece, f), origins: os.length ? os : ordered, families: [4, 6], weight: 1 });
    }
  }
  for (const [p, svc] of [...w.refs].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const allows = segAllows.filter((e) => peerSegment(e) === p);
    const covered = cov.covered.get(p) ?? ServiceSet.EMPTY;
    // What a label group already admits for p needs no reference of its own; pieces stay whole (no fragmenting).
    if (covered.containsSet(svc)) continue;
    const pieces = toPieces(svc);
    if (!pieces) {
      otherError(rep, w, `segment ${p}`, svc, allows);
      continue;
    }
    const peerSeg = ir.segment(p);
    for (const piece of pieces) {
      if (covered.containsSet(pieceServices(piece))) continue;
      const origins = uniqueOrigins(allows.filter((e) => e.services.overlaps(pieceServices(piece))));
      // ICMP and ICMPv6 are separate references, each only where both segments can hold that family.
      const families = pieceFamilies(piece, sharedFamilies(x, peerSeg));
      for (const f of families) {
        out.push({ direction: w.dir, peer: { kind: 'group', segment: p }, protocol: awsProtocol(piece, f), origins, families: [4, 6], weight: 1 });
      }
    }
  }

  if (w.cidr.length > 0) {
    // Regions: the coarsest address split on which the admitted services are constant.
    const universe = unionAddresses(w.cidr.map((c) => c.addrs));
    const byServices = new Map<string, { svc: ServiceSet; ranges: { family: Family; lo: bigint; hi: bigint }[] }>();
    for (const r of addressAtoms(w.cidr.map((c) => c.addrs), universe)) {
      let svc = ServiceSet.EMPTY;
      for (const c of w.cidr) if (c.addrs.contains(r.family, r.lo)) svc = svc.union(c.svc);
      const k = serviceKey(svc);
      (byServices.get(k) ?? byServices.set(k, { svc, ranges: [] }).get(k)!).ranges.push(r);
    }
    // Pieces: each AWS protocol/port range with the union of the regions that admit it, so CIDRs summarise across regions.
    const byPiece = new Map<string, { piece: Piece; addrs: AddressSet }>();
    const addrAllows = w.side.allow.filter((e) => !isSegmentEntry(e));
    for (const { svc, ranges } of byServices.values()) {
      const addrs = AddressSet.fromRanges(ranges);
      const pieces = toPieces(svc);
      if (!pieces) {
        otherError(rep, w, `addresses ${addrs.toCidrs().slice(0, 3).join(', ')}${addrs.cidrCount() > 3 ? ', …' : ''}`, svc, addrAllows.filter((e) => peerAddresses(e).overlaps(addrs)));
        continue;
      }
      for (const piece of pieces) {
        const k = pieceKey(piece);
        const old = byPiece.get(k);
        byPiece.set(k, { piece, addrs: old ? old.addrs.union(addrs) : addrs });
      }
    }
    for (const k of [...byPiece.keys()].sort()) {
      const { piece, addrs } = byPiece.get(k)!;
      const pieceSvc = pieceServices(piece);
      const candidates = addrAllows.filter((e) => e.services.overlaps(pieceSvc));
      for (const f of [4, 6] as Family[]) {
        // An ICMP piece is for its own family's packets only.
        if (piece.proto === 'icmp' && piece.family !== f) continue;
        const cidrs = addrs.toCidrs(f);
        const protocol = awsProtocol(piece, f);
        const spelled: DraftRule[] = cidrs.map((c) => {
          // One candidate is the common case; only several need the (costlier) per-CIDR overlap test.
          const origins = candidates.length === 1 ? uniqueOrigins(candidates) : uniqueOrigins(candidates.filter((e) => peerAddresses(e).overlaps(AddressSet.fromCidrs([c]))));
          return { direction: w.dir, peer: { kind: 'cidr', family: f, cidr: c }, protocol, origins, families: [f], weight: 1 };
        });
        if (cidrs.length < lists.minEntries || cidrs.length > lists.maxEntries) {
          out.push(...spelled);
          continue;
        }
        // The list's identity is its content and the externals it comes from, so a rule's form depends on that set alone, never on other rules.
        const sources = candidates.length === 1 ? candidates : candidates.filter((e) => peerAddresses(e).overlaps(AddressSet.fromCidrs(cidrs)));
        const source = listSource(sources.map((e) => (e.peer.kind === 'addresses' ? e.peer.external : undefined)));
        const peer: RulePeer = { kind: 'prefixList', family: f, list: listKey(f, source, cidrs), source, entries: cidrs.length };
        out.push({ direction: w.dir, peer, protocol, origins: uniqueOrigins(sources), families: [4, 6], weight: cidrs.length, spelled });
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// Spreading over groups and quotas

/**
 * What stays the same when a rule's port range is widened or narrowed at
 * its upper end: direction, peer, protocol and first port. The pieces of one
 * peer and protocol are disjoint ranges, so their first ports tell them apart.
 */
function anchorKey(r: Pick<DraftRule, 'direction' | 'peer' | 'protocol'>): string {
  return [r.direction, peerKey(r.peer), r.protocol.ipProtocol, r.protocol.fromPort ?? ''].join('|');
}

/**
 * A rule's construct id: its direction and a digest of what it is (peer,
 * protocol, first port), never a rule name nor its last port, so renaming a
 * rule, adding one that grants the same, or widening or narrowing its ports
 * (`tcp/8080` → `tcp/8080-8081`) updates it in place: an
 * `aws_vpc_security_group_*_rule` changes ports, description and tags in place.
 */
function ruleId(r: DraftRule, key: string, length: number): string {
  return `${r.direction === 'ingress' ? 'in' : 'out'}-${digest(key, length)}`;
}

/** The id 0.1.0 gave the same rule (its first origin's name in it): where `moved` blocks come from. */
function formerRuleId(r: DraftRule, key: string, length: number): string {
  const first = r.origins[0]?.name ?? 'policy';
  return `${r.direction === 'ingress' ? 'in' : 'out'}-${first}-${digest(key, length)}`;
}

interface IdentifiedRule {
  readonly draft: DraftRule;
  /** Full content key (direction, peer, protocol, both ports). */
  readonly key: string;
  id: string;
  /** The id 0.1.0 gave it (`in-<first origin>-<digest of key>`). */
  formerIds: string[];
}

function assignIds(drafts: readonly DraftRule[]): IdentifiedRule[] {
  const withKeys: IdentifiedRule[] = drafts.map((d) => ({ draft: d, key: ruleKey(d), id: '', formerIds: [] }));
  // Anchors are unique per segment (disjoint pieces); should two ever meet, those two fall back to their full keys.
  const anchors = new Map<string, number>();
  for (const w of withKeys) anchors.set(anchorKey(w.draft), (anchors.get(anchorKey(w.draft)) ?? 0) + 1);
  const idKey = (w: IdentifiedRule) => (anchors.get(anchorKey(w.draft))! > 1 ? w.key : anchorKey(w.draft));
  let length = 8;
  for (;;) {
    for (const w of withKeys) {
      w.id = ruleId(w.draft, idKey(w), length);
      // Only 0.1.0's: Terraform refuses two moved blocks into one address, and no release wrote the ids in between.
      w.formerIds = [formerRuleId(w.draft, w.key, length)];
    }
    if (new Set(withKeys.map((w) => w.id)).size === withKeys.length || length >= 64) break;
    length *= 2; // a digest collision: lengthen every id of this segment (practically never)
  }
  // Placed in id order: ids change with neither rule names nor last ports, so a rename or a widened range moves no rule to
  // another overflow group (a rule that must move anyway is created before destroyed, see emit.ts).
  return withKeys.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

interface Placement {
  readonly rules: { it: IdentifiedRule; group: number }[];
  readonly used: number;
  /** `ingress4` etc.: direction and family where some rule found no group with room. */
  readonly failed: Set<string>;
}

/**
 * First fit of the drafts, in id order, into the lowest group with room in every family the rule counts in. With
 * `stick` (the group each rule id had in the previous output), rules that still fit their previous group are placed
 * there first: a rule moving between two groups is created in the new one before it goes from the old, and AWS counts
 * both against their groups' quotas while it moves, so an edit that frees room in a lower group must not pull rules in.
 */
function place(drafts: readonly DraftRule[], limits: AwsPlan['limits'], stick?: (id: string) => number | undefined): Placement {
  const counts: Record<string, number>[] = [];
  const rules: Placement['rules'] = [];
  const failed = new Set<string>();
  let used = 1;
  const fits = (d: DraftRule, g: number) => {
    const c = (counts[g] ??= {});
    if (!d.families.every((f) => (c[`${d.direction}${f}`] ?? 0) + d.weight <= limits.rulesPerGroup)) return false;
    for (const f of d.families) c[`${d.direction}${f}`] = (c[`${d.direction}${f}`] ?? 0) + d.weight;
    return true;
  };
  const ordered = assignIds(drafts);
  const rest: IdentifiedRule[] = [];
  for (const it of ordered) {
    const g = stick?.(it.id);
    if (g !== undefined && g < limits.maxGroupsPerInterface && fits(it.draft, g)) {
      used = Math.max(used, g + 1);
      rules.push({ it, group: g });
    } else rest.push(it);
  }
  for (const it of rest) {
    const d = it.draft;
    let g = 0;
    while (g < limits.maxGroupsPerInterface && !fits(d, g)) g++;
    if (g === limits.maxGroupsPerInterface) {
      // Report the families that are too full in every group (a reference fails on either).
      for (const f of d.families) if (counts.every((c) => (c[`${d.direction}${f}`] ?? 0) + d.weight > limits.rulesPerGroup)) failed.add(`${d.direction}${f}`);
      continue;
    }
    used = Math.max(used, g + 1);
    rules.push({ it, group: g });
  }
  if (stick) rules.sort((a, b) => (a.it.id < b.it.id ? -1 : a.it.id > b.it.id ? 1 : 0));
  return { rules, used, failed };
}

function spread(
  ir: ResolvedPolicy,
  seg: ResolvedSegment,
  drafts: readonly DraftRule[],
  fullLimits: AwsPlan['limits'],
  prefix: string,
  rep: Reporter,
  labelGroups: readonly string[],
  keep = 0,
  stick?: (id: string) => number | undefined,
): { segment: PlannedSegment; fits: boolean } {
  // The label groups its workloads attach take their places in the per-interface quota.
  const limits = { ...fullLimits, maxGroupsPerInterface: fullLimits.maxGroupsPerInterface - labelGroups.length };
  // Prefix lists save resources but weigh their max_entries in both families; they must never cost the fit. Spelled
  // CIDRs are the fallback for the whole segment when the lists do not fit, decided by its own rules only. Not when the
  // lists merely need one more group: switching forms replaces every CIDR rule of the segment, and Terraform orders
  // the destroys of the old form against the creates of the new one in no way, so the apply would drop those flows
  // for a while; a new group is a create (identities.json and compile --previous say what to attach).
  const spelledDrafts = drafts.some((d) => d.spelled) ? drafts.flatMap((d) => d.spelled ?? [d]) : drafts;
  let chosen = place(drafts, limits, stick);
  let finalDrafts = drafts;
  if (spelledDrafts !== drafts && chosen.failed.size > 0) {
    chosen = place(spelledDrafts, limits, stick);
    finalDrafts = spelledDrafts;
  }
  const rules: PlannedRule[] = chosen.rules.map(({ it, group }) => ({
    id: it.id,
    formerIds: it.formerIds,
    key: it.key,
    segment: seg.name,
    direction: it.draft.direction,
    group,
    peer: it.draft.peer,
    protocol: it.draft.protocol,
    origins: it.draft.origins,
    description: ruleDescription(ir.name, it.draft.origins),
    families: it.draft.families,
    weight: it.draft.weight,
  }));
  for (const k of [...chosen.failed].sort()) {
    const dir = k.slice(0, -1) as Direction;
    const fam = Number(k.slice(-1)) as Family;
    const relevant = finalDrafts.filter((d) => d.direction === dir && d.families.includes(fam));
    const largest = largestContributors(
      relevant.flatMap((d) => d.origins.map((origin) => ({ origin, weight: d.weight }))),
      originLabel,
    );
    const subtracted = rep.notes.filter((n) => n.code === 'MS4101' && n.message.includes(`${dir} CIDRs of ${seg.name},`));
    const needed = relevant.reduce((n, d) => n + d.weight, 0);
    rep.add(
      'MS4002',
      `segment ${seg.name} needs ${needed} IPv${fam} ${dir} rules, more than ${limits.maxGroupsPerInterface} groups (targets.aws.maxGroupsPerInterface${labelGroups.length ? ` less ${labelGroups.length} label group(s)` : ''}) x ${limits.rulesPerGroup} rules per group hold; ${largest.text}${subtracted.length ? `; ${subtracted.length} guardrail subtraction(s) add CIDRs here` : ''}. Declare narrower addresses, merge externals into supernets, or raise maxGroupsPerInterface if the account allows.`,
      largest.location ?? seg.location,
    );
  }
  const groups: PlannedGroup[] = [];
  // First fit fills the lowest groups, so the groups its rules need are 0..used-1; kept ones follow, empty.
  for (let i = 0; i < Math.max(chosen.used, keep); i++) {
    const name = groupName(prefix, ir.name, seg.name, i);
    groups.push({ index: i, constructId: groupConstructId(i), name, description: groupDescription(ir.name, seg.name, i), ...(i >= chosen.used ? { kept: true as const } : {}) });
  }
  for (const g of groups.filter((x) => x.kept)) {
    rep.add(
      'MS4104',
      `segment ${seg.name} keeps group ${g.name} from the previous output although it holds no rules now, so that the apply does not destroy a group workloads carry; they no longer need it (identities.json lists it under releasableSecurityGroups): detach it, then compile with --release (construct: release) to destroy it`,
      seg.location,
    );
  }
  const primary = groups[0].name;
  if (primary.length > AWS_QUOTAS.textMax || groups[groups.length - 1].name.length > AWS_QUOTAS.textMax) {
    rep.add('MS4004', `security group name '${primary}' is longer than ${AWS_QUOTAS.textMax} characters`, seg.location);
  } else if (primary.toLowerCase().startsWith('sg-')) {
    rep.add('MS4004', `security group name '${primary}' starts with 'sg-', which AWS reserves for group ids; rename the policy or set a name prefix`, ir.policy.locate(['metadata', 'name']));
  }
  return { segment: { name: seg.name, groups, rules, labelGroups: [...labelGroups].sort((a, b) => (a === ALL_KEY ? 1 : b === ALL_KEY ? -1 : a < b ? -1 : a > b ? 1 : 0)) }, fits: chosen.failed.size === 0 };
}

// ---------------------------------------------------------------------------

/**
 * Plan the AWS output of a resolved policy. Throws PolicyError with located
 * diagnostics when the policy cannot be compiled exactly within quotas.
 */
export function planAws(ir: ResolvedPolicy, options: AwsPlanOptions = {}): AwsPlan {
  const limits = {
    rulesPerGroup: options.rulesPerGroup ?? AWS_LIMITS.rulesPerGroup,
    maxGroupsPerInterface: options.maxGroupsPerInterface ?? ir.policy.doc.targets?.aws?.maxGroupsPerInterface ?? AWS_LIMITS.maxGroupsPerInterface,
  };
  const useLists = options.prefixLists ?? ir.policy.doc.targets?.aws?.prefixLists ?? true;
  const lists: ListSettings = { minEntries: useLists ? Math.max(1, options.prefixListMinEntries ?? PREFIX_LIST_MIN_ENTRIES) : Infinity, maxEntries: limits.rulesPerGroup };
  const rep = new Reporter(ir, 'aws');
  const { work, subtractions } = planAllowOnly(ir, securityGroupModel(rep), 'aws');
  const prefix = options.namePrefix ?? '';
  const stickOf = (segment: string) => (options.previousGroup ? (id: string) => options.previousGroup!(segment, id) : undefined);

  // Label groups. Every segment starts attaching every group its labels carry (priority order: the all-segments group,
  // then label keys sorted). A segment whose own rules then need more groups than the quota leaves drops its
  // lowest-priority referenced group and is referenced by its own group instead; that adds rules elsewhere, so repeat
  // until nothing changes (attachments only shrink, so this ends). A segment's drops depend on its own rules and labels,
  // never on the order or number of other segments.
  const forms = new LabelForms(ir, options.labelGroups ?? true);
  const attach = new Map(ir.segments.map((s) => [s.name, forms.keysOf(s.name)]));
  const build = (r: Reporter) => {
    const members = new Map<string, Set<string>>();
    for (const [s, keys] of attach) for (const k of keys) (members.get(k) ?? members.set(k, new Set()).get(k)!).add(s);
    const drafts = new Map<string, DraftRule[]>();
    const referenced = new Set<string>();
    for (const seg of ir.segments) {
      const side = (dir: Direction) => {
        const w = work.get(`${seg.name}/${dir}`)!;
        return emitSide(ir, w, r, lists, forms.keys.length ? forms.cover(seg.name, dir, w.side, w.refs, members) : { refs: new Map(), covered: new Map() });
      };
      const d = [...side('ingress'), ...side('egress')];
      for (const x of d) if (x.peer.kind === 'labelGroup') referenced.add(x.peer.key);
      drafts.set(seg.name, d);
    }
    return { drafts, referenced };
  };
  for (let changed = forms.keys.length > 0; changed; ) {
    changed = false;
    const scratch = new Reporter(ir, 'aws');
    const { drafts, referenced } = build(scratch);
    for (const seg of ir.segments) {
      const keys = attach.get(seg.name)!.filter((k) => referenced.has(k));
      if (keys.length === 0) continue;
      const fits = keys.length < limits.maxGroupsPerInterface && spread(ir, seg, drafts.get(seg.name)!, limits, prefix, scratch, keys, 0, stickOf(seg.name)).fits;
      if (fits) continue;
      const drop = keys[keys.length - 1];
      attach.set(seg.name, attach.get(seg.name)!.filter((k) => k !== drop));
      changed = true;
    }
  }
  const { drafts, referenced } = build(rep);
  const segments: PlannedSegment[] = [];
  for (const seg of ir.segments) {
    const keys = attach.get(seg.name)!.filter((k) => referenced.has(k));
    segments.push(spread(ir, seg, drafts.get(seg.name)!, limits, prefix, rep, keys, options.keepGroups?.get(seg.name) ?? 0, stickOf(seg.name)).segment);
  }
  const labelGroups: PlannedLabelGroup[] = [...referenced].sort().map((key) => {
    const name = labelGroupName(prefix, ir.name, key);
    if (name.length > AWS_QUOTAS.textMax) rep.add('MS4004', `security group name '${name}' is longer than ${AWS_QUOTAS.textMax} characters`, undefined, ['metadata', 'name']);
    return { key, constructId: labelGroupConstructId(key), name, description: labelGroupDescription(ir.name, key), segments: segments.filter((s) => s.labelGroups.includes(key)).map((s) => s.name).sort() };
  });
  rep.failIfErrors();
  const prefixLists = planPrefixLists(ir.name, prefix, segments.flatMap((s) => s.rules.map((r) => r.peer)));
  for (const l of prefixLists) if (l.nameProblem) rep.add('MS4004', l.nameProblem, undefined, ['metadata', 'name']);
  rep.failIfErrors();
  return {
    policy: ir.name,
    segments,
    labelGroups,
    prefixLists,
    notes: rep.notes,
    limits,
    stats: {
      groups: segments.reduce((n, s) => n + s.groups.length, 0) + labelGroups.length,
      labelGroups: labelGroups.length,
      rules: segments.reduce((n, s) => n + s.rules.length, 0),
      subtractions,
      prefixLists: prefixLists.length,
    },
  };
}

/**
 * Planned rule as a one-line text, for tests and reports: `shop-db-prod ingress sg:shop-app-prod tcp 5432-5432 [app-to-db]`;
 * a prefix-list peer reads `pl:internet/v4(38)` (source, family, entries).
 */
export function describeRule(r: PlannedRule): string {
  const peer = r.peer.kind === 'group' ? `sg:${r.peer.segment}` : r.peer.kind === 'labelGroup' ? `lg:${r.peer.key}` : r.peer.kind === 'cidr' ? r.peer.cidr : `pl:${r.peer.source}/v${r.peer.family}(${r.peer.entries})`;
  const ports = r.protocol.fromPort === undefined ? '' : r.protocol.fromPort === -1 ? '' : ` ${r.protocol.fromPort}-${r.protocol.toPort}`;
  return `${r.segment} ${r.direction} ${peer} ${r.protocol.ipProtocol}${ports} [${r.origins.map((o) => o.name).join(',')}]`;
}

