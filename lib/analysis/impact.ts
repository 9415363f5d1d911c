/**
 * Impact of a policy on a real estate, before it is applied: coverage
 * (which workloads fall in a segment), the workloads whose labels match
 * no segment or several, workloads outside their segment's addresses and,
 * against a base policy, which workload pairs gain or lose which services.
 *
 * Pairs are judged with the meaning (flowServices) at the workloads' real
 * addresses; per distinct (source segment, address, destination segment,
 * address) in both policies, so cost is O(workloads²) set operations.
 */
import { ServiceSet } from '../net/service';
import { ResolvedPolicy } from '../resolve/ir';
import { flowServices } from '../resolve/meaning';
import { Inventory, Membership, memberships } from './inventory';

export interface ImpactReport {
  readonly policy: string;
  readonly base?: string;
  readonly coverage: { readonly managed: number; readonly total: number; readonly percent: number };
  readonly segments: readonly { readonly segment: string; readonly workloads: number }[];
  /** Workloads in no segment: their labels match none (`no-segment`) or several (`ambiguous`). */
  readonly unmanaged: readonly { readonly name: string; readonly address: string; readonly labels: Readonly<Record<string, string>>; readonly reason: 'no-segment' | 'ambiguous'; readonly candidates?: readonly string[] }[];
  readonly ambiguous: readonly { readonly name: string; readonly address: string; readonly candidates: readonly string[] }[];
  /** Workloads whose address lies outside their segment's `addresses`: their traffic is judged by identity, but address-based output (AWS subtractions, GCP egress) will not cover them. */
  readonly outsideAddresses: readonly { readonly name: string; readonly address: string; readonly segment: string }[];
  /** With a base: workloads that change segment. */
  readonly moved?: readonly { readonly name: string; readonly from?: string; readonly to?: string }[];
  /** With a base: workload pairs whose allowed services change. */
  readonly changes?: readonly { readonly from: string; readonly to: string; readonly fromSegment?: string; readonly toSegment?: string; readonly gained: readonly string[]; readonly lost: readonly string[] }[];
  readonly summary?: { readonly pairsGaining: number; readonly pairsLosing: number; readonly pairsChecked: number };
}

export function impact(ir: ResolvedPolicy, inv: Inventory, base?: ResolvedPolicy): ImpactReport {
  const ms = memberships(ir, inv);
  const managed = ms.filter((m) => m.segment !== undefined);
  const counts = new Map(ir.segments.map((s) => [s.name, 0]));
  for (const m of managed) counts.set(m.segment!, (counts.get(m.segment!) ?? 0) + 1);
  const report: ImpactReport = {
    policy: ir.name,
    ...(base ? { base: base.name } : {}),
    coverage: { managed: managed.length, total: ms.length, percent: ms.length === 0 ? 0 : Math.round((1000 * managed.length) / ms.length) / 10 },
    segments: [...counts].map(([segment, workloads]) => ({ segment, workloads })),
    unmanaged: ms
      .filter((m) => m.segment === undefined)
      .map((m) => ({
        name: m.workload.name,
        address: m.workload.address,
        labels: m.workload.labels,
        reason: m.candidates.length > 1 ? ('ambiguous' as const) : ('no-segment' as const),
        ...(m.candidates.length > 1 ? { candidates: m.candidates } : {}),
      })),
    ambiguous: ms.filter((m) => m.candidates.length > 1).map((m) => ({ name: m.workload.name, address: m.workload.address, candidates: m.candidates })),
    outsideAddresses: ms.filter((m) => m.outsideAddresses).map((m) => ({ name: m.workload.name, address: m.workload.address, segment: m.segment! })),
  };
  if (!base) return report;
  const bs = memberships(base, inv);
  const moved = ms
    .map((m, i) => ({ name: m.workload.name, from: bs[i].segment, to: m.segment }))
    .filter((x) => x.from !== x.to)
    .map((x) => ({ name: x.name, ...(x.from ? { from: x.from } : {}), ...(x.to ? { to: x.to } : {}) }));
  const changes: NonNullable<ImpactReport['changes']>[number][] = [];
  const cache = new Map<string, ServiceSet>();
  const services = (p: ResolvedPolicy, tag: string, a: Membership, b: Membership, sa?: string, sb?: string) => {
    const k = `${tag}|${sa}|${a.workload.family}:${a.workload.value}|${sb}|${b.workload.value}`;
    let s = cache.get(k);
    if (!s) {
      s = flowServices(p, { segment: sa, family: a.workload.family, address: a.workload.value }, { segment: sb, family: b.workload.family, address: b.workload.value });
      cache.set(k, s);
    }
    return s;
  };
  let checked = 0;
  for (let i = 0; i < ms.length; i++) {
    for (let j = 0; j < ms.length; j++) {
      if (i === j || ms[i].workload.family !== ms[j].workload.family) continue;
      const [a, b] = [ms[i], ms[j]];
      if (a.segment === undefined && b.segment === undefined && bs[i].segment === undefined && bs[j].segment === undefined) continue;
      checked++;
      const now = services(ir, 'n', a, b, a.segment, b.segment);
      const before = services(base, 'b', a, b, bs[i].segment, bs[j].segment);
      const gained = now.subtract(before);
      const lost = before.subtract(now);
      if (gained.isEmpty() && lost.isEmpty()) continue;
      changes.push({
        from: a.workload.name,
        to: b.workload.name,
        ...(a.segment ? { fromSegment: a.segment } : {}),
        ...(b.segment ? { toSegment: b.segment } : {}),
        gained: gained.toSpecs(),
        lost: lost.toSpecs(),
      });
    }
  }
  return {
    ...report,
    moved,
    changes,
    summary: { pairsGaining: changes.filter((c) => c.gained.length > 0).length, pairsLosing: changes.filter((c) => c.lost.length > 0).length, pairsChecked: checked },
  };
}

