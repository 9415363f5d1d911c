/** The AwsSegmentation construct and the `aws` back end: synthesized output, identities, determinism. */
import { reviewable } from '../../support/reviewable';
import * as fs from 'fs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TerraformOutput, TerraformVariable } from 'cdktf';
import { SegmentationPolicy } from '../../../lib/model/policy';
import { backend } from '../../../lib/targets/aws';
import { AwsSegmentation } from '../../../lib/constructs/aws';
import { serialiseTerraform, stubVersions, synthStack } from '../../../lib/constructs/synth';
import { loadFile, SPEC_EXAMPLE } from './helpers';
import { resolve } from '../../../lib/resolve/resolve';

describe('AwsSegmentation in a user stack', () => {
  let seg!: AwsSegmentation;
  const json = synthStack(
    'app',
    (stack) => {
      new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
      const vpc = new TerraformVariable(stack, 'vpc', { type: 'string' });
      const policy = SegmentationPolicy.fromSource(fs.readFileSync(SPEC_EXAMPLE, 'utf8'), SPEC_EXAMPLE);
      seg = new AwsSegmentation(stack, 'seg', { policy, vpcId: vpc.stringValue, namePrefix: 'x-', tags: { team: 'net', 'microseg:policy': 'ignored' } });
      new TerraformOutput(stack, 'app_groups', { value: seg.securityGroupIds('shop-app-prod') });
      new TerraformOutput(stack, 'db_group', { value: seg.securityGroupId('shop-db-prod') });
    },
  );
  const groups = json.resource.aws_security_group as Record<string, any>;

  test('one group per segment (two for the spread one), no inline rules, revoke on delete, tokens for the VPC', () => {
    expect(Object.values(groups).map((g) => g.name).sort()).toEqual(['x-shop-shop-app-prod', 'x-shop-shop-app-prod.2', 'x-shop-shop-app-staging', 'x-shop-shop-app-staging.2', 'x-shop-shop-db-prod', 'x-shop-shop-web-prod']);
    for (const g of Object.values(groups)) {
      expect(g).not.toHaveProperty('ingress');
      expect(g).not.toHaveProperty('egress');
      expect(g.revoke_rules_on_delete).toBe(true);
      expect(g.vpc_id).toBe('${var.vpc}');
      expect(g.tags).toMatchObject({ team: 'net', 'microseg:policy': 'shop' });
    }
  });

  test('securityGroupIds lists every group of the segment; identities name them as Terraform addresses', () => {
    const ids = seg.identities.segments['shop-app-prod'].securityGroups!;
    expect(json.output.app_groups.value).toEqual(ids.map((a) => `\${${a}.id}`));
    expect(json.output.db_group.value).toBe(`\${${seg.identities.segments['shop-db-prod'].securityGroups![0]}.id}`);
    for (const s of Object.values(seg.identities.segments)) for (const a of s.securityGroups!) expect(groups[a.replace('aws_security_group.', '')]).toBeDefined();
    expect(() => seg.securityGroupIds('nope')).toThrow("unknown segment 'nope' (the policy has");
    expect(() => seg.securityGroupIds('shop-webb-prod')).toThrow("unknown segment 'shop-webb-prod' (did you mean 'shop-web-prod'?)");
    // A short name typed for a full one: the segments with a part close to it.
    expect(() => seg.securityGroupIds('webb')).toThrow("unknown segment 'webb' (did you mean 'shop-web-prod'?)");
    expect(() => seg.securityGroupIds('ap')).toThrow("unknown segment 'ap' (did you mean one of 'shop-app-prod', 'shop-app-staging'?)");
  });

  test('every rule is a standalone resource with one peer, a description and tags naming policy and origin', () => {
    const rules = [...Object.values(json.resource.aws_vpc_security_group_ingress_rule), ...Object.values(json.resource.aws_vpc_security_group_egress_rule)] as any[];
    // 4 group references, tcp/443 in to the internet's IPv4 list (shop-web-prod holds no IPv6), and tcp/udp 53 out
    // (x2 segments) to both of its lists (222 with CIDRs spelled).
    expect(rules).toHaveLength(4 + 1 + 4 + 4);
    expect(rules.filter((r) => r.prefix_list_id)).toHaveLength(9);
    for (const r of rules) {
      expect([r.cidr_ipv4, r.cidr_ipv6, r.prefix_list_id, r.referenced_security_group_id].filter(Boolean)).toHaveLength(1);
      expect(r.description).toMatch(/^microseg policy shop: (rule|guardrail) /);
      expect(r.tags['microseg:origins']).toMatch(/^[a-z]/);
    }
  });
});

