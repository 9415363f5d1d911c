/**
 * Compile-time checks of `SegmentationPolicy.define`: `npm test` runs
 * `tsc --noEmit` over test/**, so every `@ts-expect-error` below must really
 * be an error (an unused one fails tsc). The jest part checks that the
 * well-typed definitions are also valid policies at run time.
 */
import { PolicyError } from '../../lib/model/diagnostics';
import { SegmentationPolicy } from '../../lib/model/policy';

const labels = { env: ['prod', 'staging'], tier: ['web', 'db'] } as const;

function good() {
  return SegmentationPolicy.define({
    name: 'typed',
    labels: { env: ['prod', 'staging'], tier: ['web', 'db'] },
    segments: [
      { name: 'web-prod', labels: { env: 'prod', tier: 'web' } },
      { name: 'db-prod', labels: { env: 'prod', tier: 'db' } },
    ],
    externals: [{ name: 'internet', cidrs: ['0.0.0.0/0'] }],
    guardrails: [{ name: 'no-staging', action: 'deny', from: { env: 'staging' }, to: { env: 'prod' }, services: ['any'] }],
    rules: [
      { name: 'web-db', from: { tier: 'web' }, to: [{ tier: ['db'] }, { segment: 'db-prod' }], services: ['tcp/5432'], sameLabels: ['env'] },
      { name: 'in', from: { external: 'internet' }, to: { tier: 'web', env: 'prod' }, services: ['https'] },
    ],
  });
}

function typos() {
  SegmentationPolicy.define({
    name: 'typed',
    labels,
    segments: [
      // @ts-expect-error 'prd' is not a declared env value (TS2820: Did you mean '"prod"'?)
      { name: 'web-prod', labels: { env: 'prd', tier: 'web' } },
      // @ts-expect-error a segment gives a value for every dimension
      { name: 'db-prod', labels: { env: 'prod' } },
    ],
  });
  SegmentationPolicy.define({
    name: 'typed',
    labels: { env: ['prod', 'staging'], tier: ['web', 'db'] },
    segments: [{ name: 'web-prod', labels: { env: 'prod', tier: 'web' } }],
    rules: [
      // @ts-expect-error unknown label value in a selector
      { name: 'r1', from: { env: 'prd' }, to: { tier: 'web' }, services: ['any'] },
      // @ts-expect-error unknown label value in a selector list
      { name: 'r2', from: { env: 'prod' }, to: [{ tier: ['web', 'dbb'] }], services: ['any'] },
      // @ts-expect-error unknown label dimension in a selector
      { name: 'r4', from: { envv: 'prod' }, to: { tier: 'web' }, services: ['any'] },
      // @ts-expect-error sameLabels names a declared dimension
      { name: 'r3', from: { env: 'prod' }, to: { tier: 'web' }, services: ['any'], sameLabels: ['envv'] },
    ],
    guardrails: [
      // @ts-expect-error guardrails are checked too
      { name: 'g', action: 'deny', from: { env: 'staging' }, to: { tier: 'app' }, services: ['any'] },
    ],
  });
}

describe('SegmentationPolicy.define', () => {
  it('builds a validated, frozen policy from a typed body', () => {
    const p = good();
    expect(p.name).toBe('typed');
    expect(p.file).toBe('<define>');
    expect(p.doc.apiVersion).toBe('microseg/v1');
    expect(p.doc.metadata).toEqual({ name: 'typed' });
    expect(Object.isFrozen(p.doc.segments[0].labels)).toBe(true);
    expect(p.locate(['rules', 0])).toBeUndefined();
  });

  it('reports run-time errors with paths when types are bypassed', () => {
    expect(() => typos()).toThrow(PolicyError);
    try {
      typos();
    } catch (e) {
      const msg = (e as PolicyError).message;
      expect(msg).toContain("<define>:segments[0].labels.env error MS1001 unknown label value 'prd' for 'env' (did you mean 'prod'?)");
    }
  });
});
