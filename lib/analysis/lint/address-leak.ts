/**
 * MS3006 address leak: a flow between two segments that exists only
 * because an address-based term (an external or CIDRs) happens to contain a
 * segment's addresses, e.g. "web may reach the internet" and "the internet
 * may reach db", both written without `except` for the private ranges.
 * Exact: per flow cell S→D, the part of the allowed services that the
 * identity entries of both sides (peer = the other segment) do not admit.
 */
import { ServiceSet } from '../../net/service';
import { ResolvedPolicy, Side } from '../../resolve/ir';
import { flatSide, sideOf } from '../../resolve/peers';
import { AtomEndpoint, flowCells, probe } from '../flow-space';
import { peerMatches } from '../../resolve/meaning';
import { describeEnd } from './grants';
import { LintCheck, RawFinding } from './types';
import { rulePath } from './where';

function identityServices(side: Side, peer: string): ServiceSet {
  let s = ServiceSet.EMPTY;
  for (const e of side.allow) if (e.peer.kind === 'segment' && e.peer.segment === peer) s = s.union(e.services);
  return s;
}

function addressAllows(ir: ResolvedPolicy, segment: string, dir: 'ingress' | 'egress', peer: AtomEndpoint, services: ServiceSet): string[] {
  const side = sideOf(ir, segment, dir);
  return side.allow.filter((e) => e.peer.kind === 'addresses' && e.services.overlaps(services) && peerMatches(e.peer, probe(peer))).map((e) => e.origin.name);
}

export const addressLeak: LintCheck = {
  rules: [
    {
      code: 'MS3006',
      kind: 'address-leak',
      title: 'segments reach each other through address-based rules',
      why: 'Two segments talk although no rule names them together: an external or CIDR term covers a segment\'s addresses, so the identity model is bypassed.',
      fix: 'Add `except` with the internal ranges to the external (or narrow its CIDRs), or write the identity rule between the segments if the flow is wanted.',
    },
  ],
  check(ctx) {
    const { ir } = ctx;
    const agg = new Map<string, { s: string; d: string; services: ServiceSet; rules: Set<string>; example: string }>();
    for (const c of flowCells(ir, ctx.atoms)) {
      if (c.src.segment === undefined || c.dst.segment === undefined) continue;
      const S = c.src.segment;
      const D = c.dst.segment;
      const sides = ir.sides;
      const viaIdentity = identityServices(flatSide(sides.get(S)!.egress), D).intersect(identityServices(flatSide(sides.get(D)!.ingress), S));
      const leaked = c.services.subtract(viaIdentity);
      if (leaked.isEmpty()) continue;
      const key = `${S}\u0000${D}`;
      let a = agg.get(key);
      if (!a) agg.set(key, (a = { s: S, d: D, services: ServiceSet.EMPTY, rules: new Set(), example: `${describeEnd(c.src)} → ${describeEnd(c.dst)} on ${leaked.toSpecs()[0]}` }));
      a.services = a.services.union(leaked);
      for (const n of addressAllows(ir, S, 'egress', c.dst, leaked)) a.rules.add(n);
      for (const n of addressAllows(ir, D, 'ingress', c.src, leaked)) a.rules.add(n);
    }
    const out: RawFinding[] = [];
    for (const a of [...agg.values()].sort((x, y) => (x.s + '\u0000' + x.d < y.s + '\u0000' + y.d ? -1 : 1))) {
      const rules = [...a.rules].sort();
      out.push({
        code: 'MS3006',
        message: `segment '${a.s}' reaches '${a.d}' on ${a.services.toString()} only through address-based rules ${rules.map((r) => `'${r}'`).join(', ')}`,
        path: rulePath(ir.policy.doc, rules[0]),
        subjects: [...rules, a.s, a.d],
        example: a.example,
        related: rules.slice(1).map((n) => ({ message: `address-based rule '${n}'`, location: ir.rule(n).origin.location, path: rulePath(ir.policy.doc, n) })),
      });
    }
    return out;
  },
};
