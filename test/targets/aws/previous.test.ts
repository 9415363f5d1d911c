/**
 * Compiling with the previous output (`compile --previous`, the construct's
 * `previous`): a segment keeps every own group that output had, so an edit
 * that needs fewer groups empties a group instead of destroying it while
 * workloads carry it; `release` destroys the ones already released.
 */
import * as fs from 'fs';
import YAML from 'yaml';
import { checkTargetApply } from '../../../lib/analysis/apply-check';
import { compileTargets } from '../../../lib/cli/compile-targets';
import { ResolvedPolicy } from '../../../lib/resolve/ir';
import { groupAddress, keptGroups } from '../../../lib/targets/aws';
import { IdentitiesFile, TargetOutput } from '../../../lib/targets/target';
import { serialiseTerraform } from '../../../lib/targets/serialise';
import { verifyOutput } from '../../../lib/verify';
import { applyEdit } from '../../analysis/apply-check/edits';
import { irOf, TARGETS } from '../../analysis/apply-check/helpers';
import { SPEC_EXAMPLE } from './helpers';

const base = { ...YAML.parse(fs.readFileSync(SPEC_EXAMPLE, 'utf8')), targets: TARGETS };
// Widening internet-to-web (https → https + tcp/9000) spills shop-web-prod's ingress into a second group.
const widened = applyEdit(base, 'widen', 0)!;
const narrowIr = irOf(base, 'old.yaml');
const wideIr = irOf(widened, 'new.yaml');

function aws(ir: ResolvedPolicy, previous?: TargetOutput, release = false, withTerraform = true): TargetOutput {
  const r = compileTargets(ir, ['aws'], {
    previous: previous ? new Map([['aws', previous.identities]]) : undefined,
    previousTerraform: previous && withTerraform ? new Map([['aws', previous.terraform]]) : undefined,
    release,
  });
  if (r.failed) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  return r.outputs[0];
}

const SECOND = groupAddress(['microseg'], 'shop-web-prod', 1);
const groupsOf = (o: TargetOutput) => Object.keys(o.terraform.resource.aws_security_group).map((n) => `aws_security_group.${n}`);
const rulesIn = (o: TargetOutput, group: string) =>
  ['aws_vpc_security_group_ingress_rule', 'aws_vpc_security_group_egress_rule'].flatMap((t) => Object.values<any>(o.terraform.resource[t] ?? {})).filter((r) => r.security_group_id === `\${${group}.id}`);

describe('an overflow group the previous output had stays, emptied', () => {
  const narrow = aws(narrowIr);
  const wide = aws(wideIr, narrow);
  const back = aws(narrowIr, wide);

  test('the widening needs a second group; the narrowing without --previous destroys it, with --previous keeps it', () => {
    expect(wide.identities.segments['shop-web-prod'].securityGroups).toContain(SECOND);
    expect(rulesIn(wide, SECOND).length).toBeGreaterThan(0);
    expect(groupsOf(narrow)).not.toContain(SECOND);
    expect(groupsOf(back)).toContain(SECOND);
    expect(rulesIn(back, SECOND)).toEqual([]);
  });

  test('identities.json: the kept group is no longer to attach, it is releasable; nothing else changes', () => {
    const e = back.identities.segments['shop-web-prod'];
    expect(e.securityGroups).toEqual(narrow.identities.segments['shop-web-prod'].securityGroups);
    expect(e.releasableSecurityGroups).toEqual([SECOND]);
    const others = (f: IdentitiesFile) => Object.entries(f.segments).filter(([s]) => s !== 'shop-web-prod');
    expect(others(back.identities)).toEqual(others(narrow.identities));
    expect(Object.values(narrow.identities.segments).some((x) => 'releasableSecurityGroups' in x)).toBe(false);
  });

  test('a note names the segment and the group, and says how to release it (MS4104)', () => {
    const notes = back.notes.filter((n) => n.code === 'MS4104');
    expect(notes.map((n) => n.message)).toEqual([expect.stringContaining('segment shop-web-prod keeps group shop-shop-web-prod.2 from the previous output')]);
    expect(notes[0].message).toContain('--release');
    expect(narrow.notes.some((n) => n.code === 'MS4104')).toBe(false);
  });

  test('still exact: the empty group admits nothing, and the verifier reads the same flows', () => {
    const v = verifyOutput(narrowIr, 'aws', back.terraform, back.identities);
    expect(v.issues).toEqual([]);
    expect(v.verdict).toBe('equivalent');
  });

  test('the apply check: the narrowing is safe with --previous, and was not without', () => {
    const kept = checkTargetApply(wideIr, narrowIr, wide, back);
    expect({ safe: kept.safe, destroyed: kept.identitiesDestroyed, dropped: kept.dropped }).toEqual({ safe: true, destroyed: [], dropped: 0 });
    const fresh = checkTargetApply(wideIr, narrowIr, wide, narrow);
    expect(fresh.identitiesDestroyed).toEqual([SECOND]);
    expect(fresh.safe).toBe(false);
  });

  test('kept again by the next compile; --release destroys it, which is safe because no workload needs it any more', () => {
    const again = aws(narrowIr, back);
    expect(serialiseTerraform(again.terraform)).toBe(serialiseTerraform(back.terraform));
    expect(again.identities).toEqual(back.identities);
    const released = aws(narrowIr, back, true);
    expect(serialiseTerraform(released.terraform)).toBe(serialiseTerraform(narrow.terraform));
    expect(released.identities).toEqual(narrow.identities);
    expect(checkTargetApply(narrowIr, narrowIr, back, released).safe).toBe(true);
    // --release never destroys a group the previous output listed as carried: that one is emptied first.
    expect(groupsOf(aws(narrowIr, wide, true))).toContain(SECOND);
  });

  test('widening again fills the kept group: it is to attach again, and the apply is safe', () => {
    const refill = aws(wideIr, back);
    expect(refill.identities.segments['shop-web-prod'].securityGroups).toContain(SECOND);
    expect(refill.identities.segments['shop-web-prod'].releasableSecurityGroups).toBeUndefined();
    expect(serialiseTerraform(refill.terraform)).toBe(serialiseTerraform(wide.terraform));
    expect(checkTargetApply(narrowIr, wideIr, back, refill).safe).toBe(true);
  });

  test('deterministic, and a previous output that needs nothing kept changes no byte', () => {
    expect(serialiseTerraform(aws(narrowIr, wide).terraform)).toBe(serialiseTerraform(back.terraform));
    expect(serialiseTerraform(aws(narrowIr, narrow).terraform)).toBe(serialiseTerraform(narrow.terraform));
    expect(serialiseTerraform(aws(wideIr, wide).terraform)).toBe(serialiseTerraform(wide.terraform));
  });
});

