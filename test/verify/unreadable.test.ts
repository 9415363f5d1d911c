/**
 * The verifier is the judge: where it cannot read part of an output, it must
 * say so (inconclusive, MS7010 located at the unreadable rule), never report
 * the mismatches its own blindness causes as NOT EQUIVALENT. Each reader
 * drops a rule it cannot read; the flows that rule decided then look wrong.
 */
import * as path from 'path';
import { SegmentationPolicy } from '../../lib/model/policy';
import { TargetName } from '../../lib/model/targets';
import { resolve } from '../../lib/resolve/resolve';
import { loadBackend } from '../../lib/targets/registry';
import { verifyOutput } from '../../lib/verify';
import { formatVerifySarif, formatVerifyText } from '../../lib/verify/report';

const root = path.join(__dirname, '../..');
const policy = (file: string) => resolve(SegmentationPolicy.fromFile(path.join(root, file)));
const shop = policy('examples/shop/policy.yaml');
/** The shop's corporate VPN; the Kubernetes shop (NetworkPolicy cannot write the shop's ICMP) has its own. */
const CASES: [TargetName, ReturnType<typeof policy>, string][] = [
  ['aws', shop, '192.168.100.0/22'],
  ['azure', shop, '192.168.100.0/22'],
  ['gcp', shop, '192.168.100.0/22'],
  ['kubernetes', policy('examples/kubernetes-shop/policy.yaml'), '10.200.0.0/16'],
];

/** Every string equal to `from` anywhere in a value, replaced by `to`. */
function replaceDeep(v: any, from: string, to: string): any {
  if (typeof v === 'string') return v === from ? to : v;
  if (Array.isArray(v)) return v.map((x) => replaceDeep(x, from, to));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, replaceDeep(x, from, to)]));
  return v;
}

describe.each(CASES)('%s: a rule whose peer address is a Terraform expression', (target, ir, VPN) => {
  const out = loadBackend(target).compile(ir);
  const tf = JSON.parse(JSON.stringify(out.terraform));
  // The first rule resource (in address order) admitting the corporate VPN: its range becomes `${var.vpn_range}`.
  const [type, name] = Object.entries(tf.resource as Record<string, Record<string, any>>)
    .flatMap(([t, byName]) => Object.keys(byName).sort().map((n) => [t, n]))
    .find(([t, n]) => !/security_group$|network_security_group$/.test(t) && JSON.stringify(tf.resource[t][n]).includes(`"${VPN}"`))!;
  tf.resource[type][name] = replaceDeep(tf.resource[type][name], VPN, '${var.vpn_range}');
  const r = verifyOutput(ir, target, tf, out.identities);

  it('the untouched output is equivalent (the edit alone makes the difference)', () => {
    expect(verifyOutput(ir, target, out.terraform, out.identities).verdict).toBe('equivalent');
  });

  it('is inconclusive with MS7010 at that rule, though the part read mismatches', () => {
    // Without the unreadable rule the VPN's flows look closed: the mismatches are the verifier's blindness.
    expect(r.mismatchCount).toBeGreaterThan(0);
    expect(r.verdict).toBe('inconclusive');
    expect(r.issues).toContainEqual(expect.objectContaining({ code: 'MS7010', severity: 'error', resource: `${type}.${name}` }));
  });

  it('says so in text and SARIF: the mismatches are warnings the unread parts may explain', () => {
    const text = formatVerifyText([r]);
    expect(text).toMatch(new RegExp(`^${target}: INCONCLUSIVE: parts of the output could not be evaluated; ${r.mismatchCount} flow class(es)? differs? on the part read`, 'm'));
    expect(text).not.toContain('NOT EQUIVALENT');
    expect(text).toMatch(/^ {2}warning MS700[12] /m);
    expect(text).not.toMatch(/^ {2}error MS700[12] /m);
    const sarif = JSON.parse(formatVerifySarif([r]));
    const levels = new Set(sarif.runs[0].results.filter((x: any) => /^MS700[12]$/.test(x.ruleId)).map((x: any) => x.level));
    expect([...levels]).toEqual(['warning']);
  });
});

describe('kubernetes: a label value or namespace that is a Terraform expression is not read as a literal', () => {
  const ir = CASES[3][1];
  const out = loadBackend('kubernetes').compile(ir);
  const policies = (tf: any): [string, any][] => Object.entries(tf.resource.kubernetes_network_policy_v1 as Record<string, any>).sort(([a], [b]) => (a < b ? -1 : 1));
  /** A block written as an object or a one-element list, as Terraform JSON allows. */
  const one = (v: any) => (Array.isArray(v) ? v[0] : v);
  const edits: [string, (p: any) => void][] = [
    ['pod_selector label', (p) => {
      const ml = one(one(p.spec).pod_selector).match_labels;
      ml[Object.keys(ml)[0]] = '${var.tier}';
    }],
    ['metadata.namespace', (p) => (one(p.metadata).namespace = '${var.namespace}')],
  ];
  it.each(edits)('%s: MS7010 at the policy, inconclusive', (_what, edit) => {
    const tf = JSON.parse(JSON.stringify(out.terraform));
    const [name, p] = policies(tf)[0];
    edit(p);
    const r = verifyOutput(ir, 'kubernetes', tf, out.identities);
    expect(r.verdict).toBe('inconclusive');
    expect(r.issues).toContainEqual(expect.objectContaining({ code: 'MS7010', resource: `kubernetes_network_policy_v1.${name}` }));
  });
});

describe('an inline block the reader cannot read is reported, never dropped in silence', () => {
  const compiled = (target: TargetName) => {
    const out = loadBackend(target).compile(shop);
    return { out, tf: JSON.parse(JSON.stringify(out.terraform)) };
  };
  const first = (tf: any, type: string) => Object.keys(tf.resource[type]).sort()[0];

  it.each([
    ['an AWS ingress block that is an expression', 'aws', 'aws_security_group', (b: any) => ({ ...b, ingress: ['${var.extra_ingress}'] })],
    ['an AWS ingress block whose self is an expression', 'aws', 'aws_security_group', (b: any) => ({ ...b, ingress: [{ protocol: 'tcp', from_port: 9, to_port: 9, self: '${var.self}' }] })],
    ['an Azure security_rule that is an expression', 'azure', 'azurerm_network_security_group', (b: any) => ({ ...b, security_rule: ['${var.extra_rule}'] })],
  ] as const)('%s: inconclusive, MS7010 at the resource', (_what, target, type, edit) => {
    const { out, tf } = compiled(target);
    const name = first(tf, type);
    tf.resource[type][name] = edit(tf.resource[type][name]);
    const r = verifyOutput(shop, target, tf, out.identities);
    // Before: the block was skipped and the output called equivalent, though it may admit anything.
    expect(r.verdict).toBe('inconclusive');
    expect(r.issues).toContainEqual(expect.objectContaining({ code: 'MS7010', severity: 'error', resource: `${type}.${name}` }));
  });
});
