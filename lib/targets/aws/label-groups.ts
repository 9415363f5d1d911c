/**
 * Label security groups: groups that hold no rules and exist to be
 * referenced. Every workload of a segment with `env=prod` attaches the group
 * `env=prod` (while it has room, see below), so a rule side written as
 * values of one label (`{env: prod}`, `{tier: [db, cache]}`) is one group
 * reference per value instead of one per segment; a side written as `{}`
 * references the all-segments group (key `*`), which every workload attaches.
 * Group membership is identity, so a reference admits exactly its members.
 *
 * Which rule sides may use them is the rule's label identity
 * (resolve/labels.ts: decided by the selector's shape, exact by
 * construction), as for the Azure label ASGs. The plan admits through a
 * group only the services every member is admitted on (the meaning may
 * subtract some for one member, e.g. by a deny guardrail); the rest stays
 * per-segment references.
 *
 * A workload attaches its segment's own groups plus its label groups within
 * `maxGroupsPerInterface`. A segment without room for all of them drops some
 * (see `planAws`); it is then no member of those groups, and the rules that
 * reference them reference its own group instead: exact, only more rules.
 */
import { Family } from '../../net/address';
import { ServiceSet } from '../../net/service';
import { sharedFamilies } from '../../resolve/families';
import { Direction, Origin, ResolvedPolicy, ResolvedRule, Side } from '../../resolve/ir';
import { ALL_SEGMENTS_KEY, LabelIdentity } from '../../resolve/labels';

/** Key of the all-segments group (label keys are `label=value`; names hold neither `*` nor `=`). */
export const ALL_KEY = ALL_SEGMENTS_KEY;

/** What label groups admit on one side of one segment. */
export interface SideCoverage {
  /** Group key → services referenced through it, and the rules they come from. */
  readonly refs: Map<string, { svc: ServiceSet; origins: Map<string, Origin>; families: Set<Family> }>;
  /** Peer segment → services already admitted through some group it is a member of. */
  readonly covered: Map<string, ServiceSet>;
}

export class LabelForms {
  private readonly carriers = new Map<string, readonly string[]>();
  private readonly carrierSets = new Map<string, ReadonlySet<string>>();
  /** Keys the policy's text can use, in priority order: the all-segments group first, then label keys sorted. */
  readonly keys: readonly string[];

  constructor(
    private readonly ir: ResolvedPolicy,
    private readonly enabled = true,
  ) {
    const keys = new Set<string>();
    let all = false;
    for (const r of enabled ? ir.rules : []) {
      for (const x of [r.fromLabels, r.toLabels]) {
        if (x?.kind === 'all') all = true;
        else if (x) for (const k of x.keys) keys.add(k);
      }
    }
    this.keys = [...(all ? [ALL_KEY] : []), ...[...keys].sort()];
  }

  /** The side of `r` that names the peers of side `dir` (ingress: its `from`), as label identities; none when groups are off. */
  private identityOf(r: ResolvedRule, dir: Direction): LabelIdentity | undefined {
    return this.enabled ? (dir === 'ingress' ? r.fromLabels : r.toLabels) : undefined;
  }

  /** Segments with the key's label value (every segment for `*`), sorted as the IR. */
  carriersOf(key: string): readonly string[] {
    let c = this.carriers.get(key);
    if (!c) {
      if (key === ALL_KEY) c = this.ir.segments.map((s) => s.name);
      else {
        const eq = key.indexOf('=');
        const [label, value] = [key.slice(0, eq), key.slice(eq + 1)];
        c = this.ir.segments.filter((s) => s.labels[label] === value).map((s) => s.name);
      }
      this.carriers.set(key, c);
    }
    return c;
  }

  /** Keys a segment carries by its labels, in priority order. */
  keysOf(segment: string): string[] {
    return this.keys.filter((k) => k === ALL_KEY || this.carrierSet(k).has(segment));
  }

  /** carriersOf as a set: keysOf asks once per segment and key (a scan of 5,000 names each at 10,000 segments). */
  private carrierSet(key: string): ReadonlySet<string> {
    let c = this.carrierSets.get(key);
    if (!c) this.carrierSets.set(key, (c = new Set(this.carriersOf(key))));
    return c;
  }

  /**
   * The label-group references of side `dir` of segment `x`, given the
   * segment-reference services `refs` (exact per peer, see plan.ts) and
   * the groups' members. A rule's group reference carries the services its
   * entries admit for every member that can exchange packets with x and
   * that the side admits them on; every carrier of its groups must be one
   * of its peers and every peer a carrier, else the rule keeps segment
   * references.
   */
  cover(x: string, dir: Direction, side: Side, refs: ReadonlyMap<string, ServiceSet>, members: ReadonlyMap<string, ReadonlySet<string>>): SideCoverage {
    const out: SideCoverage = { refs: new Map(), covered: new Map() };
    const byOrigin = new Map<string, { origin: Origin; peers: Map<string, ServiceSet> }>();
    for (const e of side.allow) {
      if (e.peer.kind !== 'segment') continue;
      const o = byOrigin.get(e.origin.name) ?? byOrigin.set(e.origin.name, { origin: e.origin, peers: new Map() }).get(e.origin.name)!;
      o.peers.set(e.peer.segment, (o.peers.get(e.peer.segment) ?? ServiceSet.EMPTY).union(e.services));
    }
    const seg = this.ir.segment(x);
    for (const name of [...byOrigin.keys()].sort()) {
      const id = this.identityOf(this.ir.rule(name), dir);
      if (!id) continue;
      const { origin, peers } = byOrigin.get(name)!;
      const keys = id.kind === 'all' ? [ALL_KEY] : id.keys;
      // Services the reference may carry: admitted by this rule and by the side for every member that meets x.
      let t: ServiceSet | undefined;
      const families = new Set<Family>();
      const used: { key: string; members: string[] }[] = [];
      for (const k of keys) {
        const ms = [...(members.get(k) ?? [])].filter((m) => {
          const fams = sharedFamilies(seg, this.ir.segment(m));
          for (const f of fams) families.add(f);
          return fams.length > 0;
        });
        if (ms.length === 0) continue;
        used.push({ key: k, members: ms });
        for (const m of ms) t = (t ?? peers.get(m)!).intersect(peers.get(m)!).intersect(refs.get(m) ?? ServiceSet.EMPTY);
      }
      if (!t || t.isEmpty()) continue;
      for (const { key, members: ms } of used) {
        const r = out.refs.get(key) ?? out.refs.set(key, { svc: ServiceSet.EMPTY, origins: new Map(), families: new Set() }).get(key)!;
        r.svc = r.svc.union(t);
        r.origins.set(origin.name, origin);
        for (const f of families) r.families.add(f);
        for (const m of ms) out.covered.set(m, (out.covered.get(m) ?? ServiceSet.EMPTY).union(t));
      }
    }
    return out;
  }
}