describe('rules stay in the group they were in (the previous cdk.tf.json)', () => {
  // shop-new: narrowing internet-to-web (https, http → https) frees room in shop-web-prod's primary group.
  const doc = { ...YAML.parse(fs.readFileSync(SPEC_EXAMPLE.replace('good/spec-example.yaml', 'diff/shop-new.yaml'), 'utf8')), targets: TARGETS };
  const before = irOf(doc, 'old.yaml');
  const after = irOf(applyEdit(doc, 'narrow', 0)!, 'new.yaml');
  const old = aws(before);
  const groupOfRule = (o: TargetOutput) =>
    new Map(['aws_vpc_security_group_ingress_rule', 'aws_vpc_security_group_egress_rule'].flatMap((t) => Object.entries<any>(o.terraform.resource[t] ?? {}).map(([n, r]) => [`${t}.${n}`, r.security_group_id] as const)));

  test('first fit pulls a rule of the second group into the freed room: for a moment the primary holds more than 60 (AWS refuses)', () => {
    const fresh = aws(after, old, false, false);
    const a = groupOfRule(old);
    const b = groupOfRule(fresh);
    expect([...b].filter(([k, g]) => a.has(k) && a.get(k) !== g)).toHaveLength(1);
    const r = checkTargetApply(before, after, old, fresh);
    expect(r.conflicts.map((c) => c.key)).toContainEqual(expect.stringMatching(/^more than 60 ingress IPv4 rules of group aws_security_group\.microseg_shop-web-prod_sg_/));
    expect(r.safe).toBe(false);
  });

  test('with the previous output no rule changes group, and the apply is safe; the way back too', () => {
    const kept = aws(after, old);
    const a = groupOfRule(old);
    expect([...groupOfRule(kept)].filter(([k, g]) => a.has(k) && a.get(k) !== g)).toEqual([]);
    expect(checkTargetApply(before, after, old, kept).safe).toBe(true);
    const back = aws(before, kept);
    expect(checkTargetApply(after, before, kept, back).safe).toBe(true);
    expect(verifyOutput(after, 'aws', kept.terraform, kept.identities).verdict).toBe('equivalent');
  });

  test('the previous output of the same policy changes no byte: every rule fits where it was', () => {
    expect(serialiseTerraform(aws(before, old).terraform)).toBe(serialiseTerraform(old.terraform));
  });
});

