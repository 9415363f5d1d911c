/**
 * GcpSegmentation and the backend: the spec example's synthesized output
 * (versions stubbed), identities, the public API, tokens as props.
 */
import { reviewable } from '../../support/reviewable';
import { ComputeNetwork } from '@cdktf/provider-google/lib/compute-network';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { TerraformVariable } from 'cdktf';
import * as path from 'path';
import { formatDiagnostic } from '../../../lib/model/diagnostics';
import { SegmentationPolicy } from '../../../lib/model/policy';
import { resolve } from '../../../lib/resolve/resolve';
import { backend } from '../../../lib/targets/gcp';
import { GcpSegmentation } from '../../../lib/constructs/gcp';
import { loadBackend } from '../../../lib/targets/registry';
import { serialiseTerraform, stubVersions, synthStack } from '../../../lib/constructs/synth';

const file = path.join(__dirname, '../../fixtures/good/spec-example.yaml');
const policy = SegmentationPolicy.fromFile(file);
const ir = resolve(policy);

test('the spec example compiles to the pinned Terraform JSON and identities', () => {
  const out = backend.compile(ir);
  // No IPv6 halves for shop-web-prod (10.1.0.0/24 only): internet-to-web ingress and web-to-app egress are IPv4 only.
  expect(out.stats).toEqual({ resources: 13, rules: 13, identities: 4 });
  expect(out.identities).toEqual({
    apiVersion: 'microseg/v1',
    policy: 'shop',
    target: 'gcp',
    segments: {
      'shop-app-prod': { networkTags: ['shop-shop-app-prod'] },
      'shop-app-staging': { networkTags: ['shop-shop-app-staging'] },
      'shop-db-prod': { networkTags: ['shop-shop-db-prod'] },
      'shop-web-prod': { networkTags: ['shop-shop-web-prod'] },
    },
  });
  expect(out.notes.map((n) => formatDiagnostic(n).replace(file, 'spec-example.yaml'))).toMatchSnapshot('notes');
  expect(reviewable(stubVersions(out.terraform))).toMatchSnapshot('cdk.tf.json');
  // Same policy, same bytes.
  expect(serialiseTerraform(backend.compile(ir).terraform)).toBe(serialiseTerraform(out.terraform));
});

/** The firewall 0.1.0 named `old` (after its rule), found through the moved block to today's address. */
function firewallOnceNamed(tf: Record<string, any>, old: string): Record<string, any> {
  const m = (tf.moved as { from: string; to: string }[]).find((x) => x.from === `google_compute_firewall.${old}`);
  if (!m) throw new Error(`no moved block from ${old}`);
  return tf.resource.google_compute_firewall[m.to.slice('google_compute_firewall.'.length)];
}

test('missing project and network become Terraform variables; declared ones are used', () => {
  const out = backend.compile(ir);
  expect(Object.keys(out.terraform.variable)).toEqual(['gcp_network', 'gcp_project']);
  const fw = firewallOnceNamed(out.terraform, 'shop-web-to-app-in-id');
  expect(fw).toMatchObject({ network: '${var.gcp_network}', project: '${var.gcp_project}', source_tags: ['shop-shop-web-prod'], target_tags: ['shop-shop-app-prod'] });
  expect(out.notes.filter((n) => n.code === 'MS6103')).toHaveLength(2);

  const doc = JSON.parse(JSON.stringify(policy.doc));
  doc.targets = { gcp: { project: 'shop-prod-123', network: 'projects/shop-prod-123/global/networks/main', identity: 'serviceAccounts' } };
  const ir2 = resolve(SegmentationPolicy.fromObject(doc));
  const out2 = loadBackend('gcp').compile(ir2);
  expect(out2.terraform.variable).toBeUndefined();
  expect(out2.terraform.provider.google).toEqual([{ project: 'shop-prod-123' }]);
  const fw2 = firewallOnceNamed(out2.terraform, 'shop-web-to-app-in-id');
  expect(fw2).toMatchObject({
    network: 'projects/shop-prod-123/global/networks/main',
    source_service_accounts: ['shop-shop-web-prod@shop-prod-123.iam.gserviceaccount.com'],
    target_service_accounts: ['shop-shop-app-prod@shop-prod-123.iam.gserviceaccount.com'],
  });
  expect(fw2.source_tags).toBeUndefined();
  expect(out2.identities.segments['shop-db-prod']).toEqual({ serviceAccounts: ['shop-shop-db-prod@shop-prod-123.iam.gserviceaccount.com'] });
});

test('construct API: tokens as props, networkTag, serviceAccount, identities', () => {
  let seg: GcpSegmentation | undefined;
  let sa: GcpSegmentation | undefined;
  const tf = synthStack('app', (stack) => {
    new GoogleProvider(stack, 'google', {});
    const project = new TerraformVariable(stack, 'project', { type: 'string' }).stringValue;
    const net = new ComputeNetwork(stack, 'net', { name: 'main', autoCreateSubnetworks: false });
    // Two segmentations of one policy in one stack (and service-account emails made of a variable): nothing the verifier can judge.
    seg = new GcpSegmentation(stack, 'seg', { policy, network: net.id, namePrefix: 'prod', verify: false });
    sa = new GcpSegmentation(stack, 'sa', { policy, network: net.id, project, namePrefix: 'sa', identity: 'serviceAccounts', verify: false });
  });
  expect(seg!.networkTag('shop-web-prod')).toBe('prod-shop-web-prod');
  expect(() => seg!.serviceAccount('shop-web-prod')).toThrow(/network tags/);
  expect(() => seg!.networkTag('nope')).toThrow(/unknown segment/);
  // The project is a token: the email embeds it and resolves at synth.
  expect(sa!.serviceAccount('shop-db-prod')).toMatch(/^sa-shop-db-prod@\$\{TfToken\[TOKEN\.\d+\]\}\.iam\.gserviceaccount\.com$/);
  expect(firewallOnceNamed(tf, 'prod-web-to-app-in-id').network).toBe('${google_compute_network.net.id}');
  expect(firewallOnceNamed(tf, 'sa-web-to-app-in-id').target_service_accounts).toEqual(['sa-shop-app-prod@${var.project}.iam.gserviceaccount.com']);
  expect(seg!.identities.segments['shop-app-staging']).toEqual({ networkTags: ['prod-shop-app-staging'] });
  expect(seg!.emission.firewalls.size).toBe(13);
});
