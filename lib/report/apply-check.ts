/**
 * The apply check as text (terminal), JSON (machines) and markdown (a
 * pull-request comment): per target the plan in counts, then whatever
 * makes it unsafe, worst moments first.
 */
import { ApplyCheckResult, TargetApplyCheck } from '../analysis/apply-check';
import { FlowProblem } from '../analysis/apply-check/flows';
import { count } from '../model/words';

function flowText(p: FlowProblem): string {
  const end = (seg: string | undefined, addr: string) => (seg ? `${seg} (${addr})` : `outside host ${addr}`);
  return `${p.kind} ${end(p.from, p.fromAddress)} -> ${end(p.to, p.toAddress)} ${p.service}`;
}

function planLine(t: TargetApplyCheck): string {
  const c = t.counts;
  return `${c.keep} kept, ${c.update} updated in place, ${c.replace} replaced (${c.replacedCreateBeforeDestroy} created before destroyed), ${c.create} created, ${c.destroy} destroyed`;
}

function problems(t: TargetApplyCheck): string[] {
  const out: string[] = [];
  if (t.dropped) out.push(`${count(t.dropped, 'flow class', 'flow classes')} that both versions allow dropped at some moment`);
  if (t.opened) out.push(`${count(t.opened, 'flow class', 'flow classes')} that both versions deny opened at some moment`);
  for (const c of t.conflicts) out.push(`conflict: ${c.key} held by ${c.objects.join(' and ')} at once`);
  for (const id of t.identitiesDestroyed) out.push(`identity ${id} is destroyed while workloads carry it`);
  return out;
}

export function applyCheckText(r: ApplyCheckResult): string {
  let out = `apply check ${r.old.file} -> ${r.new.file}: ${r.safe ? 'safe' : 'UNSAFE'}\n`;
  for (const t of r.targets) {
    out += `\n${t.target}: ${t.safe ? 'safe' : 'UNSAFE'}\n  plan: ${planLine(t)}\n`;
    out += `  moments checked: ${t.moments.checked}${t.moments.exhaustive ? ' (all)' : ' (sampled)'} over ${count(t.moments.events, 'event')}\n`;
    for (const c of t.changes) out += `  ${c.action.padEnd(7)} ${c.address}${c.action === 'replace' ? ` (${c.createBeforeDestroy ? 'create before destroy' : 'destroy first'}; ${c.attributes.join(', ')})` : ''}\n`;
    for (const p of problems(t)) out += `  ! ${p}\n`;
    for (const w of t.worst.slice(0, 3)) {
      out += `  worst moment: ${w.moment}\n`;
      for (const e of w.examples) out += `    ${flowText(e)}\n`;
      for (const c of w.conflicts) out += `    conflict: ${c.key}\n`;
    }
    for (const i of t.identityChanges) {
      if (i.attach.length) out += `  note: attach ${i.attach.join(', ')} to the workloads of ${i.segment} when the apply is done\n`;
      if (i.detach.length) out += `  note: ${i.segment} no longer needs ${i.detach.join(', ')}: detach after the apply\n`;
    }
  }
  return out;
}

export function applyCheckJson(r: ApplyCheckResult): string {
  return JSON.stringify({ version: 1, ...r }, null, 2) + '\n';
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function applyCheckMarkdown(r: ApplyCheckResult): string {
  let out = `### microseg apply check: ${r.safe ? '✅ safe' : '❌ unsafe'}\n\n`;
  out += '| target | verdict | kept | in place | replaced (create first) | created | destroyed | moments | dropped | opened | conflicts |\n';
  out += '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n';
  for (const t of r.targets) {
    const c = t.counts;
    out += `| ${t.target} | ${t.safe ? '✅' : '❌'} | ${c.keep} | ${c.update} | ${c.replace} (${c.replacedCreateBeforeDestroy}) | ${c.create} | ${c.destroy} | ${t.moments.checked}${t.moments.exhaustive ? '' : ' sampled'} | ${t.dropped} | ${t.opened} | ${t.conflicts.length + t.identitiesDestroyed.length} |\n`;
  }
  for (const t of r.targets) {
    const ps = problems(t);
    if (ps.length === 0 && t.identityChanges.length === 0) continue;
    out += `\n<details><summary>${t.target}: ${t.safe ? 'notes' : 'why unsafe'}</summary>\n\n`;
    for (const p of ps) out += `- ${cell(p)}\n`;
    for (const w of t.worst.slice(0, 3)) {
      out += `- worst moment: ${cell(w.moment)}\n`;
      for (const e of w.examples) out += `  - \`${cell(flowText(e))}\`\n`;
    }
    for (const i of t.identityChanges) {
      if (i.attach.length) out += `- attach \`${i.attach.join('`, `')}\` to the workloads of ${i.segment}\n`;
      if (i.detach.length) out += `- ${i.segment} no longer needs \`${i.detach.join('`, `')}\`\n`;
    }
    out += '\n</details>\n';
  }
  return out;
}
