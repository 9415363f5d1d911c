/**
 * The compiled GCP output, evaluated the way GCP does (implied rules
 * included), allows exactly the flows the policy means, up to the one
 * deviation the spec permits on GCP (egress towards a segment by its addresses).
 */
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import * as path from 'path';
import { SegmentationPolicy } from '../../../lib/model/policy';
import { resolve } from '../../../lib/resolve/resolve';
import { backend } from '../../../lib/targets/gcp';
import { GcpSegmentation } from '../../../lib/constructs/gcp';
import { synthStack } from '../../../lib/constructs/synth';
import { verifyOutput } from '../../../lib/verify';
import { checkExactness } from './exactness';

const fixture = (f: string) => path.join(__dirname, '../../fixtures', f);

describe.each([['good/spec-example.yaml'], ['gcp/mixed.yaml']])('%s', (file) => {
  const ir = resolve(SegmentationPolicy.fromFile(fixture(file)));

  test('tags: exact up to the permitted egress deviation', () => {
    const out = backend.compile(ir);
    const r = checkExactness(ir, out.terraform, out.identities);
    expect(r.mismatches).toEqual([]);
    expect(r.probes).toBeGreaterThan(10000);
    // The project's verifier (lib/verify) agrees.
    const v = verifyOutput(ir, 'gcp', out.terraform, out.identities);
    expect([v.verdict, v.mismatchCount]).toEqual(['equivalent', 0]);
  });

  test('service accounts: exact up to the permitted egress deviation', () => {
    let seg: GcpSegmentation | undefined;
    const tf = synthStack('t', (stack) => {
      new GoogleProvider(stack, 'google', {});
      seg = new GcpSegmentation(stack, 'gcp', { policy: ir, network: 'net', project: 'proj-1', identity: 'serviceAccounts' });
    });
    const r = checkExactness(ir, tf, seg!.identities);
    expect(r.mismatches).toEqual([]);
  });
});

test('the checker fails when the egress default deny is dropped (it can fail)', () => {
  const ir = resolve(SegmentationPolicy.fromFile(fixture('good/spec-example.yaml')));
  const out = backend.compile(ir);
  const tf = JSON.parse(JSON.stringify(out.terraform));
  for (const k of Object.keys(tf.resource.google_compute_firewall)) if (k.includes('default-deny-eg')) delete tf.resource.google_compute_firewall[k];
  const r = checkExactness(ir, tf, out.identities, { limit: 1 });
  expect(r.mismatches.length).toBe(1);
  expect(r.mismatches[0]).toMatchObject({ output: true, meaning: false });
});

test('the checker fails when a deny guardrail is dropped', () => {
  const ir = resolve(SegmentationPolicy.fromFile(fixture('gcp/mixed.yaml')));
  const out = backend.compile(ir);
  const tf = JSON.parse(JSON.stringify(out.terraform));
  const fws = tf.resource.google_compute_firewall;
  const deny = Object.keys(fws).filter((k) => fws[k].description.includes('dev-not-prod') && fws[k].deny);
  expect(deny).toHaveLength(1);
  delete fws[deny[0]];
  const r = checkExactness(ir, tf, out.identities, { limit: 1 });
  expect(r.mismatches.length).toBe(1);
});
