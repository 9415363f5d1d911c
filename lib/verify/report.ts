/**
 * `microseg verify`: read compiled outputs back from DIR, verify each target,
 * format the reports (text, json, sarif) and pick the exit code. The CLI
 * wires it in one line: `const r = runVerify(ir, dir, targets, format)`.
 */
import * as fs from 'fs';
import * as path from 'path';
import { CODES } from '../model/codes';
import { ResolvedPolicy } from '../resolve/ir';
import { TargetName } from '../model/targets';
import { artifactLocation, docsUri, ORIGINAL_URI_BASE_IDS, placeOf, sarifLog, SarifPlace } from '../model/sarif-log';
import { Mismatch } from './equivalence';
import { verifyOutput, VerifyReport } from './index';

export type VerifyFormat = 'text' | 'json' | 'sarif';

export interface VerifyRun {
  readonly reports: VerifyReport[];
  readonly stdout: string;
  readonly stderr: string;
  /** 0: every target equivalent; 1: a mismatch or an inconclusive verdict; 2: an output could not be read. */
  readonly exitCode: 0 | 1 | 2;
}

function end(e: Mismatch['from']): string {
  return e.segment ? `${e.segment} ${e.address}` : `outside host ${e.address}`;
}

function mismatchCode(m: Mismatch, tolerated = false): string {
  return tolerated ? 'MS7003' : m.kind === 'too-open' ? 'MS7001' : 'MS7002';
}

/** One line headline for a mismatch, e.g. `too open: web 10.1.0.1 -> db 10.3.0.1 tcp/5432: policy denies, output allows`. */
/** The Terraform addresses (`TYPE.NAME`) the deciding rules of a mismatch's output come from, once each. */
function mismatchResources(m: Mismatch): string[] {
  const resources = [...(m.output.egress ?? []), ...(m.output.ingress ?? [])]
    .map((l) => /: (\S+)/.exec(l)?.[1])
    .filter((x): x is string => Boolean(x && x.includes('.')));
  return [...new Set(resources)];
}

export function mismatchHeadline(m: Mismatch): string {
  const atom = m.atom !== m.service ? ` (every packet of ${m.atom})` : '';
  return `${m.kind === 'too-open' ? 'too open' : 'too closed'}: ${end(m.from)} -> ${end(m.to)} ${m.service}${atom}: policy ${m.expected === 'allow' ? 'allows' : 'denies'}, output ${m.actual === 'allow' ? 'allows' : 'denies'} (${m.side} side differs)`;
}

function mismatchDetails(m: Mismatch, indent: string): string[] {
  const out: string[] = [];
  for (const [label, lines] of [
    ['policy, egress', m.policy.egress],
    ['policy, ingress', m.policy.ingress],
    ['output, egress', m.output.egress],
    ['output, ingress', m.output.ingress],
  ] as const) {
    if (lines) for (const l of lines) out.push(`${indent}${label}: ${l}`);
  }
  return out;
}

/**
 * A mismatch is an error only when the whole output was read; beside an
 * unreadable part (inconclusive) it is a warning: the rules the verifier
 * could not read may be what decides that flow.
 */
function mismatchLevel(r: VerifyReport): 'error' | 'warning' {
  return r.verdict === 'inconclusive' ? 'warning' : 'error';
}

function unconfirmed(r: VerifyReport): string {
  const n = `${r.mismatchCount} flow class${r.mismatchCount === 1 ? '' : 'es'}`;
  const shown = r.mismatches.length < r.mismatchCount ? `, first ${r.mismatches.length} shown` : '';
  return `${n} differ${r.mismatchCount === 1 ? 's' : ''} on the part read, which the unread parts may explain${shown}`;
}

export function formatVerifyText(reports: readonly VerifyReport[]): string {
  const out: string[] = [];
  for (const r of reports) {
    const c = r.checked;
    const scope = `${c.segments} segments, ${c.serviceAtoms} service atoms, ${c.pairChecks} pair and ${c.outsideChecks} outside checks, ${r.elapsedMs} ms`;
    const tol = r.toleratedCount ? `, ${r.toleratedCount} tolerated deviation${r.toleratedCount === 1 ? '' : 's'} at shared addresses` : '';
    if (r.verdict === 'equivalent') out.push(`${r.target}: equivalent to policy '${r.policy}' (${scope}${tol})`);
    else if (r.verdict === 'inconclusive' && r.mismatchCount === 0) out.push(`${r.target}: INCONCLUSIVE: no mismatch found, but parts of the output could not be evaluated (${scope}${tol})`);
    else if (r.verdict === 'inconclusive') out.push(`${r.target}: INCONCLUSIVE: parts of the output could not be evaluated; ${unconfirmed(r)} (${scope}${tol})`);
    else out.push(`${r.target}: NOT EQUIVALENT: ${r.mismatchCount} mismatching flow class${r.mismatchCount === 1 ? '' : 'es'}${r.mismatches.length < r.mismatchCount ? `, first ${r.mismatches.length} shown` : ''} (${scope}${tol})`);
    for (const i of r.issues) out.push(`  ${i.severity} ${i.code} ${i.message}`);
    for (const m of r.mismatches) {
      out.push(`  ${mismatchLevel(r)} ${mismatchCode(m)} ${mismatchHeadline(m)}`);
      out.push(...mismatchDetails(m, '      '));
    }
    if (r.tolerated.length) {
      // Not "declare disjoint addresses": these also arise on disjoint policies, wherever the cloud matches a peer by address instead of identity.
      out.push(`  tolerated (the spec permits these: ${r.target} matches these peers by address, not identity; see MS7003 in docs/diagnostics.md):`);
      const shown = r.tolerated.slice(0, 3);
      for (const m of shown) out.push(`    info MS7003 ${mismatchHeadline(m)}`);
      const more = Math.max(r.toleratedCount, r.tolerated.length) - shown.length;
      if (more > 0) out.push(`    and ${more} more`);
    }
  }
  return out.join('\n') + '\n';
}

