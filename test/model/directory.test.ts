import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { formatDiagnostic } from '../../lib/model/diagnostics';
import { checkPolicySources, loadPolicy } from '../../lib/model/policy';
import { resolve } from '../../lib/resolve/resolve';
import { diffPolicies } from '../../lib/analysis/diff';

const root = path.join(__dirname, '../../examples/teams');
const dir = path.join(root, 'policy');
const files = () => fs.readdirSync(dir).sort().map((f) => ({ file: `policy/${f}`, text: fs.readFileSync(path.join(dir, f), 'utf8') }));
const errors = (r: { diagnostics: readonly { severity: string }[] }) => r.diagnostics.filter((d) => d.severity === 'error').map((d) => formatDiagnostic(d as never));
const withFile = (name: string, text: string, drop?: string) => checkPolicySources('policy', [...files().filter((f) => f.file !== `policy/${drop ?? name}`), { file: `policy/${name}`, text }].sort((a, b) => (a.file < b.file ? -1 : 1)));

describe('policy directory', () => {
  it('the example directory validates, with every part located in its own file', () => {
    const r = loadPolicy(dir, 'policy');
    expect(errors(r)).toEqual([]);
    const p = r.policy!;
    expect(p.sources.map((s) => [s.file, s.kind, s.owner])).toEqual([
      ['policy/base.yaml', 'SegmentationPolicy', undefined],
      ['policy/billing.yaml', 'PolicyFragment', 'team-billing'],
      ['policy/monitoring.yaml', 'PolicyFragment', 'team-platform'],
      ['policy/shop.yaml', 'PolicyFragment', 'team-shop'],
    ]);
    const ir = resolve(p);
    expect(ir.rule('shop-calls-billing').origin.location?.file).toBe('policy/billing.yaml');
    expect(ir.rule('shop-calls-billing').origin.owner).toBe('team-billing');
    expect(ir.rule('app-dns').origin.location?.file).toBe('policy/base.yaml');
    expect(ir.segment('monitoring').location).toEqual({ file: 'policy/monitoring.yaml', line: 11, col: 11 });
    expect(ir.segments).toHaveLength(8);
    expect(ir.rules).toHaveLength(12);
  });

  it('means exactly what the equivalent single file means', () => {
    const dirIr = resolve(loadPolicy(dir, 'policy').policy!);
    const flat = loadPolicy(path.join(__dirname, '../fixtures/teams-single-file.yaml'));
    expect(errors(flat)).toEqual([]);
    const d = diffPolicies(resolve(flat.policy!), dirIr);
    expect(d.changes).toEqual([]);
    expect(d.byRule.every((r) => r.change === 'unchanged')).toBe(true);
    expect(d.byRule).toEqual([]);
    expect(resolve(flat.policy!).rules.map((r) => r.origin.name)).toEqual(dirIr.rules.map((r) => r.origin.name));
  });

  it('a directory holding only a base means that base', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'msdir-'));
    fs.copyFileSync(path.join(__dirname, '../../examples/shop/policy.yaml'), path.join(tmp, 'policy.yaml'));
    const a = loadPolicy(tmp, 'dir');
    const b = loadPolicy(path.join(__dirname, '../../examples/shop/policy.yaml'), 'dir/policy.yaml');
    expect(errors(a)).toEqual([]);
    expect(a.policy!.doc).toEqual(b.policy!.doc);
    expect(a.diagnostics).toEqual(b.diagnostics);
    fs.rmSync(tmp, { recursive: true });
  });

  it('a rule granting ingress outside its scope is a located error in the fragment', () => {
    const text = fs.readFileSync(path.join(dir, 'billing.yaml'), 'utf8').replace('to: {segment: billing-db-prod}', 'to: {segment: shop-db-prod}');
    const r = withFile('billing.yaml', text);
    expect(errors(r)).toEqual([expect.stringMatching(/^policy\/billing\.yaml:27:9 error MS1306 rule 'billing-app-to-db' grants ingress into 'shop-db-prod', outside scope \{app: billing\}/)]);
    expect(r.policy).toBeUndefined();
  });

  it('egress to externals from outside the scope, and a segment outside the scope, are errors', () => {
    let text = fs.readFileSync(path.join(dir, 'billing.yaml'), 'utf8').replace("  - name: billing-to-payment-gateway\n    from: {segment: billing-app-prod}", "  - name: billing-to-payment-gateway\n    from: {tier: app}");
    text = text.replace('labels: {env: prod, tier: db, app: billing}', 'labels: {env: prod, tier: db, app: shop}');
    const e = errors(withFile('billing.yaml', text));
    expect(e.some((x) => /^policy\/billing\.yaml:\d+:\d+ error MS1307 rule 'billing-to-payment-gateway' grants egress to externals from 'shop-app-prod', 'shop-app-staging'/.test(x))).toBe(true);
    expect(e.some((x) => /^policy\/billing\.yaml:11:13 error MS1305 segment 'billing-db-prod' is outside scope/.test(x))).toBe(true);
  });

  it('a guardrail is allowed in a fragment only when its owner is security', () => {
    const g = "guardrails:\n  - name: billing-deny\n    action: deny\n    from: {env: staging}\n    to: {app: billing}\n    services: [any]\n";
    const text = fs.readFileSync(path.join(dir, 'billing.yaml'), 'utf8') + g;
    expect(errors(withFile('billing.yaml', text))).toEqual([expect.stringMatching(/^policy\/billing\.yaml:34:5 error MS1308 guardrail 'billing-deny' in fragment 'billing' owned by 'team-billing': only owners listed in the base's ownership.security \(team-security\)/)]);
    const sec = errors(withFile('billing.yaml', text.replace('owner: team-billing', 'owner: team-security')));
    expect(sec).toEqual([]);
  });

  it('a name declared in two files is one error naming both', () => {
    const text = fs.readFileSync(path.join(dir, 'shop.yaml'), 'utf8').replace('rules:\n', 'externals:\n  - name: payment-gateway\n    cidrs: [203.0.113.0/24]\nservices:\n  billing-api: [tcp/9443]\nrules:\n');
    const e = errors(withFile('shop.yaml', text));
    expect(e).toEqual([
      expect.stringMatching(/^policy\/shop\.yaml:\d+:\d+ error MS1304 segment or external 'payment-gateway' is also declared at policy\/billing\.yaml:14:11/),
      expect.stringMatching(/^policy\/shop\.yaml:\d+:\d+ error MS1304 service 'billing-api' is also declared at policy\/billing\.yaml:18:3/),
    ]);
  });

  it('validation errors inside a fragment are located in the fragment', () => {
    const text = fs.readFileSync(path.join(dir, 'shop.yaml'), 'utf8').replace('to: {tier: db, app: shop}', 'to: {tier: dbb, app: shop}').replace('sameLabels: [env]\n  - name: shop', 'sameLabel: [env]\n  - name: shop');
    const e = errors(withFile('shop.yaml', text));
    expect(e).toEqual([expect.stringMatching(/^policy\/shop\.yaml:\d+:\d+ error MS1100 unknown key 'sameLabel' in rules\[2\] \(did you mean 'sameLabels'\?\)$/), expect.stringMatching(/^policy\/shop\.yaml:\d+:\d+ error MS1001 unknown label value 'dbb' for 'tier' \(did you mean 'db'\?\)/)]);
  });

  it('no base, two bases, an unknown kind and an empty directory are errors', () => {
    expect(errors(checkPolicySources('policy', files().filter((f) => !f.file.endsWith('base.yaml'))))).toEqual([expect.stringMatching(/MS1301 policy directory policy has no document of kind SegmentationPolicy/)]);
    const base = files().find((f) => f.file.endsWith('base.yaml'))!;
    expect(errors(checkPolicySources('policy', [...files(), { file: 'policy/zz.yaml', text: base.text }]))).toEqual([expect.stringMatching(/^policy\/zz\.yaml:7:7 error MS1302 a second SegmentationPolicy in the directory: the base is policy\/base.yaml/)]);
    expect(errors(checkPolicySources('policy', [...files(), { file: 'policy/zz.yaml', text: 'apiVersion: microseg/v1\nkind: PolicyFragmnet\n' }]))).toEqual([expect.stringMatching(/^policy\/zz\.yaml:2:7 error MS1201 kind 'PolicyFragmnet' is not one of .* \(did you mean 'PolicyFragment'\?\)/)]);
    expect(errors(checkPolicySources('policy', []))).toEqual([expect.stringMatching(/MS1301 policy directory policy holds no .yaml/)]);
  });
});
