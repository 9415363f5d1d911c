/** Plain text for people at a terminal; coloured only when `color` is set (the CLI passes io.isTTY). */
import { createColors } from 'picocolors';
import { byFileShown, DiffResult } from '../analysis/diff';
import { ExplainResult } from '../analysis/explain';
import { formatDiagnostic } from '../model/diagnostics';
import { counts, LintReport } from './lint-model';
import { count } from '../model/words';

type Colors = ReturnType<typeof createColors>;

export function lintText(r: LintReport, color = false): string {
  const c = createColors(color);
  const sev = (s: string) => (s === 'error' ? c.red(s) : s === 'warning' ? c.yellow(s) : c.cyan(s));
  let out = '';
  for (const f of r.findings) {
    const line = formatDiagnostic(f).replace(` ${f.severity} `, ` ${sev(f.severity)} `);
    out += (f.suppressed ? c.dim(`${line} [suppressed: ${f.suppressed.reason}]`) : line) + '\n';
    if (!f.suppressed) {
      out += c.dim(`    why: ${f.why}`) + '\n';
      if (f.example) out += c.dim(`    e.g. ${f.example}`) + '\n';
    }
  }
  const n = counts(r.findings);
  const summary = `${r.file}: ${n.error} error${n.error === 1 ? '' : 's'}, ${n.warning} warning${n.warning === 1 ? '' : 's'}, ${n.info} info, ${n.suppressed} suppressed`;
  return out + (n.error ? c.red(summary) : n.warning ? c.yellow(summary) : c.green(summary)) + '\n';
}

function pm(c: Colors, d: { added: string[]; removed: string[] }): string {
  return [d.added.length ? c.green(`+ ${d.added.join(', ')}`) : '', d.removed.length ? c.red(`- ${d.removed.join(', ')}`) : ''].filter(Boolean).join('  ');
}

export function diffText(d: DiffResult, color = false): string {
  const c = createColors(color);
  let out = `${d.old.file} -> ${d.new.file}: ${count(d.summary.flowsAdded, 'flow group')} added, ${d.summary.flowsRemoved} removed, ${count(d.summary.rulesChanged, 'rule or guardrail', 'rules and guardrails')} changed\n`;
  if (!d.changes.length) return out;
  out += '\nBy segment pair:\n';
  for (const p of d.byPair) out += `  ${p.from} -> ${p.to}: ${pm(c, p)}  (${p.causes.join(', ')})\n`;
  if (byFileShown(d)) {
    out += '\nBy file:\n';
    for (const f of d.byFile) out += `  ${f.file}${f.owner ? ` (${f.owner})` : f.kind === 'SegmentationPolicy' ? ' (base)' : ''}: ${f.rules.join(', ')}: ${f.flowsAdded} added, ${f.flowsRemoved} removed\n`;
  }
  out += '\nBy rule:\n';
  for (const r of d.byRule) out += `  ${r.kind} ${r.name} (${r.change}): ${r.added.length} added, ${r.removed.length} removed${byFileShown(d) && r.file ? `, in ${r.file}` : ''}\n`;
  out += riskText(d, c);
  return out;
}

function riskText(d: DiffResult, c: Colors): string {
  const { internetExposure, crossEnv, guardrails } = d.risk;
  if (!internetExposure.length && !crossEnv.length && !guardrails.length) return '\nRisk: none of new internet exposure, new cross-env flows or guardrail changes\n';
  let out = '\nRisk:\n';
  for (const x of internetExposure) {
    const ch = d.changes[x.change];
    out += c.red(`  new internet exposure: ${ch.from.label} -> ${ch.to.label} ${ch.added.join(', ')}${x.adminPorts.length ? ` (admin ports ${x.adminPorts.join(', ')})` : ''}`) + '\n';
  }
  for (const i of crossEnv) out += c.yellow(`  new cross-env flow: ${d.changes[i].from.label} -> ${d.changes[i].to.label} ${d.changes[i].added.join(', ')}`) + '\n';
  for (const g of guardrails) out += c.yellow(`  guardrail ${g.change}: ${g.name}${g.meaningChanged ? '' : ' (metadata only)'}`) + '\n';
  return out;
}

export function explainText(e: ExplainResult, color = false): string {
  const c = createColors(color);
  let out = '';
  for (const [title, pairs] of [
    ['forward', e.forward],
    ['reverse', e.reverse],
  ] as const) {
    for (const p of pairs) {
      out += c.bold(`${p.from} -> ${p.to}${e.service ? ` on ${e.service}` : ''}`) + c.dim(` (${title})`) + '\n';
      if (p.note) out += `  ${p.note}\n`;
      if (p.hint) out += c.yellow(`  hint: ${p.hint}`) + '\n';
      for (const k of p.cases) {
        const v = k.verdict === 'allowed' ? c.green('ALLOWED') : k.verdict === 'denied' ? c.red('DENIED') : c.yellow('PARTLY ALLOWED');
        const where = p.cases.length > 1 ? ` [from ${abbrev(k.fromAddresses)} to ${abbrev(k.toAddresses)}]` : '';
        out += `  ${v}${k.allowed.length ? ` ${k.allowed.join(', ')}` : ''}${where}\n`;
        for (const s of k.sides) {
          out += `    ${s.direction} of ${s.segment}: admits ${s.admitted.join(', ') || 'nothing'}\n`;
          for (const a of s.allows) out += `      allow  ${a.kind} ${a.name} (${a.services.join(', ')}; peer ${a.peer})${loc(a.location)}\n`;
          for (const a of s.denies) {
            out += c.red(`      deny   ${a.kind} ${a.name} (${a.services.join(', ')}; peer ${a.peer})${loc(a.location)}`) + '\n';
            for (const l of a.enforcedBy ?? []) out += c.red(`             ${l}`) + '\n';
          }
          if (!s.allows.length) out += `      no allow matches: default deny\n`;
        }
      }
    }
  }
  return out;
}

function loc(l?: { file: string; line: number; col: number }): string {
  return l ? ` at ${l.file}:${l.line}:${l.col}` : '';
}

function abbrev(cidrs: readonly string[]): string {
  return cidrs.length <= 2 ? cidrs.join(', ') : `${cidrs[0]} and ${cidrs.length - 1} more`;
}
