/**
 * The proof that security admin rules deny exactly what the deny guardrails
 * deny (admin.ts). With every deny guardrail moved to admin rules, a side
 * admits what the NSG's allows admit minus what some admin rule denies; the
 * meaning admits the allows minus what the guardrails deny. Each admin rule
 * denies at least its guardrail's entries (a workload of a segment sits in
 * the segment's addresses), so the two agree exactly when no admin rule
 * denies anything the meaning admits.
 *
 * Per admin rule and per segment Y with a workload address among the rule's
 * local addresses, the meaning of Y's side is searched for an admitted peer
 * among the rule's peer addresses on the rule's services: an allow entry's
 * region (a segment peer at its addresses, or an outside host at an address
 * allow's CIDRs) minus Y's deny entries, as (addresses × services) pieces.
 * A piece left over is a flow the rule would wrongly deny when the flow is
 * allowed as a whole: always for an outside host (its flows need Y's side
 * only), for a workload of segment T only where T's own side admits Y's
 * workloads there too. Such a flow is a located error that names it and
 * what to declare instead; a test proves every refusal really inexact.
 */
import { AddressSet } from '../../net/address';
import { ServiceSet } from '../../net/service';
import { Direction, ResolvedPolicy, SideEntry } from '../../resolve/ir';
import { sideOf } from '../../resolve/peers';
import { Reporter } from '../kit/report';
import { PlannedAdminRule } from './admin';

interface Piece {
  readonly addrs: AddressSet;
  readonly services: ServiceSet;
}

/** Pieces minus the rectangle `addrs × services`, exactly. */
function cut(pieces: readonly Piece[], addrs: AddressSet, services: ServiceSet): Piece[] {
  const out: Piece[] = [];
  for (const p of pieces) {
    const inside = p.addrs.intersect(addrs);
    const common = p.services.intersect(services);
    if (inside.isEmpty() || common.isEmpty()) {
      out.push(p);
      continue;
    }
    const outside = p.addrs.subtract(addrs);
    if (!outside.isEmpty()) out.push({ addrs: outside, services: p.services });
    const rest = p.services.subtract(services);
    if (!rest.isEmpty()) out.push({ addrs: inside, services: rest });
  }
  return out;
}

/** What the admin rule would wrongly deny on Y's side: the first admitted piece, with the allow entry and peer. */
interface Overreach {
  readonly segment: string;
  readonly direction: Direction;
  readonly allow: SideEntry;
  /** The peer segment, or undefined for outside hosts. */
  readonly peer?: string;
  readonly piece: Piece;
}

/** The services on which `t`'s side `dir` admits workloads of `y` at some address of `at`, within `services` (the other end of a flow). */
function otherEnd(ir: ResolvedPolicy, t: string, dir: Direction, y: string, at: AddressSet, services: ServiceSet): ServiceSet {
  const side = sideOf(ir, t, dir);
  let pieces: Piece[] = [];
  for (const f of side.allow) {
    const svc = f.services.intersect(services);
    if (svc.isEmpty()) continue;
    const addrs = f.peer.kind === 'segment' ? (f.peer.segment === y ? at : AddressSet.EMPTY) : f.peer.addresses.intersect(at);
    if (!addrs.isEmpty()) pieces.push({ addrs, services: svc });
  }
  for (const d of side.deny) {
    if (d.peer.kind === 'segment') {
      if (d.peer.segment === y) pieces = cut(pieces, AddressSet.ALL, d.services);
    } else pieces = cut(pieces, d.peer.addresses, d.services);
  }
  return pieces.reduce((a, p) => a.union(p.services), ServiceSet.EMPTY);
}

/**
 * A flow the policy allows that the rule would deny at Y's end, or none.
 * Y's side admits the piece; a flow to or from an outside host needs only
 * Y's side, one with a workload of segment T needs T's side too (a flow the
 * other end denies anyway stays denied).
 */