describe('managed prefix lists in the construct', () => {
  const policy = () => SegmentationPolicy.fromSource(fs.readFileSync(SPEC_EXAMPLE, 'utf8'), SPEC_EXAMPLE);
  const synth = (props: { prefixLists?: boolean }) =>
    synthStack(
      'app',
      (stack) => {
        new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
        new AwsSegmentation(stack, 'seg', { policy: policy(), vpcId: 'vpc-1', namePrefix: 'x-', tags: { team: 'net' }, ...props });
      },
    );

  test('one list per family of the internet, entries inline with descriptions, max_entries = entries, tags naming policy and source', () => {
    const json = synth({});
    const lists = Object.values(json.resource.aws_ec2_managed_prefix_list) as any[];
    expect(lists.map((l) => [l.name, l.address_family, l.max_entries, l.entry.length])).toEqual([
      [expect.stringMatching(/^x-shop-internet-v4-[0-9a-f]{8}$/), 'IPv4', 38, 38],
      [expect.stringMatching(/^x-shop-internet-v6-[0-9a-f]{8}$/), 'IPv6', 7, 7],
    ]);
    for (const l of lists) {
      expect(l.tags).toEqual({ team: 'net', 'microseg:policy': 'shop', 'microseg:source': 'internet', Name: l.name });
      for (const e of l.entry) expect(e.description).toBe('microseg policy shop: internet');
    }
    expect(lists[0].entry.slice(0, 2).map((e: any) => e.cidr)).toEqual(['0.0.0.0/5', '8.0.0.0/7']);
    const keys = Object.keys(json.resource.aws_ec2_managed_prefix_list);
    expect(keys.every((k) => /^seg_prefix_lists_internet-v[46]-[0-9a-f]{8}_[0-9A-F]{8}$/.test(k))).toBe(true);
  });

  test('prefixLists: false spells one rule per CIDR, and wins over the policy', () => {
    const json = synth({ prefixLists: false });
    expect(json.resource.aws_ec2_managed_prefix_list).toBeUndefined();
    expect(Object.keys(json.resource.aws_vpc_security_group_ingress_rule).length + Object.keys(json.resource.aws_vpc_security_group_egress_rule).length).toBe(222);
  });
});

describe('the aws back end', () => {
  const ir = loadFile(SPEC_EXAMPLE);

  test('compiles the spec example; snapshot with versions stubbed', () => {
    const out = backend.compile(ir);
    expect(out.stats).toEqual({ resources: 6 + 2 + 13, rules: 13, identities: 6 });
    expect(out.notes.map((n) => n.code)).toEqual(['MS4102', 'MS4102']);
    expect(out.terraform.provider.aws).toEqual([{ region: '${var.aws_region}' }]);
    expect(out.identities).toMatchSnapshot('identities');
    expect(reviewable(stubVersions(out.terraform))).toMatchSnapshot('cdk.tf.json');
  });

  test('region and VPC come from targets.aws; same policy, same bytes', () => {
    const text = fs.readFileSync(SPEC_EXAMPLE, 'utf8') + 'targets:\n  aws: {region: eu-west-1, vpcId: "${aws_vpc.main.id}"}\n';
    const { resolve } = require('../../../lib/resolve/resolve');
    const withTargets = resolve(SegmentationPolicy.fromSource(text, 'p.yaml'));
    const a = backend.compile(withTargets);
    expect(a.notes).toEqual([]);
    expect(a.terraform.provider.aws).toEqual([{ region: 'eu-west-1' }]);
    expect(a.terraform.variable).toBeUndefined();
    expect(Object.values(a.terraform.resource.aws_security_group).every((g: any) => g.vpc_id === '${aws_vpc.main.id}')).toBe(true);
    expect(serialiseTerraform(backend.compile(withTargets).terraform)).toBe(serialiseTerraform(a.terraform));
  });
});

describe('flow logs in the construct', () => {
  const text = `${fs.readFileSync(SPEC_EXAMPLE, 'utf8').trimEnd()}\ntargets:\n  aws:\n    flowLogs: {destination: "arn:aws:s3:::logs"}\n`;
  const synth = (props: { flowLogs?: false | { destination: string; destinationType?: 'cloud-watch-logs'; iamRoleArn?: string } }) =>
    synthStack('app', (stack) => {
      new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
      const vpc = new TerraformVariable(stack, 'vpc', { type: 'string' });
      new AwsSegmentation(stack, 'seg', { policy: SegmentationPolicy.fromSource(text, SPEC_EXAMPLE), vpcId: vpc.stringValue, tags: { team: 'net' }, ...props });
    });

  test("the policy's targets.aws.flowLogs: the same aws_flow_log as the CLI's, on the construct's VPC, with its tags", () => {
    const logs = Object.values(synth({}).resource.aws_flow_log ?? {}) as any[];
    expect(logs).toHaveLength(1);
    const { ['//']: _m, ...body } = logs[0];
    const cli = Object.values((backend.compile(resolve(SegmentationPolicy.fromSource(text, SPEC_EXAMPLE))).terraform.resource as any).aws_flow_log)[0] as any;
    const { ['//']: _c, ...cliBody } = cli;
    expect(body).toEqual({ ...cliBody, vpc_id: '${var.vpc}', tags: { ...cliBody.tags, team: 'net' } });
  });

  test('props override the policy; false turns it off; a bad combination fails the synth with the policy location', () => {
    expect(synth({ flowLogs: false }).resource.aws_flow_log).toBeUndefined();
    const cw = Object.values(synth({ flowLogs: { destination: 'arn:aws:logs:eu-west-1:1:log-group:x', destinationType: 'cloud-watch-logs', iamRoleArn: 'arn:aws:iam::1:role/r' } }).resource.aws_flow_log) as any[];
    expect(cw[0]).toMatchObject({ log_destination_type: 'cloud-watch-logs', iam_role_arn: 'arn:aws:iam::1:role/r' });
    expect(() => synth({ flowLogs: { destination: 'x', destinationType: 'cloud-watch-logs' } })).toThrow(/MS4005 aws: flowLogs to cloud-watch-logs need iamRoleArn/);
  });
});
