/**
 * examples/teams, the example repository of issue 20: complete (CODEOWNERS
 * for every file and owner, the workflow's steps), valid, lint-clean under
 * the org standards (given as a file or as a directory), compiled to the
 * same output as the equivalent single file on every cloud, and read by the
 * lifecycle commands (impact, stale, discover, drift) as a directory.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { memoryIO } from '../../lib/cli/io';
import { main } from '../../lib/cli/main';
import { loadPolicy } from '../../lib/model/policy';
import { resolve } from '../../lib/resolve/resolve';
import { loadBackend } from '../../lib/targets/registry';
import { verifyOutput } from '../../lib/verify';
import { stateFromTerraform } from '../fixtures/lifecycle/state';

const root = path.join(__dirname, '../..');
const example = path.join(root, 'examples/teams');
const single = path.join(root, 'test/fixtures/teams-single-file.yaml');
const run = async (argv: string[], cwd = root) => {
  const io = memoryIO(cwd);
  const code = await main(argv, io);
  return { code, out: io.stdout, err: io.stderr };
};
let tmp: string;
beforeAll(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'microseg-teams-'))));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const write = (name: string, text: string) => {
  const p = path.join(tmp, name);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, text);
  return p;
};

describe('the example repository is complete', () => {
  const owners = fs
    .readFileSync(path.join(example, 'CODEOWNERS'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('#'))
    .map((l) => l.trim().split(/\s+/) as [string, string]);

  test('CODEOWNERS gives every policy and standards file an owner, and each fragment the team its metadata.owner names', () => {
    const ownerOf = (rel: string) => {
      // The last matching pattern wins, as on GitHub; patterns here are paths or directories from the repository root.
      let who: string | undefined;
      for (const [pattern, team] of owners) if (`/${rel}` === pattern || (pattern.endsWith('/') && `/${rel}`.startsWith(pattern))) who = team;
      return who;
    };
    const files = ['policy', 'standards'].flatMap((d) => fs.readdirSync(path.join(example, d)).map((f) => `${d}/${f}`)).sort();
    expect(files).toEqual(['policy/base.yaml', 'policy/billing.yaml', 'policy/monitoring.yaml', 'policy/shop.yaml', 'standards/org-baseline.yaml']);
    for (const f of files) {
      const doc = parse(fs.readFileSync(path.join(example, f), 'utf8'));
      const expected = doc.kind === 'PolicyFragment' ? `@org/${doc.metadata.owner}` : '@org/team-security';
      expect([f, ownerOf(f)]).toEqual([f, expected]);
    }
    expect(ownerOf('.github/workflows/microseg.yml')).toBe('@org/team-security');
    // The base's security owners are the team CODEOWNERS gives the base to.
    const base = parse(fs.readFileSync(path.join(example, 'policy/base.yaml'), 'utf8'));
    expect(base.ownership.security.map((t: string) => `@org/${t}`)).toContain(ownerOf('policy/base.yaml'));
  });

  test('the workflow validates, lints with the standards, checks the apply, verifies with the standards and runs terraform plan', () => {
    const wf = parse(fs.readFileSync(path.join(example, '.github/workflows/microseg.yml'), 'utf8'));
    const runs: string[] = wf.jobs.microseg.steps.map((s: { run?: string }) => s.run ?? '').filter(Boolean);
    const order = [
      /^npm ci$/,
      /microseg validate "\$POLICY"/,
      /microseg lint "\$POLICY" --standards "\$STANDARDS" --format sarif/,
      /microseg lint "\$POLICY" --standards "\$STANDARDS" --format github --fail-on error/,
      /microseg diff "\$POLICY" --base-ref .* --apply-check/,
      /microseg compile "\$POLICY" --target "\$TARGET"/,
      /microseg verify "\$POLICY" .* --standards "\$STANDARDS"/,
      /terraform plan/,
    ];
    let at = -1;
    for (const re of order) {
      const i = runs.findIndex((r, k) => k > at && re.test(r));
      expect([re.source, i > at]).toEqual([re.source, true]);
      at = i;
    }
    expect(wf.env).toEqual({ POLICY: 'policy', STANDARDS: 'standards/org-baseline.yaml', TARGET: 'aws' });
    expect(wf.on.pull_request.paths).toEqual(expect.arrayContaining(['policy/**', 'standards/**']));
  });
});

describe('the example validates, lints clean and means the single file', () => {
  test('validate and lint with the org standards exit 0, the standards given as a file or as a directory', async () => {
    expect((await run(['validate', 'examples/teams/policy'])).code).toBe(0);
    const file = await run(['lint', 'examples/teams/policy', '--standards', 'examples/teams/standards/org-baseline.yaml', '--format', 'json']);
    expect([file.code, file.err]).toEqual([0, '']);
    const dir = await run(['lint', 'examples/teams/policy', '--standards', 'examples/teams/standards', '--format', 'json']);
    expect([dir.code, dir.err]).toEqual([0, '']);
    expect(dir.out).toBe(file.out);
    expect(JSON.parse(file.out).findings.filter((f: { severity: string }) => f.severity !== 'info')).toEqual([]);
  });

  test('compiles to the same bytes as the equivalent single file on every cloud, and each verifies against the other', () => {
    const dirIr = resolve(loadPolicy(path.join(example, 'policy'), 'policy').policy!);
    const flatIr = resolve(loadPolicy(single).policy!);
    for (const t of ['aws', 'azure', 'gcp'] as const) {
      const a = loadBackend(t).compile(dirIr);
      const b = loadBackend(t).compile(flatIr);
      expect(JSON.stringify(a.terraform)).toBe(JSON.stringify(b.terraform));
      expect(verifyOutput(flatIr, t, a.terraform, a.identities).verdict).toBe('equivalent');
      expect(verifyOutput(dirIr, t, b.terraform, b.identities).verdict).toBe('equivalent');
    }
  });
});

describe('--standards given a directory', () => {
  const std = (name: string, body: string) => `apiVersion: microseg/v1\nkind: SegmentationStandards\nmetadata: {name: ${name}}\nstandards:\n${body}`;

  test('every document under it is read, in path order, and a broken standard is located in its own file', async () => {
    write('org/a-baseline.yaml', fs.readFileSync(path.join(example, 'standards/org-baseline.yaml'), 'utf8'));
    write('org/pci/no-shop-to-billing-db.yaml', std('pci', '  - {name: no-shop-to-billing-db, never: {from: {app: shop}, to: {segment: billing-db-prod}, services: [any]}}\n'));
    write('org/pci/no-billing-to-vpn.yaml', std('pci2', '  - {name: billing-never-reaches-dashboards, never: {from: {app: billing}, to: {app: monitoring}, services: [tcp/443]}}\n'));
    write('org/README.md', 'not a standards file: skipped\n');
    const ok = await run(['lint', 'examples/teams/policy', '--standards', path.join(tmp, 'org')]);
    expect([ok.code, ok.err]).toEqual([0, '']);
    // A standard the policy breaks: shop's web reaches its app on app-http, and a new standard forbids it.
    write('org/pci/z-web-app.yaml', std('strict', '  - {name: no-web-to-app, never: {from: {tier: web}, to: {tier: app}, services: [tcp/8080]}}\n'));
    const broken = await run(['lint', 'examples/teams/policy', '--standards', path.join(tmp, 'org')]);
    expect(broken.code).toBe(1);
    expect(broken.out + broken.err).toMatch(/policy\/shop\.yaml:\d+:\d+ error MS\d{4} .*no-web-to-app/);
  });

  test('a bad document in the directory is located in that file; an empty directory is a usage error', async () => {
    write('bad/x.yaml', std('x', '  - {name: bad, nevr: {from: {}, to: {}, services: [any]}}\n'));
    const r = await run(['lint', 'examples/teams/policy', '--standards', path.join(tmp, 'bad')]);
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/bad\/x\.yaml:5:\d+ error MS1100 unknown key 'nevr'/);
    fs.mkdirSync(path.join(tmp, 'empty'));
    const e = await run(['lint', 'examples/teams/policy', '--standards', path.join(tmp, 'empty')]);
    expect(e.code).toBe(2);
    expect(e.err).toMatch(/empty error MS0001 standards directory holds no \.yaml, \.yml or \.json file/);
  });
});

describe('the lifecycle commands read a policy directory', () => {
  const now = Math.floor(Date.now() / 1000) - 3600;
  const inventory = () =>
    write(
      'inventory.yaml',
      [
        'workloads:',
        '  - {name: shop-web-1, address: 10.10.1.10, labels: {env: prod, tier: web, app: shop}}',
        '  - {name: shop-app-1, address: 10.10.2.10, labels: {env: prod, tier: app, app: shop}}',
        '  - {name: billing-app-1, address: 10.10.12.10, labels: {env: prod, tier: app, app: billing}}',
        '  - {name: billing-db-1, address: 10.10.13.10, labels: {env: prod, tier: db, app: billing}}',
        '  - {name: monitoring-1, address: 10.10.30.10, labels: {env: prod, tier: ops, app: monitoring}}',
        '  - {name: stray-1, address: 10.10.99.10, labels: {env: prod}}',
      ].join('\n') + '\n',
    );
  const rec = (src: string, dst: string, sp: number, dp: number) => `2 123456789010 eni-0abc ${src} ${dst} ${sp} ${dp} 6 10 840 ${now} ${now + 60} ACCEPT OK`;
  const flows = () => write('flows.log', [rec('10.10.2.10', '10.10.12.10', 50000, 8443), rec('10.10.12.10', '10.10.13.10', 50001, 5432), rec('10.10.30.10', '10.10.1.10', 50002, 9200)].join('\n') + '\n');

  test('impact: coverage and segments by the fragments’ segments; a change in one fragment is the flows it changes', async () => {
    const inv = inventory();
    const r = await run(['impact', 'examples/teams/policy', '--inventory', inv, '--format', 'json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.coverage).toEqual({ managed: 5, total: 6, percent: 83.3 });
    expect(j.unmanaged.map((u: { name: string; reason: string }) => [u.name, u.reason])).toEqual([['stray-1', 'ambiguous']]);
    fs.cpSync(path.join(example, 'policy'), path.join(tmp, 'new'), { recursive: true });
    const f = path.join(tmp, 'new/billing.yaml');
    fs.writeFileSync(f, fs.readFileSync(f, 'utf8').replace('services: [billing-api]', 'services: [billing-api, tcp/9443]'));
    const d = await run(['impact', path.join(tmp, 'new'), '--base', 'examples/teams/policy', '--inventory', inv, '--format', 'json']);
    expect(d.code).toBe(0);
    expect(JSON.parse(d.out).changes).toEqual([{ from: 'shop-app-1', to: 'billing-app-1', fromSegment: 'shop-app-prod', toSegment: 'billing-app-prod', gained: ['tcp/9443'], lost: [] }]);
  });

  test('stale: each rule located in its own file with its team as owner', async () => {
    const r = await run(['stale', 'examples/teams/policy', '--flows', flows(), '--inventory', inventory(), '--format', 'json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    const used = j.used.map((u: { rule: string; owner?: string; location: string; hits: number }) => [u.rule, u.owner, u.location.replace(/:\d+:\d+$/, ''), u.hits]);
    expect(used).toEqual([
      ['billing-app-to-db', 'team-billing', 'examples/teams/policy/billing.yaml', 1],
      ['shop-calls-billing', 'team-billing', 'examples/teams/policy/billing.yaml', 1],
    ]);
    expect(j.stale.find((s: { rule: string }) => s.rule === 'internet-to-web')).toMatchObject({ owner: 'team-shop', location: expect.stringMatching(/^examples\/teams\/policy\/shop\.yaml:/) });
    expect(j.unattributed.acceptedNotAllowed).toBe(1);
  });

  test('discover --policy DIR proposes only what the directory does not allow, as a policy that validates', async () => {
    const r = await run(['discover', '--flows', flows(), '--inventory', inventory(), '--policy', 'examples/teams/policy']);
    expect(r.code).toBe(0);
    const doc = parse(r.out);
    const added = doc.rules.filter((x: { name: string }) => x.name.startsWith('discovered-'));
    expect(added).toEqual([{ name: 'discovered-ops-monitoring-to-web-shop', from: { env: 'prod', tier: 'ops', app: 'monitoring' }, to: { env: 'prod', tier: 'web', app: 'shop' }, services: ['tcp/9200'], description: 'observed: 1 segment pair' }]);
    const v = await run(['validate', write('proposed.yaml', r.out)]);
    expect(v.code).toBe(0);
  });

  test('drift: the directory’s output as applied is in sync; a hand-made rule is drift', async () => {
    const ir = resolve(loadPolicy(path.join(example, 'policy'), 'policy').policy!);
    const tf = loadBackend('gcp').compile(ir).terraform as Record<string, any>;
    const inSync = await run(['drift', 'examples/teams/policy', '--state', write('state.json', JSON.stringify(stateFromTerraform(tf))), '--target', 'gcp']);
    expect([inSync.code, inSync.err]).toEqual([0, '']);
    const hand = { type: 'google_compute_firewall', name: 'hand_ssh', values: { name: 'hand-ssh', network: 'teams', direction: 'INGRESS', priority: 100, source_ranges: ['0.0.0.0/0'], target_tags: [Object.values(tf.resource.google_compute_firewall as Record<string, any>).find((f) => f.target_tags)!.target_tags[0]], allow: [{ protocol: 'tcp', ports: ['22'] }] } };
    const drifted = await run(['drift', 'examples/teams/policy', '--state', write('state-hand.json', JSON.stringify(stateFromTerraform(tf, [hand]))), '--target', 'gcp', '--format', 'json']);
    expect(drifted.code).toBe(1);
    expect(JSON.parse(drifted.out).added.map((a: { address: string }) => a.address)).toEqual(['google_compute_firewall.hand_ssh']);
  });
});

describe('diff of a policy directory, for a pull-request comment reviewed by ownership', () => {
  test('changes are grouped by the file (and owner) of each rule, and each rule names its file', async () => {
    fs.cpSync(path.join(example, 'policy'), path.join(tmp, 'pr'), { recursive: true });
    const edit = (f: string, from: string, to: string) => {
      const p = path.join(tmp, 'pr', f);
      const text = fs.readFileSync(p, 'utf8');
      expect(text).toContain(from);
      fs.writeFileSync(p, text.replace(from, to));
    };
    edit('billing.yaml', 'services: [billing-api]', 'services: [billing-api, tcp/9443]');
    edit('shop.yaml', 'services: [app-http]', 'services: [app-http, tcp/9090]');
    const j = await run(['diff', 'examples/teams/policy', path.join(tmp, 'pr'), '--format', 'json']);
    expect(j.code).toBe(0);
    const d = JSON.parse(j.out);
    const shown = (f: string) => f.replace(/^.*\/pr\//, 'pr/');
    expect(d.byFile.map((f: any) => [shown(f.file), f.owner, f.kind, f.rules, f.flowsAdded, f.flowsRemoved])).toEqual([
      ['pr/billing.yaml', 'team-billing', 'PolicyFragment', ['shop-calls-billing'], 1, 0],
      ['pr/shop.yaml', 'team-shop', 'PolicyFragment', ['web-to-app'], 2, 0],
    ]);
    expect(d.byRule.map((r: any) => [r.name, shown(r.file)])).toEqual([['shop-calls-billing', 'pr/billing.yaml'], ['web-to-app', 'pr/shop.yaml']]);
    const md = await run(['diff', 'examples/teams/policy', path.join(tmp, 'pr'), '--format', 'markdown']);
    expect(md.out).toMatch(/<summary>By file<\/summary>[\s\S]*\| `[^`]*pr\/billing\.yaml` \| team-billing \| `shop-calls-billing` \| 1 \| 0 \|/);
    expect(md.out).toMatch(/\| rule `web-to-app` \| modified \| 2 \| 0 \| `[^`]*pr\/shop\.yaml` \|/);
    const text = await run(['diff', 'examples/teams/policy', path.join(tmp, 'pr')]);
    expect(text.out).toMatch(/By file:\n {2}\S*pr\/billing\.yaml \(team-billing\): shop-calls-billing: 1 added, 0 removed\n/);
    // A single file keeps its old layout: no "By file", though its rules carry the file too.
    const shop = fs.readFileSync(path.join(root, 'examples/shop/policy.yaml'), 'utf8');
    const edited = write('shop-pr.yaml', shop.replace('    services: [https]\n', '    services: [https, tcp/8443]\n'));
    const flat = await run(['diff', 'examples/shop/policy.yaml', edited, '--format', 'markdown']);
    expect(flat.out).toMatch(/<summary>By rule<\/summary>/);
    expect(flat.out).not.toMatch(/By file/);
    const flatJson = JSON.parse((await run(['diff', 'examples/shop/policy.yaml', edited, '--format', 'json'])).out);
    expect(flatJson.byFile).toEqual([{ file: edited, kind: 'SegmentationPolicy', rules: [flatJson.byRule[0].name], flowsAdded: flatJson.summary.flowsAdded, flowsRemoved: 0 }]);
  });
});

describe('graph and report show who owns each segment', () => {
  test('mermaid and dot name the owning team of every fragment segment; the base’s and single files’ show none', async () => {
    const m = await run(['graph', 'examples/teams/policy']);
    expect(m.code).toBe(0);
    expect(m.out).toContain('seg_billing_db_prod["billing-db-prod<br/><small>team-billing</small>"]');
    expect(m.out).toContain('seg_monitoring["monitoring<br/><small>team-platform</small>"]');
    expect(m.out.match(/<small>team-shop<\/small>/g)).toHaveLength(5);
    const d = await run(['graph', 'examples/teams/policy', '--format', 'dot']);
    expect(d.out).toMatch(/seg_billing_app_prod \[[^\n]*owner team-billing/);
    const flat = await run(['graph', 'examples/shop/policy.yaml']);
    expect(flat.out).not.toMatch(/<small>/);
  });

  test('the HTML report puts the owner beside each segment and rule', async () => {
    const out = path.join(tmp, 'report.html');
    const r = await run(['report', 'examples/teams/policy', '--out', out]);
    expect(r.code).toBe(0);
    const html = fs.readFileSync(out, 'utf8');
    expect(html).toMatch(/id="seg-billing-db-prod"><summary><b>billing-db-prod<\/b>[^\n]*<span class="muted owner">owner team-billing<\/span>/);
    expect(html.match(/class="muted owner"/g)).toHaveLength(8);
  });
});
