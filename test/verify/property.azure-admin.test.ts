import fc from 'fast-check';
import { PolicyError } from '../../lib/model/diagnostics';
import { SegmentationPolicy } from '../../lib/model/policy';
import { withoutDenies } from '../../lib/resolve/layers';
import { resolve } from '../../lib/resolve/resolve';
import { planAdminRules } from '../../lib/targets/azure/admin';
import { emitAzure } from '../../lib/targets/azure/emit';
import { AZURE_LIMITS } from '../../lib/targets/azure/limits';
import { planAzure } from '../../lib/targets/azure/plan';
import { terraformDocument } from '../../lib/targets/document';
import { Reporter } from '../../lib/targets/kit/report';
import { loadBackend } from '../../lib/targets/registry';
import { verifyOutput } from '../../lib/verify';
import { policyArbitrary } from './arbitrary';
import { propertyTest, RUNS } from './property';

/**
 * Deny guardrails as security admin rules: random policies (half with
 * overlapping or undeclared addresses, which admin rules can only refuse
 * with MS5008, half with disjoint addresses per segment) compile and verify
 * equivalent with admin rules evaluated before the NSGs.
 */
const NETWORK_MANAGER = { location: 'westeurope', resourceGroupName: 'rg', guardrails: 'network-manager', networkManager: { id: 'nm', virtualNetworkIds: ['vnet-a'] } };
const withNetworkManager = (doc: Record<string, unknown>) => ({ ...doc, targets: { azure: NETWORK_MANAGER } });
const hasAdminRules = (tf: Record<string, any>) => Object.keys(tf.resource?.azurerm_network_manager_admin_rule ?? {}).length > 0;

describe('azure security admin rules', () => {
  propertyTest('azure', { label: 'admin rules, disjoint addresses', gen: { disjointAddresses: true }, settings: NETWORK_MANAGER, maxRefused: 0.15, evidence: { test: hasAdminRules, minShare: 0.1 } });
  propertyTest('azure', { label: 'admin rules, overlapping addresses', settings: NETWORK_MANAGER, maxRefused: 0.35, evidence: { test: hasAdminRules, minShare: 0.05 } });
});

/**
 * The proof refuses only what is really inexact: where it says MS5008, the
 * admin rules compiled without it verify not-equivalent (some flow the
 * policy allows is denied).
 */
describe('MS5008 refuses only inexact admin rules', () => {
  it(`every refused random policy, compiled without the proof, is not equivalent (${RUNS} cases)`, () => {
    let refused = 0;
    fc.assert(
      fc.property(policyArbitrary(), (drawn) => {
        const ir = resolve(SegmentationPolicy.fromObject(withNetworkManager(drawn), 'prop.yaml'));
        try {
          loadBackend('azure').compile(ir);
          return;
        } catch (e) {
          if (!(e instanceof PolicyError)) throw e;
          // Refused for services Azure cannot write (MS5001) is the NSGs' concern, not the proof's.
          if (!e.diagnostics.some((d) => d.code === 'MS5008')) return;
        }
        let admin, plan;
        try {
          admin = planAdminRules(ir, '', AZURE_LIMITS, new Reporter(ir, 'azure'));
          plan = planAzure(withoutDenies(ir, () => false));
        } catch (e) {
          // Services Azure cannot write (MS5001), found once the proof no longer stops the compile first.
          if (e instanceof PolicyError && e.diagnostics.every((d) => d.severity !== 'error' || d.code === 'MS5001')) return;
          throw e;
        }
        refused++;
        const em = emitAzure(plan, { scope: ['azure'], location: 'westeurope', resourceGroupName: 'rg', admin: { plan: admin, options: { networkManagerId: 'nm', location: 'westeurope' } } });
        const tf = terraformDocument({ stackName: 'prop', provider: 'azurerm', providerConfig: { features: [{}] }, variables: {}, resources: em.resources, moved: em.moved });
        const r = verifyOutput(ir, 'azure', tf, em.identities, { maxExamples: 1 });
        expect(r.verdict).toBe('not-equivalent');
      }),
      { numRuns: RUNS },
    );
    expect(refused).toBeGreaterThan(RUNS * 0.01);
  });
});