export function formatVerifyJson(reports: readonly VerifyReport[]): string {
  return JSON.stringify({ apiVersion: 'microseg/v1', kind: 'VerifyReport', equivalent: reports.every((r) => r.verdict === 'equivalent'), reports }, null, 2) + '\n';
}

/**
 * SARIF 2.1.0: one result per mismatch example and per issue, located at the
 * target's cdk.tf.json under `dir` (resolved from `place.cwd`, named relative
 * to the repository root `place.root`).
 */
export function formatVerifySarif(reports: readonly VerifyReport[], dir = 'out', place: SarifPlace = placeOf(process.cwd())): string {
  const ruleIds = ['MS7001', 'MS7002', 'MS7003', 'MS7010', 'MS7011', 'MS7012', 'MS7013'];
  const results: unknown[] = [];
  for (const r of reports) {
    const artifact = artifactLocation(path.join(dir, r.target, 'cdk.tf.json'), place);
    const loc = (resources: string[]) => [
      {
        physicalLocation: { artifactLocation: artifact },
        ...(resources.length ? { logicalLocations: resources.map((name) => ({ name, kind: 'resource' })) } : {}),
      },
    ];
    for (const i of r.issues) {
      results.push({ ruleId: i.code, ruleIndex: ruleIds.indexOf(i.code), level: i.severity === 'info' ? 'note' : i.severity, message: { text: `${r.target}: ${i.message}` }, locations: loc(i.resource ? [i.resource] : []) });
    }
    for (const [list, tol] of [
      [r.mismatches, false],
      [r.tolerated, true],
    ] as const) {
      for (const m of list) {
        results.push({
          ruleId: mismatchCode(m, tol),
          ruleIndex: ruleIds.indexOf(mismatchCode(m, tol)),
          level: tol ? 'note' : mismatchLevel(r),
          message: { text: `${r.target}: ${mismatchHeadline(m)}\n${mismatchDetails(m, '').join('\n')}` },
          locations: loc(mismatchResources(m)),
        });
      }
    }
  }
  return sarifLog([
    {
      tool: {
        driver: {
          name: 'microseg verify',
          informationUri: docsUri('verification.md'),
          rules: ruleIds.map((id) => ({
            id,
            shortDescription: { text: CODES[id]?.title ?? id },
            fullDescription: { text: CODES[id]?.explanation ?? id },
            helpUri: docsUri('diagnostics.md', id),
            defaultConfiguration: { level: CODES[id]?.severity === 'info' ? 'note' : CODES[id]?.severity ?? 'error' },
          })),
        },
      },
      originalUriBaseIds: ORIGINAL_URI_BASE_IDS,
      results,
    },
  ]);
}

export function formatVerify(reports: readonly VerifyReport[], format: VerifyFormat, dir?: string, place?: SarifPlace): string {
  return format === 'json' ? formatVerifyJson(reports) : format === 'sarif' ? formatVerifySarif(reports, dir, place) : formatVerifyText(reports);
}

export function verifyExitCode(reports: readonly VerifyReport[]): 0 | 1 {
  return reports.every((r) => r.verdict === 'equivalent') ? 0 : 1;
}

function readJson(file: string): { ok: true; value: any } | { ok: false; reason: string } {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    return { ok: false, reason: `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` };
  }
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (e) {
    return { ok: false, reason: `${file} is not JSON: ${(e as Error).message}` };
  }
}

/**
 * Verify `DIR/<target>/cdk.tf.json` with `DIR/<target>/identities.json` for
 * each target. Unreadable outputs give exit code 2 and a MS7013 line on stderr.
 */
export function runVerify(ir: ResolvedPolicy, dir: string, targets: readonly TargetName[], format: VerifyFormat = 'text', place?: SarifPlace): VerifyRun {
  const reports: VerifyReport[] = [];
  const errors: string[] = [];
  for (const t of targets) {
    const tf = readJson(path.join(dir, t, 'cdk.tf.json'));
    const ids = readJson(path.join(dir, t, 'identities.json'));
    if (!tf.ok || !ids.ok) {
      for (const x of [tf, ids]) if (!x.ok) errors.push(`error MS7013 ${x.reason}`);
      continue;
    }
    reports.push(verifyOutput(ir, t, tf.value, ids.value));
  }
  const stderr = errors.length ? errors.join('\n') + '\n' : '';
  return { reports, stdout: reports.length ? formatVerify(reports, format, dir, place) : '', stderr, exitCode: errors.length ? 2 : verifyExitCode(reports) };
}
