/**
 * `lint(ir)`: every lint check (one module per finding kind), then the
 * policy's `suppressions:` applied. A suppressed finding is kept, marked
 * with its reason, and never fails a build; a suppression that matches no
 * finding is itself a finding (MS3012), so stale acknowledgements surface.
 */
import { severityOf } from '../../model/codes';
import { sortDiagnostics } from '../../model/diagnostics';
import { resolveToday } from '../../model/today';
import { ResolvedPolicy } from '../../resolve/ir';
import { resolve } from '../../resolve/resolve';
import { ServiceResolver } from '../../resolve/services';
import { atomsOf } from '../flow-space';
import { addressLeak } from './address-leak';
import { broad } from './broad';
import { conflict } from './conflict';
import { expiry } from './expiry';
import { shadowed } from './shadowed';
import { LintCheck, LintContext, LintFinding, LintRule, RawFinding } from './types';
import { unused } from './unused';
import { adminPortSet, worldOpen } from './world-open';
import { LocatedStandard } from '../../model/standards';
import { lintStandards, STANDARD_RULES } from '../standards';

export type { LintFinding, LintRule, LintContext } from './types';
export { DEFAULT_ADMIN_PORTS, isWorldSized } from './world-open';

export const CHECKS: readonly LintCheck[] = [conflict, shadowed, worldOpen, broad, addressLeak, expiry, unused];

const suppressionRule: LintRule = {
  code: 'MS3012',
  kind: 'unmatched-suppression',
  title: 'suppression matches no finding',
  why: 'A suppression that acknowledges nothing is stale: the problem was fixed or the id or rule is wrong, and it would silently hide a future finding.',
  fix: 'Delete the suppression, or correct its `id` or `rule`.',
};

/** Every lint rule, in id order: the rule pack (docs, SARIF rule metadata). */
export const LINT_RULES: readonly LintRule[] = [...CHECKS.flatMap((c) => c.rules), suppressionRule, ...STANDARD_RULES].sort((a, b) => (a.code < b.code ? -1 : 1));

export function lintRule(code: string): LintRule | undefined {
  return LINT_RULES.find((r) => r.code === code);
}

export const DEFAULT_EXPIRY_WARNING_DAYS = 30;

export { resolveToday };

export interface LintOptions {
  /**
   * `YYYY-MM-DD`; default: the date the IR was resolved with. A different
   * date re-resolves the policy, since which allows are compiled depends on it.
   */
  readonly today?: string;
  /**
   * Standards to judge the policy by, beside those of its directory (`--standards FILE`).
   * Their findings are not suppressible from the policy.
   */
  readonly standards?: readonly LocatedStandard[];
}

export function lint(given: ResolvedPolicy, options: LintOptions = {}): LintFinding[] {
  const ir = options.today === undefined || options.today === given.today ? given : resolve(given.policy, { today: options.today });
  const policy = ir.policy;
  const doc = policy.doc;
  const ctx: LintContext = {
    ir,
    policy,
    today: ir.today,
    expiryWarningDays: doc.lint?.expiryWarningDays ?? DEFAULT_EXPIRY_WARNING_DAYS,
    adminPorts: adminPortSet(doc.lint?.adminPorts, new ServiceResolver(doc)),
    atoms: atomsOf([ir]),
  };
  const raw: RawFinding[] = CHECKS.flatMap((c) => c.check(ctx));
  let findings = raw.map((f) => toFinding(ir, f));
  // Suppressions: id + optional subject.
  const used = new Set<number>();
  findings = findings.map((f) => {
    const i = (doc.suppressions ?? []).findIndex((s) => s.id === f.code && (s.rule === undefined || f.subjects.includes(s.rule)));
    if (i < 0) return f;
    used.add(i);
    const s = doc.suppressions![i];
    return { ...f, suppressed: { reason: s.reason, location: policy.locate(['suppressions', i]), index: i } };
  });
  (doc.suppressions ?? []).forEach((s, i) => {
    if (used.has(i)) return;
    findings.push(
      toFinding(ir, {
        code: 'MS3012',
        message: `suppression of ${s.id}${s.rule ? ` for '${s.rule}'` : ''} matches no finding`,
        path: ['suppressions', i],
        subjects: s.rule ? [s.rule] : [],
      }),
    );
  });
  findings.push(...lintStandards(ir, options.standards));
  return sortDiagnostics(findings) as LintFinding[];
}

function toFinding(ir: ResolvedPolicy, f: RawFinding): LintFinding {
  const rule = lintRule(f.code)!;
  const location = f.path.length ? ir.policy.locate(f.path, f.at) : undefined;
  return {
    code: f.code,
    severity: severityOf(f.code),
    message: f.message,
    ...(location ? { location } : { file: ir.policy.file }),
    path: [...f.path],
    kind: rule.kind,
    title: rule.title,
    why: rule.why,
    subjects: f.subjects,
    ...(f.example ? { example: f.example } : {}),
    ...(f.related && f.related.length ? { related: f.related } : {}),
  };
}

/** Does a finding count towards --fail-on? Suppressed findings never do. */
export function failsOn(f: LintFinding, threshold: 'error' | 'warning' | 'none'): boolean {
  if (f.suppressed || threshold === 'none') return false;
  return f.severity === 'error' || (threshold === 'warning' && f.severity === 'warning');
}
