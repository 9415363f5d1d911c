/**
 * examples/shop/terraform-show.gcp.json: a ready-made `terraform show -json`
 * for the shop example, so docs/lifecycle.md's drift invocation runs as
 * written. Built deterministically from the compiled GCP output by the
 * generator the drift tests use, plus one rule "added in the console"
 * (ssh from anywhere to shop-web-prod). This test fails when the file is
 * stale; `UPDATE_EXAMPLES=1 npx jest test/analysis/lifecycle/shop-state`
 * rewrites it.
 */
import * as fs from 'fs';
import * as path from 'path';
import { loadPolicy } from '../../../lib/model/policy';
import { resolve } from '../../../lib/resolve/resolve';
import { loadBackend } from '../../../lib/targets/registry';
import { stateFromTerraform } from '../../fixtures/lifecycle/state';
import { run } from './helpers';

const root = path.join(__dirname, '../../..');
const stateFile = path.join(root, 'examples/shop/terraform-show.gcp.json');

function expectedState(): string {
  const { policy, diagnostics } = loadPolicy(path.join(root, 'examples/shop/policy.yaml'), 'examples/shop/policy.yaml');
  if (!policy) throw new Error(diagnostics.map((d) => d.message).join('\n'));
  const out = loadBackend('gcp').compile(resolve(policy));
  const firewalls = Object.values(((out.terraform as any).resource?.google_compute_firewall ?? {}) as Record<string, any>);
  const hand = {
    type: 'google_compute_firewall',
    name: 'hand_ssh',
    values: { name: 'hand-ssh', network: firewalls[0].network, direction: 'INGRESS', priority: 100, source_ranges: ['0.0.0.0/0'], target_tags: out.identities.segments['shop-web-prod'].networkTags, allow: [{ protocol: 'tcp', ports: ['22'] }], deny: [] },
  };
  return JSON.stringify(stateFromTerraform(out.terraform as any, [hand]), null, 2) + '\n';
}

test('the shop example state is what the generator makes from the compiled output (UPDATE_EXAMPLES=1 rewrites it)', () => {
  const want = expectedState();
  if (process.env.UPDATE_EXAMPLES) fs.writeFileSync(stateFile, want);
  expect(fs.readFileSync(stateFile, 'utf8')).toBe(want);
});

test("docs/lifecycle.md's drift example runs as written on it: the hand-added rule, and the flows it opens", async () => {
  const docs = fs.readFileSync(path.join(root, 'docs/lifecycle.md'), 'utf8');
  const cmd = /^npx microseg (drift examples\/shop\/policy\.yaml .*)$/m.exec(docs);
  expect(cmd).not.toBeNull();
  const r = await run(cmd![1].split(/\s+/), root);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(1);
  const rep = JSON.parse(r.stdout);
  expect(rep.added.map((a: { address: string }) => a.address)).toEqual(['google_compute_firewall.hand_ssh']);
  expect([rep.removed, rep.changed, rep.missingIdentities]).toEqual([[], [], []]);
  expect(rep.flows.count).toBeGreaterThan(0);
  expect(rep.flows.examples[0]).toMatchObject({ kind: 'too-open', service: 'tcp/22', to: { segment: 'shop-web-prod' } });
});

test('the text form counts with singular nouns', async () => {
  const r = await run(['drift', 'examples/shop/policy.yaml', '--state', 'examples/shop/terraform-show.gcp.json', '--target', 'gcp'], root);
  expect(r.stdout.trim().split('\n').pop()).toBe('gcp: drift: 1 added, 0 removed, 0 changed, 0 missing identities, 1 flow decided differently (not-equivalent)');
});