describe('keptGroups: exact addresses under the scope', () => {
  const f = (segments: IdentitiesFile['segments'], target: 'aws' | 'gcp' = 'aws'): IdentitiesFile => ({ apiVersion: 'microseg/v1', policy: 'p', target, segments });
  const a = (s: string, i: number, scope = ['microseg']) => groupAddress(scope, s, i);

  test('the highest own group listed, carried or releasable; release drops the releasable ones', () => {
    const prev = f({ web: { securityGroups: [a('web', 0), a('web', 1)], releasableSecurityGroups: [a('web', 2)] }, db: { securityGroups: [a('db', 0)] } });
    expect(keptGroups(prev, ['microseg'], ['web', 'db', 'new'])).toEqual(new Map([['web', 3], ['db', 1]]));
    expect(keptGroups(prev, ['microseg'], ['web', 'db'], true)).toEqual(new Map([['web', 2], ['db', 1]]));
  });

  test("another scope's, another segment's or another target's addresses keep nothing", () => {
    expect(keptGroups(f({ web: { securityGroups: [a('web', 1, ['seg'])] } }), ['microseg'], ['web'])).toEqual(new Map());
    expect(keptGroups(f({ web: { securityGroups: [a('db', 1)] } }), ['microseg'], ['web'])).toEqual(new Map());
    expect(keptGroups(f({ web: { securityGroups: [a('web', 1)] } }, 'gcp'), ['microseg'], ['web'])).toEqual(new Map());
    expect(keptGroups(undefined, ['microseg'], ['web'])).toEqual(new Map());
  });
});

describe('the construct: previous and release props', () => {
  // Imported here so the pure tests above load no CDKTF core.
  const { AwsSegmentation } = require('../../../lib/constructs/aws') as typeof import('../../../lib/constructs/aws');
  const { SegmentationPolicy } = require('../../../lib/model/policy') as typeof import('../../../lib/model/policy');
  const { synthStack } = require('../../../lib/constructs/synth') as typeof import('../../../lib/constructs/synth');
  const synth = (doc: Record<string, any>, previous?: IdentitiesFile, release?: boolean) => {
    let seg!: InstanceType<typeof AwsSegmentation>;
    const json = synthStack('app', (stack) => {
      seg = new AwsSegmentation(stack, 'seg', { policy: SegmentationPolicy.fromSource(YAML.stringify(doc), 'p.yaml'), vpcId: 'vpc-1', previous, release });
    });
    return { json, seg };
  };

  test('a group of the previous synth stays, emptied and releasable, under the construct scope; release ends it', () => {
    const wide = synth(widened);
    const back = synth(base, wide.seg.identities);
    const second = groupAddress(['seg'], 'shop-web-prod', 1);
    expect(wide.seg.identities.segments['shop-web-prod'].securityGroups).toContain(second);
    expect(Object.keys(back.json.resource.aws_security_group).map((n) => `aws_security_group.${n}`)).toContain(second);
    expect(back.seg.identities.segments['shop-web-prod'].releasableSecurityGroups).toEqual([second]);
    // What workloads attach leaves the kept group out.
    expect(back.seg.securityGroupIds('shop-web-prod')).toHaveLength(1);
    const released = synth(base, back.seg.identities, true);
    expect(Object.keys(released.json.resource.aws_security_group).map((n) => `aws_security_group.${n}`)).not.toContain(second);
    expect(JSON.stringify(released.json)).toBe(JSON.stringify(synth(base).json));
  });

  test('previousTerraform: the CLI placement under the construct scope (the synthesized JSON of the last synth)', () => {
    const wide = synth(widened);
    let seg!: InstanceType<typeof AwsSegmentation>;
    const json = synthStack('app', (stack) => {
      seg = new AwsSegmentation(stack, 'seg', { policy: SegmentationPolicy.fromSource(YAML.stringify(base), 'p.yaml'), vpcId: 'vpc-1', previous: wide.seg.identities, previousTerraform: wide.json });
    });
    const cli = aws(narrowIr, aws(wideIr, aws(narrowIr)));
    const placement = (j: Record<string, any>) => Object.values<any>(j.resource.aws_vpc_security_group_ingress_rule).map((r) => `${r.cidr_ipv4 ?? r.cidr_ipv6 ?? r.prefix_list_id ?? r.referenced_security_group_id} ${r.from_port} ${/_sg-2_/.test(r.security_group_id)}`).sort();
    expect(placement(json).length).toBeGreaterThan(0);
    expect(placement(json).map((x) => x.split(' ').slice(1).join(' '))).toEqual(placement(cli.terraform).map((x) => x.split(' ').slice(1).join(' ')));
    expect(seg.identities.segments['shop-web-prod'].releasableSecurityGroups).toHaveLength(1);
  });
});
