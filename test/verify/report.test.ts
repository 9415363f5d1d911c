/**
 * `microseg verify` behind the CLI: runVerify reads DIR/<target>/, formats
 * text, json and sarif, and picks the exit code (0 equivalent, 1 mismatch or
 * inconclusive, 2 unreadable output).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { SegmentationPolicy } from '../../lib/model/policy';
import { resolve } from '../../lib/resolve/resolve';
import { formatVerifyText, runVerify } from '../../lib/verify/report';
import { sarifValidator } from '../report/sarif-validator';

const fixtures = path.join(__dirname, '../fixtures/tf');
const ir = resolve(SegmentationPolicy.fromFile(path.join(fixtures, 'mini.yaml')));

function outDir(edit: (tf: any) => void = () => {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'microseg-verify-'));
  for (const t of ['aws', 'azure', 'gcp']) {
    fs.mkdirSync(path.join(dir, t));
    const tf = JSON.parse(fs.readFileSync(path.join(fixtures, `${t}.tf.json`), 'utf8'));
    if (t === 'azure') edit(tf);
    fs.writeFileSync(path.join(dir, t, 'cdk.tf.json'), JSON.stringify(tf));
    fs.copyFileSync(path.join(fixtures, `${t}.identities.json`), path.join(dir, t, 'identities.json'));
  }
  return dir;
}

describe('runVerify', () => {
  it('exits 0 and says so when every target is equivalent', () => {
    const r = runVerify(ir, outDir(), ['aws', 'azure', 'gcp'], 'text');
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^aws: equivalent to policy 'mini' \(2 segments, /m);
    expect(r.stdout).toMatch(/^gcp: equivalent .* tolerated deviations? at shared addresses\)/m);
  });

  it('exits 1 with an example flow, the policy rules and the output resources when a target is not', () => {
    const dir = outDir((tf) => {
      tf.resource.azurerm_network_security_group.nsg.security_rule = tf.resource.azurerm_network_security_group.nsg.security_rule.filter((x: any) => x.name !== 'web-to-db-in');
    });
    const r = runVerify(ir, dir, ['azure'], 'text');
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain('azure: NOT EQUIVALENT');
    expect(r.stdout).toContain('error MS7002 too closed: web 10.1.0.0 -> db 10.2.0.0 tcp/5432: policy allows, output denies (ingress side differs)');
    expect(r.stdout).toContain('policy, ingress: allow rule web-to-db (ingress of db)');
    expect(r.stdout).toContain('output, ingress: azurerm_network_security_group.nsg: azurerm_network_security_group.nsg security_rule[deny-all-in] deny any protocol from * (priority 4096)');
    const json = JSON.parse(runVerify(ir, dir, ['azure'], 'json').stdout);
    expect(json).toMatchObject({ kind: 'VerifyReport', equivalent: false, reports: [{ target: 'azure', verdict: 'not-equivalent' }] });
    const sarif = JSON.parse(runVerify(ir, dir, ['azure'], 'sarif').stdout);
    expect(sarif.version).toBe('2.1.0');
    expect(sarifValidator()(sarif)).toEqual([]);
    expect(sarif.runs[0].results[0]).toMatchObject({ ruleId: 'MS7002', level: 'error', locations: [{ physicalLocation: { artifactLocation: { uri: expect.stringMatching(/azure\/cdk\.tf\.json$/) } } }] });
  });

  it('exits 2 when an output cannot be read', () => {
    const r = runVerify(ir, path.join(os.tmpdir(), 'does-not-exist-microseg'), ['aws'], 'text');
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/^error MS7013 cannot read .*aws\/cdk\.tf\.json: ENOENT/);
  });
});

describe('tolerated deviations (MS7003) in text', () => {
  const m = (i: number) => ({
    kind: 'too-open',
    from: { segment: 'web', address: `10.1.0.${i}` },
    to: { segment: 'db', address: '10.3.0.1' },
    service: 'tcp/5432',
    atom: 'tcp/5432',
    expected: 'deny',
    actual: 'allow',
    side: 'egress',
    policy: {},
    output: {},
  });
  const report = (shown: number, count: number) => ({
    policy: 'p', target: 'gcp', verdict: 'equivalent', mismatchCount: 0, mismatches: [], toleratedCount: count,
    tolerated: Array.from({ length: shown }, (_, i) => m(i)), issues: [], checked: { segments: 2, serviceAtoms: 1, pairChecks: 1, outsideChecks: 0 }, elapsedMs: 1,
  });
  it('says why without asking for disjoint addresses, and counts what it does not show', () => {
    const text = formatVerifyText([report(5, 12) as never]);
    expect(text).not.toContain('declare disjoint addresses');
    expect(text).toContain('gcp matches these peers by address, not identity');
    expect(text.match(/info MS7003/g)).toHaveLength(3);
    expect(text).toContain('    and 9 more\n');
  });
  it('has no "and 0 more" when everything is shown', () => {
    expect(formatVerifyText([report(2, 2) as never])).not.toContain('more');
  });
});
