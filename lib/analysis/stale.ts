/**
 * Stale rules: which allows (rules and allow guardrails) no observed flow
 * used in the window, and which were used only in part (some of their
 * ports, some of their segment pairs). Fed either by replaying flow logs
 * locally (replay.ts) or by the rows a warehouse query returned
 * (sql/, `--from-query-result`): both reduce to per-rule, per-service hit
 * counts, so both produce the same report.
 */
import { formatWhere } from '../model/diagnostics';
import { ServiceSet } from '../net/service';
import { ResolvedPolicy, ResolvedRule } from '../resolve/ir';
import { FlowReadReport } from './flows/read';
import { AddressBook } from './inventory';
import { ObservedFlow, packetService, replayFlow } from './replay';
import { count } from '../model/words';

/** Hits of one rule on one service port: the unit both paths produce. */
export interface RuleHit {
  readonly rule: string;
  readonly proto: number;
  readonly port: number;
  readonly hits: number;
  /** Distinct flows (client, server, service); defaults to 1 per row. */
  readonly flows?: number;
  /** Latest record start, epoch seconds. */
  readonly last?: number;
  /** `client>server` segment pair the hit was on (local path only). */
  readonly pair?: string;
}

export interface StaleRuleEntry {
  readonly rule: string;
  readonly kind: 'rule' | 'guardrail';
  readonly owner?: string;
  readonly services: readonly string[];
  readonly location?: string;
  /** Connections the rule would admit that the logs saw without a verdict (stale rules only): seen, verdict unknown. */
  readonly seenVerdictUnknown?: number;
}

export interface UsedRuleEntry extends StaleRuleEntry {
  /** Flow-log records the rule admitted in the window. */
  readonly hits: number;
  /** Distinct flows (client address, server address, service). */
  readonly flows: number;
  readonly lastSeen?: string;
  /** True when only part of the rule's services was observed. */
  readonly partial: boolean;
  readonly observedServices: readonly string[];
  readonly unusedServices: readonly string[];
  /** Segment pairs the rule relates, and how many of them were seen (local path only). */
  readonly pairs?: { readonly used: number; readonly total: number };
}

export interface StaleReport {
  readonly policy: string;
  readonly window: { readonly days: number; readonly from?: string; readonly to?: string };
  readonly inputs: readonly { file: string; format: string; records: number; malformed: number; ignored: number; unknownVerdict: number; outsideWindow?: number }[];
  readonly stale: readonly StaleRuleEntry[];
  readonly used: readonly UsedRuleEntry[];
  /** Observed flows the analysis could not credit to any allow, by reason (records). */
  readonly unattributed: {
    /** Accepted by the cloud but not allowed by the policy's meaning (hand-made rules, drift, or shared addresses). */
    readonly acceptedNotAllowed: number;
    /** Rejected by the cloud. */
    readonly rejected: number;
    /** Both ends outside the inventory's segments. */
    readonly outsideHosts: number;
    /** An address held by workloads of several segments. */
    readonly ambiguous: number;
    /** Records outside the window. */
    readonly outsideWindow: number;
    /** Seen without a verdict (no action field, GCP source-side reports): never counted as use. */
    readonly verdictUnknown: number;
  };
}

/** The allows a stale report speaks about: every rule and allow guardrail with services. */
export function allowRules(ir: ResolvedPolicy): ResolvedRule[] {
  return ir.rules.filter((r) => r.origin.action === 'allow');
}

/**
 * Replay aggregated flows: per-rule hits (connections) plus what could not
 * be credited. Flows without a verdict are replayed only to say which
 * rules they would have used (`unknown`), never credited. Flows whose log
 * names the firewall that decided (GCP Firewall Rules Logging) are
 * credited to exactly the rules behind that firewall (`firewallOrigins`:
 * firewall name → rule names, from the compiled GCP plan), not by replay.
 */