function overreach(ir: ResolvedPolicy, rule: PlannedAdminRule, y: string, localPart: AddressSet): Overreach | undefined {
  const direction: Direction = rule.direction === 'Inbound' ? 'ingress' : 'egress';
  const other: Direction = direction === 'ingress' ? 'egress' : 'ingress';
  const side = sideOf(ir, y, direction);
  for (const e of side.allow) {
    const services = e.services.intersect(rule.services);
    if (services.isEmpty()) continue;
    const peerSeg = e.peer.kind === 'segment' ? e.peer.segment : undefined;
    const at = (peerSeg ? ir.segment(peerSeg).addresses : e.peer.kind === 'addresses' ? e.peer.addresses : AddressSet.EMPTY).intersect(rule.peer);
    if (at.isEmpty()) continue;
    let pieces: Piece[] = [{ addrs: at, services }];
    for (const d of side.deny) {
      if (d.peer.kind === 'segment') {
        if (d.peer.segment === peerSeg) pieces = cut(pieces, AddressSet.ALL, d.services);
      } else pieces = cut(pieces, d.peer.addresses, d.services);
      if (pieces.length === 0) break;
    }
    for (const piece of pieces) {
      if (!peerSeg) return { segment: y, direction, allow: e, piece };
      const allowed = otherEnd(ir, peerSeg, other, y, localPart, piece.services);
      if (!allowed.isEmpty()) return { segment: y, direction, allow: e, peer: peerSeg, piece: { addrs: piece.addrs, services: allowed } };
    }
  }
  return undefined;
}

/** The segments named in `names` whose addresses hold `at`. */
function holders(ir: ResolvedPolicy, names: readonly string[], at: AddressSet): string[] {
  return names.filter((s) => !ir.segment(s).addresses.intersect(at).isEmpty());
}

/** What to declare so that the rule stops reaching the packet: one sentence. */
function remedy(ir: ResolvedPolicy, rule: PlannedAdminRule, o: Overreach, localPart: AddressSet): string {
  const undeclared = (names: readonly string[]) => names.filter((s) => !ir.segment(s).declaredAddresses);
  const local = o.segment && !rule.segments.includes(o.segment) ? holders(ir, rule.segments, localPart) : [];
  const peers = holders(ir, rule.peerSegments, o.piece.addrs);
  const missing = undeclared([...(local.length > 0 ? [o.segment] : []), ...local, ...peers]);
  if (missing.length > 0) return `declare \`addresses\` for segment${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (without them a segment may be anywhere in internalCidrs)`;
  if (local.length > 0) return `declare \`addresses\` for segment '${o.segment}' disjoint from those of ${local.join(', ')}`;
  if (o.peer && !rule.peerSegments.includes(o.peer)) return `declare \`addresses\` for segment '${o.peer}' disjoint from those of ${peers.join(', ')}`;
  return `declare \`addresses\` for ${peers.join(', ')} outside the CIDRs of ${o.allow.origin.kind} '${o.allow.origin.name}' (or add them to its \`except\`)`;
}

/** Fails the compile (located at the guardrail) for every admin rule that would deny more than its guardrail. */
export function proveAdminExact(ir: ResolvedPolicy, rules: readonly PlannedAdminRule[], rep: Reporter): void {
  const reported = new Set<string>();
  for (const rule of rules) {
    if (reported.has(rule.origin.name)) continue;
    for (const y of ir.segments) {
      const localPart = y.addresses.intersect(rule.local);
      if (localPart.isEmpty()) continue;
      const o = overreach(ir, rule, y.name, localPart);
      if (!o) continue;
      const dir = rule.direction === 'Inbound' ? 'inbound' : 'outbound';
      const who = o.peer ? `workloads of segment '${o.peer}'` : 'outside hosts';
      const flow = rule.direction === 'Inbound' ? `from ${who} at ${o.piece.addrs.toCidrs()[0]} into segment '${y.name}'` : `from segment '${y.name}' to ${who} at ${o.piece.addrs.toCidrs()[0]}`;
      rep.add(
        'MS5008',
        `guardrail '${rule.origin.name}' cannot be a security admin rule exactly: admin rules match addresses, not application security groups, so its ${dir} rule would also deny ${o.piece.services.toSpecs().join(', ')} ${flow}, which ${o.allow.origin.kind} '${o.allow.origin.name}' allows; ${remedy(ir, rule, o, localPart)}`,
        rule.origin.location,
      );
      reported.add(rule.origin.name);
      break;
    }
  }
  rep.failIfErrors();
}
