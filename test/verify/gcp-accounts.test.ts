/**
 * Service-account emails in the output's project variable (targets.gcp.project
 * unset): one unknown project for every email of the document, so the
 * verifier reads them by text and proves the output equivalent; where some
 * value of a variable could make two accounts one, it still refuses (MS7010).
 */
import * as fs from 'fs';
import * as path from 'path';
import { SegmentationPolicy } from '../../lib/model/policy';
import { resolve } from '../../lib/resolve/resolve';
import { loadBackend } from '../../lib/targets/registry';
import { verifyOutput } from '../../lib/verify';

const root = path.join(__dirname, '../..');
const text = fs.readFileSync(path.join(root, 'examples/shop/policy.yaml'), 'utf8').replace('    project: shop-prod-123\n', '    identity: service-accounts\n');
const ir = resolve(SegmentationPolicy.fromSource(text, 'shop-sa.yaml'));
const out = loadBackend('gcp').compile(ir);
const copy = <T>(x: T): T => JSON.parse(JSON.stringify(x));
const firewalls = (tf: any): Record<string, any> => tf.resource.google_compute_firewall;
const EMAIL = 'shop-shop-db-prod@${var.gcp_project}.iam.gserviceaccount.com';

describe('GCP service accounts in the project variable', () => {
  it('the output names them so (the case this reading is for)', () => {
    expect(out.terraform.variable).toHaveProperty('gcp_project');
    expect(JSON.stringify(out.terraform)).toContain(EMAIL);
    expect(out.identities.segments['shop-db-prod'].serviceAccounts).toEqual([EMAIL]);
  });

  it('is verified equivalent: one project throughout', () => {
    const r = verifyOutput(ir, 'gcp', out.terraform, out.identities);
    expect(r.issues.filter((i) => i.severity === 'error')).toEqual([]);
    expect([r.verdict, r.mismatchCount]).toEqual(['equivalent', 0]);
  });

  it('still finds a mismatch by those emails: a rule retargeted to another account', () => {
    const tf = copy(out.terraform);
    const f = Object.values(firewalls(tf)).find((x: any) => x.direction === 'INGRESS' && x.allow && (x.target_service_accounts ?? []).includes(EMAIL)) as any;
    f.target_service_accounts = f.target_service_accounts.map((e: string) => (e === EMAIL ? e.replace('shop-db-prod', 'shop-db-staging') : e));
    const r = verifyOutput(ir, 'gcp', tf, out.identities);
    expect(r.verdict).toBe('not-equivalent');
  });

  it('a variable the output does not declare is unreadable', () => {
    const tf = copy(out.terraform);
    delete tf.variable.gcp_project;
    const r = verifyOutput(ir, 'gcp', tf, out.identities);
    expect(r.verdict).toBe('inconclusive');
    expect(r.issues.map((i) => i.message).join('\n')).toContain('the output declares no variable gcp_project');
  });

  it('the same account id in another variable, or a literal email that one value makes equal, is unreadable', () => {
    for (const twin of ['shop-shop-db-prod@${var.other_project}.iam.gserviceaccount.com', 'shop-shop-db-prod@shop-prod-123.iam.gserviceaccount.com', '${google_service_account.db.email}']) {
      const tf = copy(out.terraform);
      tf.variable.other_project = { type: 'string' };
      const f = Object.entries(firewalls(tf)).find(([, x]: any) => (x.target_service_accounts ?? []).includes(EMAIL))!;
      f[1].target_service_accounts = [...f[1].target_service_accounts, twin];
      const r = verifyOutput(ir, 'gcp', tf, out.identities);
      expect(r.verdict).toBe('inconclusive');
      expect(r.issues).toContainEqual(expect.objectContaining({ code: 'MS7010', message: expect.stringContaining(`may be the same account for some value of var.gcp_project`) }));
    }
  });

  it('a literal email of the same id in another domain cannot be equal: still equivalent where it changes nothing', () => {
    const tf = copy(out.terraform);
    const ids = copy(out.identities) as any;
    // An extra account on a segment's workloads and on every rule that targets that segment: the same flows.
    const extra = 'shop-shop-db-prod@elsewhere.example.com';
    ids.segments['shop-db-prod'].serviceAccounts.push(extra);
    const r = verifyOutput(ir, 'gcp', tf, ids);
    expect(r.issues.filter((i) => i.severity === 'error')).toEqual([]);
    expect(r.verdict).toBe('equivalent');
  });
});
