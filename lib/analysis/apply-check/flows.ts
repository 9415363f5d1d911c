/**
 * Flows at one moment of an apply against the two versions it goes
 * between, exactly, in the verifier's cloud model (lib/verify/model.ts):
 *
 *   dropped  allowed by the old output and by the new one, denied now;
 *   opened   denied by both, allowed now.
 *
 * Per address family, service atom (split at every port and protocol any
 * of the three outputs names) and segment local atom, each side is an
 * exact address set per peer, so a pair's flows are a product E × I:
 * "both allow" is (Eo∩En) × (Io∩In), and "now" ⊆ (Eo×Io) ∪ (En×In) is
 * decided region by region, without enumerating address pairs.
 */
import { AddressSet, Family, formatAddress } from '../../net/address';
import { PortSet } from '../../net/ports';
import { ResolvedPolicy } from '../../resolve/ir';
import { serviceAtoms } from '../../verify/atoms';
import { Chain, CloudModel, Direction, localAddressSets, ruleMatchesLocal, ruleMatchesPacket, walkChain, Packet } from '../../verify/model';

export interface FlowProblem {
  readonly kind: 'dropped' | 'opened';
  /** Segment name, or undefined for an outside host. */
  readonly from?: string;
  readonly to?: string;
  readonly fromAddress: string;
  readonly toAddress: string;
  /** The service atom, e.g. `tcp/8080-8081`. */
  readonly service: string;
}

/** Three models' port and protocol boundaries as one, for service atoms. */
function mergedBoundaries(models: readonly CloudModel[]): CloudModel {
  const merge = (pick: (m: CloudModel) => ReadonlyMap<number, PortSet[]>) => {
    const out = new Map<number, PortSet[]>();
    for (const m of models) for (const [k, v] of pick(m)) out.set(k, [...(out.get(k) ?? []), ...v]);
    return out;
  };
  return {
    target: models[0].target,
    identities: new Map(),
    chains: () => [],
    issues: [],
    portSets: merge((m) => m.portSets),
    srcPortSets: merge((m) => m.srcPortSets),
    protocols: new Set(models.flatMap((m) => [...m.protocols])),
  };
}

function split(base: AddressSet, cuts: readonly AddressSet[]): AddressSet[] {
  let atoms = base.isEmpty() ? [] : [base];
  const seen = new Set<string>();
  for (const c of cuts) {
    const k = c.toString();
    if (seen.has(k)) continue;
    seen.add(k);
    atoms = atoms.flatMap((a) => [a.intersect(c), a.subtract(c)]).filter((x) => !x.isEmpty());
  }
  return atoms;
}

/** Peer addresses a side admits, at a local atom, for one packet, from a peer carrying `peerIds`. */
function admitted(model: CloudModel, seg: string, dir: Direction, family: Family, local: AddressSet, p: Packet, peerIds: ReadonlySet<string>): AddressSet {
  const ids = model.identities.get(seg) ?? new Set<string>();
  const universe = AddressSet.allOf(family);
  const lo = local.ranges[0].lo;
  let r = universe;
  for (const ch of model.chains(seg, dir) as Chain[]) {
    const rules = ch.rules.filter((x) => ruleMatchesLocal(x, ids, family, lo) && ruleMatchesPacket(x, p));
    r = r.intersect(walkChain(rules, (i) => [...rules[i].peer.ids].some((id) => peerIds.has(id)), universe));
    if (r.isEmpty()) break;
  }
  return r;
}

/** Is E × I ⊆ (A × B) ∪ (C × D)? Decided on the four regions of E cut by A and C. */
function productCovered(E: AddressSet, I: AddressSet, A: AddressSet, B: AddressSet, C: AddressSet, D: AddressSet): boolean {
  if (E.isEmpty() || I.isEmpty()) return true;
  if (!A.union(C).containsSet(E)) return false;
  const both = E.intersect(A).intersect(C);
  if (!both.isEmpty() && !B.union(D).containsSet(I)) return false;
  if (!E.intersect(A).subtract(C).isEmpty() && !B.containsSet(I)) return false;
  if (!E.intersect(C).subtract(A).isEmpty() && !D.containsSet(I)) return false;
  return true;
}

/**
 * Compare the moment `now` with `old` and `neu`, for the segments both
 * versions have (at the addresses both give them). `limit` caps the
 * examples kept; the counts are complete.
 */
