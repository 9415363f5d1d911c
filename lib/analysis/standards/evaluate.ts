/**
 * Standards judged on flows: one evaluator for the policy's meaning and for
 * a compiled output, which differ only in the `FlowJudge` that says what a
 * flow between two atom endpoints is allowed.
 *
 * How a standard's selectors read (docs/policy-reference.md, "Standards"):
 * label selectors, `{}` and segment names select workloads of segments (by
 * identity, anywhere in the segment's addresses); externals and `cidrs`
 * select outside hosts at those addresses, hosts that are no workload of
 * ours. A workload is always judged as its segment, so "only from the app
 * tier" is broken by a web workload that reaches the database through an
 * address rule its address happens to fall in.
 *
 *   never  {from F, to T, services S}: allowed(f, t) ∩ S = ∅ for f ∈ F, t ∈ T
 *   only   {to T, services S, from F}: allowed(f, t) ∩ S = ∅ for f ∉ F, t ∈ T
 *   always {from F, to T, services S}: S ⊆ guaranteed(f, t)   for f ∈ F, t ∈ T
 *
 * Flows between two outside hosts are not ours and never judged.
 */
import { AddressRange, AddressSet } from '../../net/address';
import { ServiceSet } from '../../net/service';
import { LocatedStandard } from '../../model/standards';
import { ResolvedPolicy } from '../../resolve/ir';
import { AtomEndpoint, atomFlow, atomsIn } from '../flow-space';

/** Who a side of a standard names. */
export interface Ends {
  readonly segments: readonly string[];
  /** Outside hosts at these addresses. */
  readonly outside: AddressSet;
}

export interface ResolvedStandard {
  readonly standard: LocatedStandard;
  readonly from: Ends;
  readonly to: Ends;
  readonly services: ServiceSet;
}

/** What a flow between two atom endpoints is allowed, by the policy or by an output. */
export interface FlowJudge {
  /** Services some packet of which is admitted (never, only). */
  allowed(src: AtomEndpoint, dst: AtomEndpoint): ServiceSet;
  /** Services every packet of which is admitted (always). */
  guaranteed(src: AtomEndpoint, dst: AtomEndpoint): ServiceSet;
}

export interface StandardViolation {
  readonly standard: ResolvedStandard;
  readonly src: AtomEndpoint;
  readonly dst: AtomEndpoint;
  /** never/only: the services allowed against the standard; always: the services missing. */
  readonly services: ServiceSet;
}

/** The meaning of the policy as a judge (lib/resolve/meaning.ts through flow-space). */
export function policyJudge(ir: ResolvedPolicy): FlowJudge {
  const cache = new Map<string, ServiceSet>();
  const flow = (src: AtomEndpoint, dst: AtomEndpoint) => {
    const k = `${src.segment ?? ''}|${src.range.family}|${src.range.lo}|${dst.segment ?? ''}|${dst.range.lo}`;
    let s = cache.get(k);
    if (!s) cache.set(k, (s = atomFlow(ir, src, dst)));
    return s;
  };
  return { allowed: flow, guaranteed: flow };
}

/** Atom endpoints of one side. */
export function endpoints(ir: ResolvedPolicy, ends: Ends, atoms: readonly AddressRange[]): AtomEndpoint[] {
  const out: AtomEndpoint[] = [];
  for (const s of ends.segments) for (const range of atomsIn(atoms, ir.segment(s).addresses)) out.push({ segment: s, range });
  for (const range of atomsIn(atoms, ends.outside)) out.push({ range });
  return out;
}

/** Every side the `only` standard forbids: segments not named, outside hosts at addresses not named. */
export function complement(ir: ResolvedPolicy, ends: Ends): Ends {
  const named = new Set(ends.segments);
  return { segments: ir.segments.map((s) => s.name).filter((s) => !named.has(s)), outside: AddressSet.ALL.subtract(ends.outside) };
}

/** Every violation of one standard, in source-then-destination order. `max` caps the list (counts stay honest via the caller). */
export function evaluateStandard(ir: ResolvedPolicy, rs: ResolvedStandard, judge: FlowJudge, atoms: readonly AddressRange[], max = 10_000): StandardViolation[] {
  const kind = rs.standard.kind;
  const srcs = endpoints(ir, kind === 'only' ? complement(ir, rs.from) : rs.from, atoms);
  const dsts = endpoints(ir, rs.to, atoms);
  const out: StandardViolation[] = [];
  for (const src of srcs) {
    for (const dst of dsts) {
      if (src.segment === undefined && dst.segment === undefined) continue;
      if (src.range.family !== dst.range.family) continue;
      const services = kind === 'always' ? rs.services.subtract(judge.guaranteed(src, dst)) : judge.allowed(src, dst).intersect(rs.services);
      if (services.isEmpty()) continue;
      out.push({ standard: rs, src, dst, services });
      if (out.length >= max) return out;
    }
  }
  return out;
}
