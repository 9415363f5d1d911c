/**
 * SARIF 2.1.0 for code scanning: one run, the lint rule pack as
 * `tool.driver.rules` (id, name, short and full description, default level,
 * help), one result per finding located at the policy file's line and
 * column, suppressed findings kept with `suppressions` (kind inSource, the
 * policy's reason as justification) as the SARIF spec asks.
 */
import { LINT_RULES } from '../analysis/lint';
import { CODES, severityOf } from '../model/codes';
import { formatPath, Severity } from '../model/diagnostics';
import { diagnosticWhere, LintReport } from './lint-model';
import { artifactLocation, docsUri, ORIGINAL_URI_BASE_IDS, placeOf, sarifLog, SarifPlace } from '../model/sarif-log';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note' };

/** `place`: where the command ran, so file URIs are relative to its repository (default: this process's working directory). */
export function lintSarif(r: LintReport, place: SarifPlace = placeOf(process.cwd())): string {
  const rules = LINT_RULES.map((x) => ({
    id: x.code,
    name: x.kind.replace(/(^|-)([a-z])/g, (_m, _d, ch: string) => ch.toUpperCase()),
    shortDescription: { text: x.title },
    fullDescription: { text: x.why },
    defaultConfiguration: { level: LEVEL[severityOf(x.code)] },
    helpUri: docsUri('diagnostics.md', x.code),
    help: { text: `${x.why} Fix: ${x.fix} Suppress: add {id: ${x.code}, rule: <name>, reason: <why>} under suppressions:.`, markdown: `${x.why}\n\n**Fix:** ${x.fix}\n\n**Suppress:** add \`{id: ${x.code}, rule: <name>, reason: <why>}\` under \`suppressions:\`.` },
    properties: { tags: ['security', 'microsegmentation', x.kind] },
  }));
  // Validation codes that occur get a descriptor too, after the lint pack, so code scanning shows their title and help.
  for (const code of [...new Set((r.diagnostics ?? []).map((d) => d.code))].sort()) {
    const info = CODES[code];
    rules.push({
      id: code,
      name: (info?.title ?? code).replace(/(^|[^A-Za-z0-9]+)([A-Za-z0-9])/g, (_m, _d, ch: string) => ch.toUpperCase()),
      shortDescription: { text: info?.title ?? code },
      fullDescription: { text: info?.explanation ?? code },
      defaultConfiguration: { level: LEVEL[severityOf(code)] },
      helpUri: docsUri('diagnostics.md', code),
      help: { text: info?.explanation ?? code, markdown: info?.explanation ?? code },
      properties: { tags: ['microsegmentation', 'validation'] },
    });
  }
  const index = new Map(rules.map((x, i) => [x.id, i]));
  const phys = (file: string, line?: number, col?: number) => ({
    physicalLocation: {
      artifactLocation: artifactLocation(file, place),
      ...(line ? { region: { startLine: line, startColumn: col ?? 1 } } : {}),
    },
  });
  const diagnostics = (r.diagnostics ?? []).map((d) => {
    const w = diagnosticWhere(d, r.file);
    return {
      ruleId: d.code,
      ruleIndex: index.get(d.code)!,
      level: LEVEL[d.severity],
      message: { text: d.message },
      locations: [phys(w.file, w.line, w.col)],
      partialFingerprints: { 'microsegFinding/v1': `${d.code}:${artifactLocation(w.file, place).uri}:${d.path ? formatPath(d.path) : `${w.line ?? 0}:${w.col ?? 0}`}` },
      properties: { subjects: [] as string[] },
    };
  });
  const findings = r.findings.map((f) => ({
    ruleId: f.code,
    ruleIndex: index.get(f.code) ?? -1,
    level: LEVEL[f.severity],
    message: { text: f.message + (f.example ? ` (e.g. ${f.example})` : '') },
    locations: [phys(f.location?.file ?? r.file, f.location?.line, f.location?.col)],
    ...(f.related && f.related.length
      ? { relatedLocations: f.related.map((x, i) => ({ id: i, ...phys(x.location?.file ?? r.file, x.location?.line, x.location?.col), message: { text: x.message } })) }
      : {}),
    partialFingerprints: { 'microsegFinding/v1': `${f.code}:${f.subjects.join(',')}` },
    ...(f.suppressed ? { suppressions: [{ kind: 'inSource', status: 'accepted', justification: f.suppressed.reason }] } : {}),
    properties: { subjects: [...f.subjects] },
  }));
  return sarifLog([
    {
      tool: { driver: { name: 'microseg', semanticVersion: r.toolVersion, informationUri: docsUri('lint.md'), rules } },
      invocations: [{ executionSuccessful: true }],
      originalUriBaseIds: ORIGINAL_URI_BASE_IDS,
      columnKind: 'unicodeCodePoints',
      results: [...diagnostics, ...findings],
    },
  ]);
}
