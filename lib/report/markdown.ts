/**
 * Markdown for pull-request comments: a short summary table first, details
 * collapsed in <details>, so the comment stays readable on large changes.
 */
import { LINT_RULES } from '../analysis/lint';
import { byFileShown, DiffResult } from '../analysis/diff';
import { CODES } from '../model/codes';
import { diagnosticWhere, LintReport, reportCounts } from './lint-model';

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function lintMarkdown(r: LintReport): string {
  const n = reportCounts(r);
  let out = `### microseg lint: \`${r.file}\`\n\n| errors | warnings | info | suppressed |\n|---:|---:|---:|---:|\n| ${n.error} | ${n.warning} | ${n.info} | ${n.suppressed} |\n`;
  const diags = r.diagnostics ?? [];
  if (diags.some((d) => d.severity === 'error')) out += '\nThe policy does not validate, so lint did not run.\n';
  if (!r.findings.length && !diags.length) return out + '\nNo findings.\n';
  out += '\n| | id | where | finding |\n|---|---|---|---|\n';
  for (const d of diags) {
    const w = diagnosticWhere(d, r.file);
    const icon = d.severity === 'error' ? '❌' : d.severity === 'warning' ? '⚠️' : 'ℹ️';
    out += `| ${icon} | ${d.code} | \`${cell(w.line ? `${w.file}:${w.line}:${w.col}` : w.file)}\` | ${cell(d.message)}${CODES[d.code] ? ` (${cell(CODES[d.code].title)})` : ''} |\n`;
  }
  if (!r.findings.length) return out;
  for (const f of r.findings) {
    const icon = f.suppressed ? '🔕' : f.severity === 'error' ? '❌' : f.severity === 'warning' ? '⚠️' : 'ℹ️';
    const where = f.location ? `${f.location.file}:${f.location.line}` : r.file;
    out += `| ${icon} | ${f.code} | \`${cell(where)}\` | ${cell(f.message)}${f.suppressed ? ` (suppressed: ${cell(f.suppressed.reason)})` : ''} |\n`;
  }
  out += '\n<details><summary>Why these matter and how to fix them</summary>\n\n';
  for (const code of [...new Set(r.findings.map((f) => f.code))]) {
    const rule = LINT_RULES.find((x) => x.code === code)!;
    out += `- **${code} ${rule.title}**: ${rule.why} *Fix:* ${rule.fix}\n`;
    for (const f of r.findings.filter((x) => x.code === code && x.example)) out += `  - e.g. ${f.example}\n`;
  }
  return out + '\n</details>\n';
}

export function diffMarkdown(d: DiffResult): string {
  const { internetExposure, crossEnv, guardrails } = d.risk;
  let out = `### microseg diff: \`${d.old.file}\` → \`${d.new.file}\`\n\n`;
  out += `| flows added | flows removed | rules changed | new internet exposure | new cross-env flows | guardrail changes |\n|---:|---:|---:|---:|---:|---:|\n`;
  out += `| ${d.summary.flowsAdded} | ${d.summary.flowsRemoved} | ${d.summary.rulesChanged} | ${internetExposure.length ? `**${internetExposure.length}** ⚠️` : 0} | ${crossEnv.length ? `**${crossEnv.length}** ⚠️` : 0} | ${guardrails.length ? `**${guardrails.length}**` : 0} |\n`;
  if (!d.changes.length && !guardrails.length) return out + '\nNo flow changes.\n';
  if (internetExposure.length || crossEnv.length || guardrails.length) {
    out += '\n**Risk**\n\n';
    for (const x of internetExposure) {
      const c = d.changes[x.change];
      out += `- 🌐 new internet exposure: **${cell(c.from.label)} → ${cell(c.to.label)}** ${c.added.join(', ')}${x.adminPorts.length ? ` — admin ports ${x.adminPorts.join(', ')}` : ''} (${c.causes.join(', ')})\n`;
    }
    for (const i of crossEnv) out += `- ↔️ new cross-env flow: **${cell(d.changes[i].from.label)} → ${cell(d.changes[i].to.label)}** ${d.changes[i].added.join(', ')} (${d.changes[i].causes.join(', ')})\n`;
    for (const g of guardrails) out += `- 🛡️ guardrail \`${g.name}\` ${g.change}${g.meaningChanged ? '' : ' (metadata only, no flow change)'}\n`;
  }
  out += '\n<details><summary>By segment pair</summary>\n\n| from | to | added | removed | caused by |\n|---|---|---|---|---|\n';
  for (const p of d.byPair) out += `| ${cell(p.from)} | ${cell(p.to)} | ${p.added.join(', ')} | ${p.removed.join(', ')} | ${p.causes.join(', ')} |\n`;
  if (byFileShown(d)) {
    // Review by ownership: which file (and so which team, see CODEOWNERS) each change comes from.
    out += '\n</details>\n\n<details open><summary>By file</summary>\n\n| file | owner | rules | flows added | flows removed |\n|---|---|---|---:|---:|\n';
    for (const f of d.byFile) out += `| \`${cell(f.file)}\` | ${cell(f.owner ?? (f.kind === 'SegmentationPolicy' ? 'base' : ''))} | ${f.rules.map((r) => `\`${r}\``).join(', ')} | ${f.flowsAdded} | ${f.flowsRemoved} |\n`;
  }
  out += '\n</details>\n\n<details><summary>By rule</summary>\n\n| rule | change | flows added | flows removed |' + (byFileShown(d) ? ' file |\n|---|---|---:|---:|---|\n' : '\n|---|---|---:|---:|\n');
  for (const r of d.byRule) out += `| ${r.kind} \`${r.name}\` | ${r.change} | ${r.added.length} | ${r.removed.length} |${byFileShown(d) ? ` \`${cell(r.file ?? '')}\` |` : ''}\n`;
  out += '\n</details>\n\n<details><summary>Every changed flow, with addresses</summary>\n\n';
  for (const c of d.changes) {
    out += `- ${cell(c.from.label)} → ${cell(c.to.label)}: ${c.added.length ? `+${c.added.join(', ')}` : ''}${c.removed.length ? ` −${c.removed.join(', ')}` : ''} (${c.causes.join(', ')})\n`;
    out += `  - from ${c.from.addresses.join(', ')}\n  - to ${c.to.addresses.join(', ')}\n`;
  }
  return out + '\n</details>\n';
}
