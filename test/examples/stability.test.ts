/**
 * Names and logical ids come from segment and rule names, never positions:
 * adding one rule that is unrelated to everything else must add its own
 * resources and leave every other resource of every example byte-for-byte
 * as it was (so `terraform plan` shows only the new rule).
 */
import { RuleDoc, SegmentationPolicy } from '../../lib';
import { EXAMPLES, synthExample } from './helpers';

/** The extra rule per example: a new flow between a pair no other rule relates on that service. */
const EXTRA: Record<string, RuleDoc> = {
  shop: { name: 'vpn-to-billing-api', from: { external: 'corp-vpn' }, to: { segment: 'billing-app-prod' }, services: ['tcp/9443'] },
  payments: { name: 'worker-callbacks', from: { segment: 'worker-prod' }, to: { segment: 'api-prod' }, services: ['tcp/9000'] },
  kshop: { name: 'vpn-to-app', from: { external: 'corp-vpn' }, to: { segment: 'shop-app-prod' }, services: ['tcp/9443'] },
};

/**
 * Resources a new rule may change: NetworkPolicy holds every rule of a segment in its one allow
 * policy, so on Kubernetes the rule changes the allow policies of the segments it names (here one)
 * and adds nothing; the isolation policies never change.
 */
const MAY_CHANGE: Record<string, (address: string) => boolean> = {
  kshop: (a) => /^kubernetes_network_policy_v1\.segmentation_shop-app-prod_allow_/.test(a),
};

function resources(json: Record<string, any>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [type, byName] of Object.entries<Record<string, unknown>>(json.resource ?? {})) {
    for (const [name, body] of Object.entries(byName)) out.set(`${type}.${name}`, JSON.stringify(body));
  }
  return out;
}

describe.each(EXAMPLES.map((e) => [e.name, e] as const))('example %s', (_name, def) => {
  it('adding an unrelated rule adds resources and changes no other', () => {
    const base = def.policy();
    const extra = EXTRA[base.name];
    // Both through fromObject, so the only difference is the rule.
    const before = SegmentationPolicy.fromObject(base.doc);
    const after = SegmentationPolicy.fromObject({ ...base.doc, rules: [...(base.doc.rules ?? []), extra] });
    const a = resources(synthExample(def, before, false).json);
    const b = resources(synthExample(def, after, false).json);

    const removed = [...a.keys()].filter((k) => !b.has(k));
    const changed = [...a.keys()].filter((k) => b.has(k) && a.get(k) !== b.get(k));
    const added = [...b.keys()].filter((k) => !a.has(k));
    if (process.env.MICROSEG_PRINT) console.log(def.name, added, changed);
    const mayChange = MAY_CHANGE[base.name];
    if (mayChange) {
      expect({ removed, added }).toEqual({ removed: [], added: [] });
      expect(changed.length).toBe(1);
      for (const k of changed) expect([k, mayChange(k), b.get(k)!.includes(extra.name)]).toEqual([k, true, true]);
      return;
    }
    expect({ removed, changed }).toEqual({ removed: [], changed: [] });
    expect(added.length).toBeGreaterThan(0);
    // One rule: a handful of resources (one per direction and cloud), never a renumbering.
    expect(added.length).toBeLessThanOrEqual(6);
    for (const k of added) expect(b.get(k)).toContain(extra.name);
  });
});
