/**
 * Azure priorities across an edit (issue 23): no two rules that can be live
 * at one moment share NSG, direction and priority. A new rule that wins a
 * slot another rule held waits (`depends_on`) for the rules that lost it;
 * removing it again, Terraform moves them back only after the destroy (the
 * state records the removed rule's dependency on them). Without the
 * ordering, the same transitions collide: the check must see it.
 */
import * as fs from 'fs';
import * as path from 'path';
import YAML from 'yaml';
import fc from 'fast-check';
import { checkTargetApply } from '../../../lib/analysis/apply-check';
import { allocatePriorities } from '../../../lib/targets/azure/plan';
import { hash32 } from '../../../lib/targets/kit/names';
import { TargetOutput } from '../../../lib/targets/target';
import { applyEdit } from './edits';
import { compile, irOf, TARGETS } from './helpers';

const root = path.join(__dirname, '../../..');
const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x));

/** The output without any rule's depends_on: the order an allocation without losers would leave to chance. */
function unordered(o: TargetOutput): TargetOutput {
  const terraform = clone(o.terraform);
  for (const r of Object.values<any>(terraform.resource.azurerm_network_security_rule ?? {})) delete r.depends_on;
  return { ...o, terraform };
}

describe('allocatePriorities', () => {
  test('a slot held by one key lists the keys that probed past it; priorities as before', () => {
    const size = 10;
    // Keys hashed to one home slot of a band of 10: the first in sorted order holds it, the others probe on.
    const all = Array.from({ length: 200 }, (_, i) => `k${i}`);
    const home = hash32(all[0]) % size;
    const same = all.filter((k) => hash32(k) % size === home).slice(0, 3).sort();
    expect(same.length).toBe(3);
    const a = allocatePriorities(same, [100, 109])!;
    expect(a.get(same[0])).toEqual({ priority: 100 + home, losers: [same[1], same[2]] });
    expect(a.get(same[1])).toEqual({ priority: 100 + ((home + 1) % size), losers: [same[2]] });
    expect(a.get(same[2])).toEqual({ priority: 100 + ((home + 2) % size), losers: [] });
  });

  test('adding keys only pushes others along their chains, and every slot a key takes was free or held by one of its losers', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string({ minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 40 }), fc.integer({ min: 1, max: 20 }), (keys, cut) => {
        const small = keys.slice(0, Math.max(0, keys.length - cut));
        const band: [number, number] = [100, 149];
        const before = allocatePriorities(small, band)!;
        const after = allocatePriorities(keys, band)!;
        const holderBefore = new Map([...before].map(([k, v]) => [v.priority, k]));
        for (const [k, v] of after) {
          const was = holderBefore.get(v.priority);
          if (was === undefined || was === k) continue;
          expect(v.losers).toContain(was);
        }
      }),
      { numRuns: 300, seed: 23 },
    );
  });
});

describe('a new segment whose rules probe into slots other rules are leaving', () => {
  const doc = { ...YAML.parse(fs.readFileSync(path.join(root, 'test/fixtures/lint/world-open-ok.yaml'), 'utf8')), targets: TARGETS };
  const grown = applyEdit(doc, 'segment')!;
  const a = irOf(doc, 'old.yaml');
  const b = irOf(grown, 'new.yaml');
  const [oa] = compile(a, ['azure']);
  const [ob] = compile(b, ['azure']);

  test('the ordered outputs are safe both ways', () => {
    for (const [x, y, ox, oy] of [[a, b, oa, ob], [b, a, ob, oa]] as const) {
      const r = checkTargetApply(x, y, ox, oy);
      expect({ dropped: r.dropped, opened: r.opened, conflicts: r.conflicts }).toEqual({ dropped: 0, opened: 0, conflicts: [] });
      expect(r.counts.update).toBeGreaterThan(0);
    }
  });

  test('adding: without depends_on in the new output, some moment holds two rules at one priority', () => {
    const r = checkTargetApply(a, b, oa, unordered(ob));
    expect(r.conflicts.map((c) => c.key).filter((k) => k.startsWith('priority ')).length).toBeGreaterThan(0);
  });

  test('removing: without the removed rules depending on their losers in the old output, a loser moves back too early', () => {
    const r = checkTargetApply(b, a, unordered(ob), oa);
    expect(r.conflicts.map((c) => c.key).filter((k) => k.startsWith('priority ')).length).toBeGreaterThan(0);
  });
});