export function hitsFromFlows(
  ir: ResolvedPolicy,
  book: AddressBook,
  flows: readonly ObservedFlow[],
  firewallOrigins?: ReadonlyMap<string, readonly string[]>,
): { hits: RuleHit[]; unknown: Map<string, number>; unattributed: Omit<StaleReport['unattributed'], 'outsideWindow'> } {
  const hits: RuleHit[] = [];
  const unknown = new Map<string, number>();
  const un = { acceptedNotAllowed: 0, rejected: 0, outsideHosts: 0, ambiguous: 0, verdictUnknown: 0 };
  const allows = new Set(allowRules(ir).map((r) => r.origin.name));
  for (const f of flows) {
    if (f.action === 'reject') {
      un.rejected += f.hits;
      continue;
    }
    const named = f.decidedBy && firewallOrigins ? f.decidedBy.flatMap((fw) => firewallOrigins.get(fw) ?? []).filter((n) => allows.has(n)) : [];
    if (f.action === 'accept' && named.length > 0) {
      const r = replayFlow(ir, book, f);
      const pair = `${r.client?.segment ?? '*'}>${r.server?.segment ?? '*'}`;
      for (const rule of [...new Set(named)].sort()) hits.push({ rule, proto: f.proto, port: f.port, hits: f.hits, flows: 1, last: f.last, pair });
      continue;
    }
    const r = replayFlow(ir, book, f);
    if (f.action === 'unknown') {
      un.verdictUnknown += f.hits;
      if (r.verdict === 'allowed') for (const rule of r.admittedBy) unknown.set(rule, (unknown.get(rule) ?? 0) + f.hits);
      continue;
    }
    if (r.verdict === 'outside' || r.verdict === 'unparsed') un.outsideHosts += f.hits;
    else if (r.verdict === 'ambiguous') un.ambiguous += f.hits;
    else if (r.verdict === 'denied') un.acceptedNotAllowed += f.hits;
    else {
      const pair = `${r.client?.segment ?? '*'}>${r.server?.segment ?? '*'}`;
      for (const rule of r.admittedBy) hits.push({ rule, proto: f.proto, port: f.port, hits: f.hits, flows: 1, last: f.last, pair });
    }
  }
  return { hits, unknown, unattributed: un };
}

export function staleReport(
  ir: ResolvedPolicy,
  hits: readonly RuleHit[],
  meta: { days: number; from?: number; to?: number; inputs?: readonly FlowReadReport[]; unattributed?: Partial<StaleReport['unattributed']>; unknown?: ReadonlyMap<string, number> },
): StaleReport {
  const byRule = new Map<string, RuleHit[]>();
  for (const h of hits) {
    const l = byRule.get(h.rule);
    if (l) l.push(h);
    else byRule.set(h.rule, [h]);
  }
  const stale: StaleRuleEntry[] = [];
  const used: UsedRuleEntry[] = [];
  for (const r of allowRules(ir)) {
    const base: StaleRuleEntry = {
      rule: r.origin.name,
      kind: r.origin.kind,
      ...(r.origin.owner ? { owner: r.origin.owner } : {}),
      services: [...r.serviceSpecs],
      ...(r.origin.location ? { location: formatWhere({ code: '', severity: 'info', message: '', location: r.origin.location }) } : {}),
    };
    const hs = byRule.get(r.origin.name);
    if (!hs || hs.length === 0) {
      const seen = meta.unknown?.get(r.origin.name);
      stale.push(seen ? { ...base, seenVerdictUnknown: seen } : base);
      continue;
    }
    let observed = ServiceSet.EMPTY;
    let total = 0;
    let flows = 0;
    let last = NaN;
    const pairs = new Set<string>();
    for (const h of hs) {
      observed = observed.union(packetService(h.proto === 58 ? 6 : 4, h.proto, h.port));
      total += h.hits;
      flows += h.flows ?? 1;
      if (h.last !== undefined && !Number.isNaN(h.last) && !(h.last <= last)) last = h.last;
      if (h.pair) pairs.add(h.pair);
    }
    // ICMP of the other family is counted as icmp too: a rule's `icmp` covers both.
    observed = observed.intersect(r.services);
    const unused = r.services.subtract(observed);
    const segPairs = r.pairCount;
    used.push({
      ...base,
      hits: total,
      flows,
      ...(Number.isNaN(last) ? {} : { lastSeen: iso(last) }),
      partial: !unused.isEmpty(),
      observedServices: observed.toSpecs(),
      unusedServices: unused.toSpecs(),
      ...(hs.some((h) => h.pair) && segPairs > 0 ? { pairs: { used: [...pairs].filter((p) => !p.includes('*')).length, total: segPairs } } : {}),
    });
  }
  return {
    policy: ir.name,
    window: { days: meta.days, ...(meta.from !== undefined ? { from: iso(meta.from) } : {}), ...(meta.to !== undefined ? { to: iso(meta.to) } : {}) },
    inputs: (meta.inputs ?? []).map((i) => ({
      file: i.file,
      format: i.format,
      records: i.records,
      malformed: i.malformed,
      ignored: i.ignored,
      unknownVerdict: i.unknownVerdict,
      ...('outsideWindow' in i ? { outsideWindow: (i as { outsideWindow: number }).outsideWindow } : {}),
    })),
    stale,
    used,
    unattributed: { acceptedNotAllowed: 0, rejected: 0, outsideHosts: 0, ambiguous: 0, outsideWindow: 0, verdictUnknown: 0, ...meta.unattributed },
  };
}

