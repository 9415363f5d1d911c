/**
 * The evaluators on hand-written outputs (test/fixtures/tf/): the way a
 * person writes Terraform, not the way our back ends do (inline blocks,
 * aws_security_group_rule, prefix lists, inline NSG rules, literal NSG names,
 * GCP defaults). Each cloud's fixture is exact for mini.yaml; every edit
 * below changes what the cloud admits and must be caught, and constructs
 * the verifier cannot evaluate must make it inconclusive, never pass.
 */
import * as fs from 'fs';
import * as path from 'path';
import { SegmentationPolicy } from '../../lib/model/policy';
import { parseAddress } from '../../lib/net/address';
import { resolve } from '../../lib/resolve/resolve';
import { TargetName } from '../../lib/targets/target';
import { readModel, verifyOutput, VerifyReport } from '../../lib/verify';
import { decidePacket } from '../../lib/verify/model';

const dir = path.join(__dirname, '../fixtures/tf');
const ir = resolve(SegmentationPolicy.fromFile(path.join(dir, 'mini.yaml')));
const load = (t: TargetName) => ({
  tf: JSON.parse(fs.readFileSync(path.join(dir, `${t}.tf.json`), 'utf8')),
  ids: JSON.parse(fs.readFileSync(path.join(dir, `${t}.identities.json`), 'utf8')),
});

function verify(t: TargetName, edit: (tf: any, ids: any) => void = () => {}): VerifyReport {
  const { tf, ids } = load(t);
  edit(tf, ids);
  return verifyOutput(ir, t, tf, ids);
}

function summary(r: VerifyReport): string {
  return r.mismatches.map((m) => `${m.kind} ${m.from.segment ?? m.from.address} -> ${m.to.segment ?? m.to.address} ${m.service}`).join('\n');
}

describe.each(['aws', 'azure', 'gcp'] as const)('%s hand-written fixture', (t) => {
  it('is equivalent to mini.yaml', () => {
    const r = verify(t);
    expect(r.issues).toEqual([]);
    expect(summary(r)).toBe('');
    expect(r.verdict).toBe('equivalent');
  });
});