export function compareMoment(
  oldIr: ResolvedPolicy,
  newIr: ResolvedPolicy,
  old: CloudModel,
  neu: CloudModel,
  now: CloudModel,
  limit = 20,
): { dropped: number; opened: number; problems: FlowProblem[]; keys: Set<string> } {
  const segs = newIr.segments.map((s) => s.name).filter((s) => oldIr.sides.has(s));
  const models = [old, neu, now];
  const problems: FlowProblem[] = [];
  const counts = { dropped: 0, opened: 0 };
  const keys = new Set<string>();
  const report = (p: FlowProblem) => {
    counts[p.kind]++;
    keys.add(`${p.kind}|${p.from ?? ''}|${p.to ?? ''}|${p.service}|${p.from ? '' : p.fromAddress}|${p.to ? '' : p.toAddress}`);
    if (problems.length < limit) problems.push(p);
  };
  const NONE = new Set<string>();
  const boundaries = mergedBoundaries(models);
  for (const family of [4, 6] as const) {
    const atomsOf = new Map<string, AddressSet[]>();
    for (const s of segs) {
      const addrs = oldIr.segment(s).addresses.intersect(newIr.segment(s).addresses).family(family);
      const cuts = models.flatMap((m) => localAddressSets([...m.chains(s, 'ingress'), ...m.chains(s, 'egress')]));
      atomsOf.set(s, split(addrs, cuts));
    }
    const active = segs.filter((s) => atomsOf.get(s)!.length > 0);
    if (active.length === 0) continue;
    for (const sa of serviceAtoms(newIr, boundaries, family)) {
      const p = sa.packet;
      const cache = new Map<string, AddressSet>();
      const side = (mi: number, seg: string, dir: Direction, ai: number, peer: string | undefined) => {
        const k = `${mi}|${seg}|${dir}|${ai}|${peer ?? ''}`;
        let r = cache.get(k);
        if (!r) {
          const m = models[mi];
          const peerIds = peer === undefined ? NONE : m.identities.get(peer) ?? NONE;
          r = admitted(m, seg, dir, family, atomsOf.get(seg)![ai], p, peerIds);
          cache.set(k, r);
        }
        return r;
      };
      // Outside hosts.
      for (const s of active) {
        atomsOf.get(s)!.forEach((atom, ai) => {
          for (const dir of ['egress', 'ingress'] as const) {
            const [o, n, x] = [0, 1, 2].map((mi) => side(mi, s, dir, ai, undefined));
            const drop = o.intersect(n).subtract(x);
            const open = x.subtract(o.union(n));
            const here = formatAddress(family, atom.ranges[0].lo);
            for (const [kind, set] of [['dropped', drop], ['opened', open]] as const) {
              if (set.isEmpty()) continue;
              const there = formatAddress(family, set.ranges[0].lo);
              report(dir === 'egress'
                ? { kind, from: s, fromAddress: here, toAddress: there, service: sa.atom }
                : { kind, to: s, fromAddress: there, toAddress: here, service: sa.atom });
            }
          }
        });
      }
      // Pairs of segments, the same segment included.
      for (const s of active) {
        const sAtoms = atomsOf.get(s)!;
        for (const d of active) {
          const dAtoms = atomsOf.get(d)!;
          for (let i = 0; i < sAtoms.length; i++) {
            for (let j = 0; j < dAtoms.length; j++) {
              const beta = dAtoms[j];
              const alpha = sAtoms[i];
              const [Eo, En, Ex] = [0, 1, 2].map((mi) => side(mi, s, 'egress', i, d).intersect(beta));
              const [Io, In, Ix] = [0, 1, 2].map((mi) => side(mi, d, 'ingress', j, s).intersect(alpha));
              const bothE = Eo.intersect(En);
              const bothI = Io.intersect(In);
              if (!bothE.isEmpty() && !bothI.isEmpty() && !(Ex.containsSet(bothE) && Ix.containsSet(bothI))) {
                const b = (bothE.subtract(Ex).isEmpty() ? bothE : bothE.subtract(Ex)).ranges[0].lo;
                const a = (bothI.subtract(Ix).isEmpty() ? bothI : bothI.subtract(Ix)).ranges[0].lo;
                report({ kind: 'dropped', from: s, to: d, fromAddress: formatAddress(family, a), toAddress: formatAddress(family, b), service: sa.atom });
              }
              if (!productCovered(Ex, Ix, Eo, Io, En, In)) {
                report({ kind: 'opened', from: s, to: d, fromAddress: formatAddress(family, Ix.ranges[0].lo), toAddress: formatAddress(family, Ex.ranges[0].lo), service: sa.atom });
              }
            }
          }
        }
      }
    }
  }
  return { ...counts, problems, keys };
}
