import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { Diagnostic, formatDiagnostic, formatPath, sortDiagnostics } from '../../lib/model/diagnostics';
import { checkPolicyObject } from '../../lib/model/policy';
import { schemaFindings } from '../../lib/model/schema';
import { editDistance, suggest } from '../../lib/model/suggest';
import { validateDocument } from '../../lib/model/validate';

const good = () => parse(fs.readFileSync(path.join(__dirname, '../fixtures/good/spec-example.yaml'), 'utf8'));
const check = (mutate: (doc: any) => void): string[] => {
  const doc = good();
  mutate(doc);
  return checkPolicyObject(doc).diagnostics.map((d) => `${d.code} ${formatPath(d.path ?? [])}`);
};

describe('validateDocument', () => {
  it('accepts the spec example', () => {
    expect(validateDocument(good())).toEqual([]);
    expect(schemaFindings(good())).toEqual([]);
  });

  it('never throws on arbitrary shapes', () => {
    for (const v of [null, 1, 'x', [], {}, { labels: 5, segments: 'x', rules: [1, null, { from: 7 }] }, { rules: [{ from: [[]], to: [{ segment: 1 }] }] }]) {
      expect(() => validateDocument(v)).not.toThrow();
      expect(() => schemaFindings(v)).not.toThrow();
    }
  });

  it('reports schema and semantic errors of one document in one run', () => {
    expect(
      check((d) => {
        d.segmnets = [];
        d.rules[0].services = ['htps'];
        d.externals[0].cidrs.push('10.0.0.0/33');
        d.targets = { aws: { maxGroupsPerInterface: 0 } };
      }),
    ).toEqual(['MS1230 externals[0].cidrs[2]', 'MS1222 rules[0].services[0]', 'MS1100 segmnets', 'MS1104 targets.aws.maxGroupsPerInterface']);
  });

  it('accepts unions, {} and built-in service names', () => {
    expect(
      check((d) => {
        d.rules.push({ name: 'ops', from: [{ segment: 'shop-web-prod' }, { cidrs: ['10.9.0.0/16'] }], to: {}, services: ['ssh', 'icmp', 'udp', 'tcp/1-65535'] });
      }),
    ).toEqual([]);
  });

  it('lets the policy override a built-in service name', () => {
    expect(check((d) => (d.services.ssh = ['tcp/2222']))).toEqual([]);
  });

  it('checks sameLabels against both sides', () => {
    expect(check((d) => (d.rules[1].sameLabels = ['env', 'zone']))).toEqual(['MS1253 rules[1].sameLabels[1]']);
    expect(check((d) => (d.rules[0].sameLabels = ['env']))).toEqual(['MS1254 rules[0].sameLabels']);
  });

  it('skips "matches no segment" when a segment itself is broken (no follow-on noise)', () => {
    expect(check((d) => (d.segments[2].labels.tier = 'dbb'))).toEqual(['MS1001 segments[2].labels.tier']);
  });

  it('reports a guardrail that matches nothing as a warning only', () => {
    const doc = good();
    doc.guardrails[0].from = { env: 'staging', tier: 'db' };
    const r = checkPolicyObject(doc);
    expect(r.policy).toBeDefined();
    expect(r.diagnostics.map((d) => [d.code, d.severity])).toEqual([['MS1251', 'warning']]);
  });

  it('checks dates on the calendar', () => {
    expect(check((d) => (d.rules[0].expires = '2028-02-29'))).toEqual([]);
    expect(check((d) => (d.rules[0].expires = '2027-02-29'))).toEqual(['MS1260 rules[0].expires']);
    expect(check((d) => (d.rules[0].expires = '27-06-30'))).toEqual(['MS1260 rules[0].expires']);
  });

  it('refuses a reference key mixed with labels, and reference forms of the wrong arity', () => {
    expect(check((d) => (d.rules[0].to = { segment: 'shop-web-prod', env: 'prod' }))).toEqual(['MS1255 rules[0].to']);
    expect(check((d) => (d.rules[0].to = { segments: 'shop-web-prod' }))).toEqual(['MS1256 rules[0].to.segments']);
    // A malformed side is not also reported as "externals on both sides".
    expect(check((d) => (d.rules[0].to = { externals: [] }))).toEqual(['MS1256 rules[0].to.externals']);
  });

  it('checks suppressions', () => {
    expect(check((d) => (d.suppressions = [{ id: 'MS3002', rule: 'app-dns', reason: 'resolver is in the VPC' }]))).toEqual([]);
    expect(check((d) => (d.suppressions = [{ id: 'MS3002', reason: '' }]))).toEqual(['MS1262 suppressions[0].reason']);
  });
});

describe('suggest', () => {
  it('counts a transposition as one edit', () => {
    expect(editDistance('segmnets', 'segments')).toBe(1);
    expect(editDistance('prd', 'prod')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
  });

  it('suggests only likely typos', () => {
    expect(suggest('prd', ['prod', 'staging'])).toBe('prod');
    expect(suggest('web', ['db', 'app'])).toBeUndefined();
    expect(suggest('x'.repeat(500), ['x'])).toBeUndefined();
  });
});

describe('diagnostic formatting', () => {
  it('prints a path for unlocated diagnostics and sorts them in document order', () => {
    const ds: Diagnostic[] = [
      { code: 'MS1001', severity: 'error', message: 'b', path: ['rules', 10, 'from'], file: '<define>' },
      { code: 'MS1001', severity: 'error', message: 'a', path: ['rules', 2, 'from'], file: '<define>' },
      { code: 'MS1100', severity: 'error', message: 'c', path: ['odd key', 0], file: '<define>' },
    ];
    expect(sortDiagnostics(ds).map(formatDiagnostic)).toEqual([
      '<define>:["odd key"][0] error MS1100 c',
      '<define>:rules[2].from error MS1001 a',
      '<define>:rules[10].from error MS1001 b',
    ]);
  });
});
