/**
 * Turning a difference the product check found into something a reader can
 * act on: one concrete flow that differs (the counter-example search), and
 * what decided it on each side, in the policy and in the output (the
 * explainer). Neither decides equivalence; both only describe.
 */
import { AddressSet, Family, formatAddress } from '../net/address';
import { ResolvedPolicy, SideEntry } from '../resolve/ir';
import { matchingEntries } from '../resolve/meaning';
import { ServiceAtom } from './atoms';
import { Chain, decidePacket } from './model';
import { sample } from './sides';
import { Factor, PairVerdict, toleratedFlow } from './tolerance';

export interface FlowEnd {
  /** Segment of the workload, or undefined for an outside host. */
  readonly segment?: string;
  readonly address: string;
}

export interface Mismatch {
  /** too-open: the output admits a flow the policy denies; too-closed: the reverse. */
  readonly kind: 'too-open' | 'too-closed';
  readonly from: FlowEnd;
  readonly to: FlowEnd;
  /** The example packet, e.g. `tcp/8080`, `icmp`, `protocol 47`. */
  readonly service: string;
  /** The whole service atom the example stands for, e.g. `tcp/1024-8079`. */
  readonly atom: string;
  readonly expected: 'allow' | 'deny';
  readonly actual: 'allow' | 'deny';
  /** Which side of the output disagrees with the meaning for this packet. */
  readonly side: 'egress' | 'ingress' | 'both';
  /** Policy rules and guardrails that match, per side (`allow rule web-to-app`). */
  readonly policy: { readonly egress?: string[]; readonly ingress?: string[] };
  /** Output resources that decided, per side and chain. */
  readonly output: { readonly egress?: string[]; readonly ingress?: string[] };
}

/** A flow of a pair: source address a, destination address b, and whether output and meaning admit it. */
export interface ExampleFlow {
  readonly a: bigint;
  readonly b: bigint;
  readonly act: boolean;
  readonly exp: boolean;
}

/**
 * A flow where the products E × I of output and meaning differ: the corners
 * of every region of both factors are tried until one differs, preferring
 * one whose tolerance agrees with the verdict (a tolerated example for a
 * tolerated difference, an untolerated one otherwise). Undefined only when
 * the products are equal.
 */
export function counterExample(family: Family, E: Factor, I: Factor, verdict: PairVerdict): ExampleFlow | undefined {
  const TS = verdict.stricterSrc;
  const TD = verdict.stricterDst;
  const T = verdict.looserDst;
  const bCands = [E.act.subtract(E.exp), E.exp.subtract(E.act), E.act.intersect(E.exp), E.exp.subtract(E.act).subtract(TD), E.exp.subtract(TD), E.act.subtract(E.exp).subtract(T)];
  const aCands = [I.act.subtract(I.exp), I.exp.subtract(I.act), I.act.intersect(I.exp), I.exp.subtract(I.act).subtract(TS), I.exp.subtract(TS)];
  const as = aCands.map(sample).filter((a): a is bigint => a !== undefined);
  let fallback: ExampleFlow | undefined;
  for (const bs of bCands) {
    const b = sample(bs);
    if (b === undefined) continue;
    const found = firstDiffering(family, E, I, verdict, as, b, (f) => (fallback ??= f));
    if (found) return found;
  }
  return fallback;
}

/** The first source of `as` whose flow to b differs and whose tolerance matches the verdict; `seen` gets every differing one. */
function firstDiffering(family: Family, E: Factor, I: Factor, verdict: PairVerdict, as: readonly bigint[], b: bigint, seen: (f: ExampleFlow) => void): ExampleFlow | undefined {
  for (const a of as) {
    const act = E.act.contains(family, b) && I.act.contains(family, a);
    const exp = E.exp.contains(family, b) && I.exp.contains(family, a);
    if (act === exp) continue;
    const flow = { a, b, act, exp };
    seen(flow);
    if (toleratedFlow(verdict, family, a, b, act, I) === verdict.ok) return flow;
  }
  return undefined;
}

/** What the explainer needs of the check at one service atom. */
export interface ExplainContext {
  readonly ir: ResolvedPolicy;
  readonly family: Family;
  readonly atom: ServiceAtom;
  readonly chainsOf: ReadonlyMap<string, { readonly ingress: readonly Chain[]; readonly egress: readonly Chain[] }>;
  idsOf(segment: string): ReadonlySet<string>;
}

/**
 * The mismatch record of one flow from `src` at address a to `dst` at b
 * (undefined: an outside host): the policy's entries and the output's
 * resources that decide it on each side.
 */
export function explainFlow(
  ctx: ExplainContext,
  src: string | undefined,
  a: bigint,
  dst: string | undefined,
  b: bigint,
  flowAct: boolean,
  flowM: boolean,
  side: Mismatch['side'],
): Mismatch {
  const { ir, family, atom } = ctx;
  const p = atom.packet;
  const policy: { egress?: string[]; ingress?: string[] } = {};
  const output: { egress?: string[]; ingress?: string[] } = {};
  const describe = (es: SideEntry[], what: string) => es.filter((e) => e.services.has(p.family, p.proto, p.port)).map((e) => `${e.origin.action} ${e.origin.kind} ${e.origin.name} (${what})`);
  const none = new Set<string>();
  if (src !== undefined) {
    const m = matchingEntries(ir, src, 'egress', { segment: dst, family, address: b });
    policy.egress = [...describe(m.allow, `egress of ${src}`), ...describe(m.deny, `egress of ${src}`)];
    if (policy.egress.length === 0) policy.egress = [`no rule admits it on the egress of ${src} (default deny)`];
    output.egress = decidePacket(ctx.chainsOf.get(src)!.egress, { ids: ctx.idsOf(src), family, address: a }, { ids: dst ? ctx.idsOf(dst) : none, family, address: b }, p).decidedBy;
  }
  if (dst !== undefined) {
    const m = matchingEntries(ir, dst, 'ingress', { segment: src, family, address: a });
    policy.ingress = [...describe(m.allow, `ingress of ${dst}`), ...describe(m.deny, `ingress of ${dst}`)];
    if (policy.ingress.length === 0) policy.ingress = [`no rule admits it on the ingress of ${dst} (default deny)`];
    output.ingress = decidePacket(ctx.chainsOf.get(dst)!.ingress, { ids: ctx.idsOf(dst), family, address: b }, { ids: src ? ctx.idsOf(src) : none, family, address: a }, p).decidedBy;
  }
  return {
    kind: flowAct ? 'too-open' : 'too-closed',
    from: { ...(src !== undefined ? { segment: src } : {}), address: formatAddress(family, a) },
    to: { ...(dst !== undefined ? { segment: dst } : {}), address: formatAddress(family, b) },
    service: atom.service,
    atom: atom.atom,
    expected: flowM ? 'allow' : 'deny',
    actual: flowAct ? 'allow' : 'deny',
    side,
    policy,
    output,
  };
}

/** Outside hosts: the example flow of a side that differs, at the first address of the bad (else any) difference. */
export function outsidePeer(ok: boolean, extra: AddressSet, missing: AddressSet, badExtra: AddressSet, badMissing: AddressSet): bigint {
  return sample(ok ? extra.union(missing) : badExtra.isEmpty() ? badMissing : badExtra)!;
}
