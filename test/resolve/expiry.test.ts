/**
 * Expiry ends access: an allow rule or allow guardrail past its `expires`
 * date is compiled on no target, every command says which were left out,
 * and an expired deny guardrail stays enforced (and is a lint error).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { lint } from '../../lib/analysis/lint';
import { compileTargets } from '../../lib/cli/compile-targets';
import { memoryIO } from '../../lib/cli/io';
import { main } from '../../lib/cli/main';
import { SegmentationPolicy } from '../../lib/model/policy';
import { hasExpired, resolveToday } from '../../lib/model/today';
import { resolve } from '../../lib/resolve/resolve';
import { TARGET_NAMES as TARGETS } from '../../lib/targets/target';
import { verifyOutput } from '../../lib/verify';

const root = path.join(__dirname, '../..');
const FILE = 'test/fixtures/expiry/expiry.yaml';
const policy = () => SegmentationPolicy.fromFile(path.join(root, FILE));
const BEFORE = '2026-03-31'; // the last day the grants hold
const AFTER = '2026-04-01';

async function run(argv: string[], env: Record<string, string> = {}) {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    const io = memoryIO(root);
    const code = await main(argv, io);
    return { code, out: io.stdout, err: io.stderr };
  } finally {
    process.env = saved;
  }
}

test('a term is in force through its date and ends the day after', () => {
  expect(hasExpired('2026-03-31', '2026-03-31')).toBe(false);
  expect(hasExpired('2026-03-31', '2026-04-01')).toBe(true);
  expect(hasExpired('2025-12-31', '2026-01-01')).toBe(true);
  expect(hasExpired(undefined, '2099-01-01')).toBe(false);
  expect(resolveToday(undefined, {}, () => new Date('2026-04-01T23:59:59Z'))).toBe('2026-04-01');
});

test('resolve leaves expired allows out of rules and sides; the expired deny stays', () => {
  const before = resolve(policy(), { today: BEFORE });
  expect(before.expired).toEqual([]);
  expect(before.rules.map((r) => r.origin.name)).toEqual(['ops-no-db-admin', 'ops-to-db', 'vpn-ssh', 'web-metrics-grant', 'web-to-db']);
  const after = resolve(policy(), { today: AFTER });
  expect(after.today).toBe(AFTER);
  expect(after.expired.map((r) => `${r.origin.kind} ${r.origin.name} ${r.origin.expires}`)).toEqual(['rule vpn-ssh 2026-03-31', 'guardrail web-metrics-grant 2026-03-31']);
  expect(after.rules.map((r) => r.origin.name)).toEqual(['ops-no-db-admin', 'ops-to-db', 'web-to-db']);
  const db = after.sides.get('db')!.ingress;
  expect(db.allow.map((e) => `${e.origin.name} ${e.services}`)).toEqual(['ops-to-db tcp/5432-5433', 'web-to-db tcp/5432']);
  expect(db.deny.map((e) => `${e.origin.name} ${e.services}`)).toEqual(['ops-no-db-admin tcp/5433']);
  expect(after.sides.get('web')!.egress.allow.map((e) => e.origin.name)).toEqual(['web-to-db']);
  expect(() => resolve(policy(), { today: '2026-02-30' })).toThrow(/invalid date/);
});

test('every target compiles without the expired allows, and verifies exact against the policy of that day', () => {
  const before = resolve(policy(), { today: BEFORE });
  const after = resolve(policy(), { today: AFTER });
  const old = compileTargets(before, TARGETS);
  const neu = compileTargets(after, TARGETS);
  expect(old.failed || neu.failed).toBe(false);
  for (const [i, o] of neu.outputs.entries()) {
    const text = JSON.stringify(o.terraform);
    expect([o.target, text.includes('vpn-ssh'), text.includes('web-metrics-grant'), text.includes('192.168.50.0/24')]).toEqual([o.target, false, false, false]);
    const was = JSON.stringify(old.outputs[i].terraform);
    expect([o.target, was.includes('192.168.50.0/24')]).toEqual([o.target, true]);
    expect(verifyOutput(after, o.target, o.terraform, o.identities).verdict).toBe('equivalent');
    // Yesterday's output admits what today's policy no longer does: the verifier says so.
    expect(verifyOutput(after, o.target, old.outputs[i].terraform, old.outputs[i].identities).verdict).toBe('not-equivalent');
  }
  expect(neu.outputs.map((o) => o.stats.rules).every((n, i) => n < old.outputs[i].stats.rules)).toBe(true);
});

test('lint: expired allows are warnings saying they are left out, the expired deny an error', () => {
  const brief = lint(resolve(policy(), { today: AFTER })).map((f) => `${f.location?.line}:${f.location?.col} ${f.severity} ${f.code} ${f.message}`);
  expect(brief).toEqual([
    "26:14 error MS3013 deny guardrail 'ops-no-db-admin' expired on 2026-03-31 (1 day ago) and is still enforced",
    "32:14 warning MS3007 guardrail 'web-metrics-grant' expired on 2026-03-31 (1 day ago) and is left out of every compiled output",
    "38:11 warning MS3001 rule 'ops-to-db' is partly removed by guardrail 'ops-no-db-admin': tcp/5433 for ops → db",
    "47:14 warning MS3007 rule 'vpn-ssh' expired on 2026-03-31 (1 day ago) and is left out of every compiled output",
  ]);
  // lint's own date wins over the IR's: it re-resolves.
  expect(lint(resolve(policy(), { today: AFTER }), { today: '2026-01-01' }).map((f) => f.code)).toEqual(['MS3001']);
});

test('compile says which allows were left out, located, and writes none of them; --today and MICROSEG_TODAY decide', async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'microseg-expiry-'));
  try {
    const r = await run(['compile', FILE, '--target', 'aws,gcp', '--out', tmp, '--today', AFTER]);
    expect(r.code).toBe(0);
    expect(r.err).toContain(`${FILE}:47:14 info MS2002 rule 'vpn-ssh' expired on 2026-03-31 (today is 2026-04-01): left out of every output`);
    expect(r.err).toContain(`${FILE}:32:14 info MS2002 guardrail 'web-metrics-grant' expired on 2026-03-31 (today is 2026-04-01): left out of every output`);
    expect(r.out).toContain('left out as of 2026-04-01 (expired): vpn-ssh (expired 2026-03-31), web-metrics-grant (expired 2026-03-31)\n');
    expect(fs.readFileSync(path.join(tmp, 'aws/cdk.tf.json'), 'utf8')).not.toContain('192.168.50.0/24');
    const env = await run(['compile', FILE, '--target', 'aws', '--out', tmp], { MICROSEG_TODAY: BEFORE });
    expect(env.code).toBe(0);
    expect(env.err).not.toContain('MS2002');
    expect(env.out).not.toContain('left out');
    expect(fs.readFileSync(path.join(tmp, 'aws/cdk.tf.json'), 'utf8')).toContain('192.168.50.0/24');
    expect((await run(['compile', FILE, '--out', tmp, '--today', '01/04/2026'])).code).toBe(2);
    expect((await run(['compile', FILE, '--out', tmp], { MICROSEG_TODAY: 'soon' })).code).toBe(2);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test('demo (npm start) names what it left out; verify and explain judge by the same day', async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'microseg-expiry-'));
  try {
    const d = await run(['demo', FILE, '--out', tmp, '--today', AFTER]);
    expect(d.code).toBe(0);
    expect(d.out).toContain('  left out as of 2026-04-01: vpn-ssh (expired 2026-03-31), web-metrics-grant (expired 2026-03-31)\n');
    expect(d.err).toContain('MS2002');
    const out = path.join(tmp, 'expiry');
    expect((await run(['verify', FILE, out, '--today', AFTER])).code).toBe(0);
    // The same output judged a day earlier lacks grants that were still in force: a mismatch.
    expect((await run(['verify', FILE, out, '--today', BEFORE])).code).toBe(1);
    const e = await run(['explain', FILE, '--from', 'corp-vpn', '--to', 'db', '--service', 'tcp/22', '--today', AFTER]);
    expect(e.out).not.toMatch(/vpn-ssh.*allow/);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test('the constructs take the date as an option', () => {
  const { synthStack } = require('../../lib/constructs/synth');
  const { AwsSegmentation } = require('../../lib/constructs/aws');
  const synth = (today: string) => JSON.stringify(synthStack('app', (stack: any) => new AwsSegmentation(stack, 'seg', { policy: policy(), vpcId: 'vpc-1', today })));
  expect(synth(BEFORE)).toContain('192.168.50.0/24');
  expect(synth(AFTER)).not.toContain('192.168.50.0/24');
});