describe('AWS semantics', () => {
  it('a group without egress blocks admits no egress (no default egress under Terraform)', () => {
    const r = verify('aws', (tf) => {
      delete tf.resource.aws_security_group.web.egress;
    });
    expect(r.verdict).toBe('not-equivalent');
    expect(r.mismatches[0]).toMatchObject({ kind: 'too-closed', from: { segment: 'web' }, to: { segment: 'db' }, service: 'tcp/5432', side: 'egress' });
  });

  it('protocol -1 admits every protocol and ignores ports', () => {
    const r = verify('aws', (tf) => {
      tf.resource.aws_security_group_rule['db-pg-in'].protocol = '-1';
      tf.resource.aws_security_group_rule['db-pg-in'].from_port = 0;
      tf.resource.aws_security_group_rule['db-pg-in'].to_port = 0;
    });
    // web's egress still only sends tcp/5432 and icmp: nothing more flows, so the output is still exact.
    expect(r.verdict).toBe('equivalent');
    const r2 = verify('aws', (tf) => {
      tf.resource.aws_security_group.web.egress[0] = { protocol: '-1', from_port: 0, to_port: 0, security_groups: ['${aws_security_group.db.id}'] };
      tf.resource.aws_security_group_rule['db-pg-in'].protocol = 'all';
    });
    expect(r2.mismatches.map((m) => m.service)).toEqual(expect.arrayContaining(['tcp/0', 'udp/0', 'protocol 0 (stands for every protocol the output does not name)'.replace(/ \(.*/, '')]));
  });

  it('ICMP type and code narrow an icmp rule', () => {
    const r = verify('aws', (tf) => {
      tf.resource.aws_vpc_security_group_ingress_rule['db-icmp-in'].from_port = 8; // echo request only
    });
    expect(r.verdict).toBe('not-equivalent');
    expect(r.mismatches.every((m) => m.kind === 'too-closed' && m.service.startsWith('icmp type'))).toBe(true);
    expect(r.mismatches.map((m) => m.service)).toContain('icmp type 0 code 0');
  });

  it('a prefix list entry resource counts, and dropping it narrows the rule', () => {
    const r = verify('aws', (tf) => {
      delete tf.resource.aws_ec2_managed_prefix_list_entry;
    });
    expect(r.mismatches[0]).toMatchObject({ kind: 'too-closed', from: { address: '128.0.0.0' }, to: { segment: 'web' }, service: 'tcp/443' });
  });

  it('self admits the group itself', () => {
    const r = verify('aws', (tf) => {
      tf.resource.aws_security_group.db.ingress = [{ protocol: 'tcp', from_port: 22, to_port: 22, self: true }];
      tf.resource.aws_security_group.db.egress = [{ protocol: 'tcp', from_port: 22, to_port: 22, self: true }];
    });
    expect(r.mismatches[0]).toMatchObject({ kind: 'too-open', from: { segment: 'db' }, to: { segment: 'db' }, service: 'tcp/22' });
  });

  it('unknown constructs and expressions make the verdict inconclusive, never a pass', () => {
    const acl = verify('aws', (tf) => {
      tf.resource.aws_network_acl = { main: { vpc_id: 'vpc-0123' } };
    });
    expect(acl.verdict).toBe('inconclusive');
    expect(acl.issues.map((i) => i.code)).toEqual(['MS7011']);
    const expr = verify('aws', (tf) => {
      tf.resource.aws_security_group_rule['db-pg-in'].cidr_blocks = ['${var.office}'];
    });
    expect(expr.issues.map((i) => i.code)).toContain('MS7010');
    expect(expr.verdict).not.toBe('equivalent');
    const missing = verify('aws', (_tf, ids) => {
      delete ids.segments.db;
    });
    expect(missing.issues.map((i) => i.code)).toContain('MS7012');
  });
});

describe('Azure semantics', () => {
  it('the first match by priority decides: a Deny above an Allow wins, below it does not', () => {
    const deny = (priority: number) => (tf: any) => {
      tf.resource.azurerm_network_security_group.nsg.security_rule.push({
        name: 'block-pg', priority, direction: 'Inbound', access: 'Deny', protocol: 'Tcp', source_port_range: '*', destination_port_range: '5432',
        source_address_prefix: 'VirtualNetwork', destination_address_prefix: '*',
      });
    };
    expect(verify('azure', deny(105)).mismatches[0]).toMatchObject({ kind: 'too-closed', service: 'tcp/5432', side: 'ingress' });
    expect(verify('azure', deny(200)).verdict).toBe('equivalent');
  });

  it('the default AllowVnetInBound admits VNet traffic once the deny-all is gone', () => {
    const r = verify('azure', (tf) => {
      tf.resource.azurerm_network_security_group.nsg.security_rule = tf.resource.azurerm_network_security_group.nsg.security_rule.filter((x: any) => x.name !== 'deny-all-in');
    });
    expect(r.verdict).toBe('not-equivalent');
    // web's egress still blocks web→db beyond tcp/5432, but an outside host inside the VNet now reaches db on anything.
    expect(r.mismatches[0]).toMatchObject({ kind: 'too-open', from: { address: '10.0.0.0' }, to: { segment: 'db' }, side: 'ingress' });
    const outs = r.mismatches.flatMap((x) => x.output.ingress ?? []);
    expect(outs.some((l) => l.includes('default rule AllowVnetInBound'))).toBe(true);
  });

  it('AllowInternetOutBound opens egress to the internet without the outbound deny-all', () => {
    const r = verify('azure', (tf) => {
      delete tf.resource.azurerm_network_security_rule;
    });
    const m = r.mismatches.find((x) => x.to.segment === undefined)!;
    expect(m).toMatchObject({ kind: 'too-open', side: 'egress' });
    expect(m.output.egress!.join()).toContain('AllowInternetOutBound');
  });

  it('an NSG that applies only to some segments: both NSGs must admit', () => {
    const r = verify('azure', (tf, ids) => {
      tf.resource.azurerm_network_security_group.subnet = { name: 'nsg-subnet', location: 'westeurope', resource_group_name: 'rg', security_rule: [] };
      ids.segments.db.networkSecurityGroups.push('azurerm_network_security_group.subnet');
    });
    // The subnet NSG has only the defaults: VNet traffic passes it, the internet does not; db receives only from web (VNet): still exact.
    expect(r.verdict).toBe('equivalent');
    const r2 = verify('azure', (tf, ids) => {
      tf.resource.azurerm_network_security_group.subnet = {
        name: 'nsg-subnet', location: 'westeurope', resource_group_name: 'rg',
        security_rule: [{ name: 'no-icmp', priority: 100, direction: 'Inbound', access: 'Deny', protocol: 'Icmp', source_port_range: '*', destination_port_range: '*', source_address_prefix: '*', destination_address_prefix: '*' }],
      };
      ids.segments.db.networkSecurityGroups.push('azurerm_network_security_group.subnet');
    });
    expect(r2.mismatches[0]).toMatchObject({ kind: 'too-closed', from: { segment: 'web' }, to: { segment: 'db' }, service: 'icmp' });
  });

  it('source ports split the service atoms', () => {
    const r = verify('azure', (tf) => {
      tf.resource.azurerm_network_security_group.nsg.security_rule[1].source_port_range = '1024-65535';
    });
    expect(r.mismatches[0]).toMatchObject({ kind: 'too-closed', service: 'tcp/5432 from port 0' });
  });

  it('reports what it does not model: other service tags, duplicate priorities, ports on protocol *', () => {
    const r = verify('azure', (tf) => {
      const rules = tf.resource.azurerm_network_security_group.nsg.security_rule;
      rules.push({ ...rules[0], name: 'storage', priority: 300, source_address_prefixes: undefined, source_address_prefix: 'Storage' });
      rules.push({ ...rules[0], name: 'dup', priority: 100 });
      rules.push({ ...rules[3], name: 'star-ports', priority: 400, destination_port_range: '80' });
    });
    expect(r.verdict).toBe('inconclusive');
    expect(r.issues.map((i) => i.message).join('\n')).toMatch(/service tag 'Storage'[\s\S]*ports on protocol '\*'[\s\S]*priority 100 is used twice/);
  });
});

describe('GCP semantics', () => {
  it('egress towards a segment by address is tolerated for outside hosts there, and counted', () => {
    const r = verify('gcp');
    expect(r.toleratedCount).toBeGreaterThan(0);
    expect(r.tolerated[0]).toMatchObject({ kind: 'too-open', from: { segment: 'web' }, to: { address: '10.2.0.0' }, side: 'egress' });
  });

  it('the implied allow-egress applies without an egress deny-all', () => {
    const r = verify('gcp', (tf) => {
      delete tf.resource.google_compute_firewall['deny-all-out'];
    });
    expect(r.mismatches[0]).toMatchObject({ kind: 'too-open', side: 'egress' });
    expect(r.mismatches[0].output.egress!.join()).toContain('implied allow-egress');
  });

  it('deny wins a priority tie; a lower priority deny does not', () => {
    const deny = (priority: number) => (tf: any) => {
      tf.resource.google_compute_firewall['no-pg'] = { name: 'no-pg', network: 'main', priority, deny: [{ protocol: 'tcp', ports: ['5432'] }], source_ranges: ['10.0.0.0/8'] };
    };
    expect(verify('gcp', deny(1000)).mismatches[0]).toMatchObject({ kind: 'too-closed', service: 'tcp/5432', side: 'ingress' });
    expect(verify('gcp', deny(1001)).verdict).toBe('equivalent');
  });

  it('disabled rules are skipped; enabling one is caught', () => {
    const r = verify('gcp', (tf) => {
      tf.resource.google_compute_firewall['old-open-rule'].disabled = false;
    });
    expect(r.mismatches[0]).toMatchObject({ kind: 'too-open', side: 'ingress' });
  });

  it('an ingress rule without any source means 0.0.0.0/0', () => {
    const r = verify('gcp', (tf) => {
      delete tf.resource.google_compute_firewall['internet-to-web'].source_ranges;
    });
    expect(r.mismatches[0]).toMatchObject({ kind: 'too-open', from: { address: '10.0.0.0' }, to: { segment: 'web' }, service: 'tcp/443' });
  });

  it('target tags select instances; without them every instance is a target', () => {
    const r = verify('gcp', (tf) => {
      delete tf.resource.google_compute_firewall['internet-to-web'].target_tags;
    });
    expect(r.mismatches[0]).toMatchObject({ kind: 'too-open', to: { segment: 'db' }, service: 'tcp/443' });
  });

  it('network firewall policies are reported, not guessed', () => {
    const r = verify('gcp', (tf) => {
      tf.resource.google_compute_network_firewall_policy_rule = { x: { action: 'allow' } };
    });
    expect(r.verdict).toBe('inconclusive');
  });
});

describe('single-packet decisions', () => {
  it('name the deciding rule of every chain', () => {
    const { tf, ids } = load('azure');
    const model = readModel(ir, 'azure', tf, ids);
    const a = parseAddress('10.1.0.5')!;
    const b = parseAddress('10.2.0.5')!;
    const d = decidePacket(
      model.chains('db', 'ingress'),
      { ids: model.identities.get('db')!, family: 4, address: b.value },
      { ids: model.identities.get('web')!, family: 4, address: a.value },
      { family: 4, proto: 6, port: 5432, srcPort: 40000 },
    );
    expect(d).toEqual({ admitted: true, decidedBy: [expect.stringContaining('security_rule[web-to-db-in] allow tcp/5432 from azurerm_application_security_group.web (priority 110)')] });
  });
});
