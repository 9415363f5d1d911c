/**
 * The previous output as an input of the Azure compile (issue 23, item 3):
 * removing the last rule that names a label ASG, or the all-segments ASG,
 * keeps the ASG the NICs carry (releasable, note MS5105) instead of
 * destroying it; --release destroys it once the previous output lists it
 * as releasable; a rule naming it again carries it again.
 */
import { checkTargetApply } from '../../../lib/analysis/apply-check';
import { compileTargets } from '../../../lib/cli/compile-targets';
import { ResolvedPolicy } from '../../../lib/resolve/ir';
import { TargetOutput } from '../../../lib/targets/target';
import { irOf, smallPolicy } from '../../analysis/apply-check/helpers';

function azure(ir: ResolvedPolicy, previous?: TargetOutput, release = false): TargetOutput & { kept: string[] } {
  const r = compileTargets(ir, ['azure'], previous ? { previous: new Map([['azure', previous.identities]]), release } : {});
  if (r.failed) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  return { ...r.outputs[0], kept: r.diagnostics.filter((d) => d.code === 'MS5105').map((d) => d.message) };
}
const asgs = (o: TargetOutput) => Object.values<any>(o.terraform.resource.azurerm_application_security_group).map((a) => a.name).sort();
const entry = (o: TargetOutput, s: string) => o.identities.segments[s] as Record<string, string[] | undefined>;

// web-to-app reads {tier: web} and {tier: app}: label ASGs tier=web and tier=app; everyone-to-app reads {}: the all-segments ASG.
const base = smallPolicy();
base.rules.push({ name: 'everyone-to-app', from: {}, to: { tier: 'app' }, services: ['tcp/9100'] });
const without = { ...base, rules: base.rules.filter((r: any) => r.name !== 'web-to-app' && r.name !== 'everyone-to-app') };
const a = irOf(base, 'old.yaml');
const b = irOf(without, 'new.yaml');
const before = azure(a);

test('without the previous output, the ASGs no rule names are left out (and the apply would destroy them)', () => {
  const plain = azure(b);
  expect(asgs(plain)).toEqual(['t-app-asg', 't-web-asg']);
  expect(checkTargetApply(a, b, before, plain).identitiesDestroyed.length).toBe(3);
});

test('with it, they stay, releasable, with a note; the apply destroys nothing workloads carry', () => {
  const kept = azure(b, before);
  expect(asgs(kept)).toEqual(asgs(before));
  const web = entry(kept, 'web');
  expect(web.applicationSecurityGroups).toEqual([entry(before, 'web').applicationSecurityGroups![0]]);
  expect(web.releasableApplicationSecurityGroups).toEqual(entry(before, 'web').applicationSecurityGroups!.slice(1));
  expect(entry(kept, 'app').releasableApplicationSecurityGroups).toEqual(entry(before, 'app').applicationSecurityGroups!.slice(1));
  expect(entry(kept, 'app').releasableApplicationSecurityGroups).toContain('azurerm_application_security_group.azure__all-asg_D5AB4724');
  expect(kept.kept.length).toBe(3);
  expect(kept.kept.join('\n')).toMatch(/label ASG tier=web stays from the previous output/);
  const r = checkTargetApply(a, b, before, kept);
  expect({ safe: r.safe, identities: r.identitiesDestroyed }).toEqual({ safe: true, identities: [] });
});

test('--release destroys them once the previous output lists them as releasable, never before', () => {
  const kept = azure(b, before);
  expect(asgs(azure(b, before, true))).toEqual(asgs(before));
  expect(asgs(azure(b, kept, true))).toEqual(['t-app-asg', 't-web-asg']);
  expect(asgs(azure(b, kept))).toEqual(asgs(before));
});

test('a rule naming them again carries them again, with no note', () => {
  const kept = azure(b, before);
  const again = azure(a, kept);
  expect(again.identities).toEqual(before.identities);
  expect(again.terraform).toEqual(before.terraform);
  expect(again.kept).toEqual([]);
});