export function impactMarkdown(r: ImpactReport): string {
  const out: string[] = [`## Impact: ${r.policy}${r.base ? ` (against ${r.base})` : ''}`, ''];
  out.push(`Coverage: **${r.coverage.managed} of ${r.coverage.total}** workloads (${r.coverage.percent}%) fall in a segment.`, '');
  out.push('| segment | workloads |', '|---|---:|', ...r.segments.map((s) => `| \`${s.segment}\` | ${s.workloads} |`), '');
  if (r.unmanaged.length) {
    out.push(`### ${r.unmanaged.length} unmanaged`, '', '| workload | address | labels | why |', '|---|---|---|---|');
    for (const u of r.unmanaged) out.push(`| ${u.name} | ${u.address} | ${Object.entries(u.labels).map(([k, v]) => `${k}=${v}`).join(', ')} | ${u.reason === 'ambiguous' ? `matches ${u.candidates!.join(', ')}` : 'matches no segment'} |`);
    out.push('');
  }
  if (r.outsideAddresses.length) {
    out.push(`### ${r.outsideAddresses.length} outside their segment's addresses`, '');
    for (const o of r.outsideAddresses) out.push(`- ${o.name} (${o.address}) in \`${o.segment}\``);
    out.push('');
  }
  if (r.changes) {
    out.push(`### ${r.changes.length} workload pairs change`, '');
    if (r.changes.length) {
      out.push('| from | to | gained | lost |', '|---|---|---|---|');
      for (const c of r.changes) out.push(`| ${c.from} | ${c.to} | ${c.gained.join(', ')} | ${c.lost.join(', ')} |`);
      out.push('');
    }
  }
  return out.join('\n');
}

export function impactText(r: ImpactReport): string {
  const out = [`coverage: ${r.coverage.managed}/${r.coverage.total} workloads (${r.coverage.percent}%) in a segment`];
  for (const u of r.unmanaged) out.push(`unmanaged  ${u.name}  ${u.address}  ${u.reason === 'ambiguous' ? `matches ${u.candidates!.join(', ')}` : 'matches no segment'}`);
  for (const o of r.outsideAddresses) out.push(`outside    ${o.name}  ${o.address}  not in the addresses of ${o.segment}`);
  for (const c of r.changes ?? []) out.push(`change     ${c.from} -> ${c.to}${c.gained.length ? `  +${c.gained.join(',')}` : ''}${c.lost.length ? `  -${c.lost.join(',')}` : ''}`);
  if (r.summary) out.push(`${r.summary.pairsGaining} pairs gain, ${r.summary.pairsLosing} pairs lose services (${r.summary.pairsChecked} checked)`);
  return out.join('\n') + '\n';
}
