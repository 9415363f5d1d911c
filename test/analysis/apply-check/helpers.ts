/** Small policies compiled for the apply check tests: one edit, both outputs, per target. */
import YAML from 'yaml';
import { checkApply, ApplyCheckResult } from '../../../lib/analysis/apply-check';
import { compileTargets } from '../../../lib/cli/compile-targets';
import { checkPolicySource } from '../../../lib/model/policy';
import { resolve } from '../../../lib/resolve/resolve';
import { ResolvedPolicy } from '../../../lib/resolve/ir';
import { TargetName, TargetOutput } from '../../../lib/targets/target';

export const TARGETS = {
  aws: { region: 'eu-west-1', vpcId: 'vpc-0123456789abcdef0' },
  azure: { location: 'westeurope', resourceGroupName: 'rg-t' },
  gcp: { project: 'p-123', network: 'projects/p-123/global/networks/main' },
};

/** Two segments, one rule, one external: the smallest policy every edit kind applies to. */
export function smallPolicy(): Record<string, any> {
  return {
    apiVersion: 'microseg/v1',
    kind: 'SegmentationPolicy',
    metadata: { name: 't' },
    labels: { tier: ['web', 'app', 'db'] },
    segments: [
      { name: 'web', labels: { tier: 'web' }, addresses: ['10.1.0.0/24'] },
      { name: 'app', labels: { tier: 'app' }, addresses: ['10.2.0.0/24'] },
    ],
    externals: [{ name: 'vpn', cidrs: ['192.168.0.0/22'] }],
    rules: [
      { name: 'web-to-app', from: { tier: 'web' }, to: { tier: 'app' }, services: ['tcp/8080'] },
      { name: 'vpn-to-web', from: { external: 'vpn' }, to: { tier: 'web' }, services: ['tcp/443'] },
    ],
    targets: TARGETS,
  };
}

export function irOf(doc: Record<string, any>, file = 'policy.yaml'): ResolvedPolicy {
  const c = checkPolicySource(YAML.stringify(doc), file);
  if (!c.policy) throw new Error(c.diagnostics.map((d) => d.message).join('\n'));
  return resolve(c.policy);
}

export function compile(ir: ResolvedPolicy, targets: readonly TargetName[]): TargetOutput[] {
  const r = compileTargets(ir, targets);
  if (r.failed) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  return r.outputs;
}

export function check(before: Record<string, any>, after: Record<string, any>, targets: readonly TargetName[] = ['aws', 'azure', 'gcp']): ApplyCheckResult {
  const a = irOf(before, 'old.yaml');
  const b = irOf(after, 'new.yaml');
  const oa = compile(a, targets);
  const ob = compile(b, targets);
  return checkApply(a, b, ob.map((o, i) => ({ old: oa[i], new: o })));
}