export function iso(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().replace('.000Z', 'Z');
}

export function staleMarkdown(r: StaleReport): string {
  const lines: string[] = [];
  lines.push(`## Stale rules: ${r.policy}`, '');
  lines.push(`Window: ${r.window.days} days${r.window.from ? ` (${r.window.from} – ${r.window.to})` : ''}.`, '');
  if (r.stale.length === 0) lines.push('No stale rules: every allow was used.', '');
  else {
    lines.push(`### ${r.stale.length} with no hits`, '', '| rule | kind | services | owner | where |', '|---|---|---|---|---|');
    for (const s of r.stale) lines.push(`| \`${s.rule}\`${s.seenVerdictUnknown ? ` (seen ${count(s.seenVerdictUnknown, 'connection')}, verdict unknown)` : ''} | ${s.kind} | ${s.services.join(', ')} | ${s.owner ?? ''} | ${s.location ?? ''} |`);
    lines.push('');
  }
  if (r.used.length > 0) {
    lines.push(`### ${r.used.length} used`, '', '| rule | hits | flows | last seen | used services | unused services |', '|---|---:|---:|---|---|---|');
    for (const u of r.used) lines.push(`| \`${u.rule}\` | ${u.hits} | ${u.flows} | ${u.lastSeen ?? ''} | ${u.observedServices.join(', ')} | ${u.partial ? u.unusedServices.join(', ') : '—'} |`);
    lines.push('');
  }
  const un = r.unattributed;
  lines.push(`Not credited to any rule: ${un.acceptedNotAllowed} accepted but not allowed by the policy, ${un.rejected} rejected, ${un.outsideHosts} between outside hosts, ${un.ambiguous} at shared addresses, ${un.verdictUnknown} seen with verdict unknown (connections); ${un.outsideWindow} records outside the window.`, '');
  return lines.join('\n');
}

export function staleText(r: StaleReport): string {
  const out: string[] = [];
  for (const s of r.stale) {
    const seen = s.seenVerdictUnknown ? `; seen ${count(s.seenVerdictUnknown, 'connection')}, verdict unknown` : '';
    out.push(`stale  ${s.rule}  (${s.kind}, ${s.services.join(', ')})${seen}${s.location ? `  ${s.location}` : ''}`);
  }
  for (const u of r.used) {
    out.push(`used   ${u.rule}  ${count(u.hits, 'hit')}, ${count(u.flows, 'flow')}${u.partial ? `; unused: ${u.unusedServices.join(', ')}` : ''}`);
  }
  const un = r.unattributed;
  out.push(`${r.stale.length} stale, ${r.used.length} used; not credited: ${un.acceptedNotAllowed} accepted-not-allowed, ${un.rejected} rejected, ${un.outsideHosts} outside, ${un.ambiguous} ambiguous, ${un.verdictUnknown} verdict unknown; ${count(un.outsideWindow, 'record')} outside window`);
  return out.join('\n') + '\n';
}
