import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { formatDiagnostic, PolicyError } from '../../lib/model/diagnostics';
import { checkPolicyObject, checkPolicySource, loadPolicy, SegmentationPolicy } from '../../lib/model/policy';

const goodFile = path.join(__dirname, '../fixtures/good/spec-example.yaml');
const goodText = fs.readFileSync(goodFile, 'utf8');

describe('the spec example', () => {
  it('loads from a file without diagnostics, frozen and located', () => {
    const p = SegmentationPolicy.fromFile(goodFile);
    expect(p.name).toBe('shop');
    expect(p.diagnostics).toEqual([]);
    expect(p.doc.segments.map((s) => s.name)).toEqual(['shop-web-prod', 'shop-app-prod', 'shop-db-prod', 'shop-app-staging']);
    expect(p.doc.rules?.[2].expires).toBe('2027-06-30');
    expect(Object.isFrozen(p.doc)).toBe(true);
    expect(Object.isFrozen(p.doc.rules?.[1].sameLabels)).toBe(true);
    expect(() => (p.doc.segments as unknown as unknown[]).push({})).toThrow();
    expect(p.locate(['rules', 1, 'from'])).toEqual({ file: goodFile, line: 44, col: 11 });
    expect(p.locate(['rules', 1, 'from'], 'key')).toEqual({ file: goodFile, line: 44, col: 5 });
    // An unknown path falls back to its nearest located ancestor.
    expect(p.locate(['rules', 1, 'nope', 3])).toEqual({ file: goodFile, line: 43, col: 5 });
  });

  it('gives the same document through every front door', () => {
    const obj = parse(goodText);
    const a = SegmentationPolicy.fromSource(goodText, 'policy.yaml').doc;
    const b = SegmentationPolicy.fromObject(obj).doc;
    const c = SegmentationPolicy.fromSource(JSON.stringify(obj, null, 2), 'policy.json').doc;
    const { apiVersion: _a, kind: _k, metadata, ...rest } = obj;
    const d = SegmentationPolicy.define({ name: metadata.name, ...rest }).doc;
    expect(a).toEqual(obj);
    expect(b).toEqual(obj);
    expect(c).toEqual(obj);
    expect(d).toEqual(obj);
  });

  it('fromObject copies its input, so later mutation cannot change the policy', () => {
    const obj = parse(goodText);
    const p = SegmentationPolicy.fromObject(obj);
    obj.segments[0].name = 'changed';
    expect(p.doc.segments[0].name).toBe('shop-web-prod');
    expect(Object.isFrozen(obj)).toBe(false);
  });
});

describe('errors', () => {
  const broken = goodText
    .replace('env: prod, tier: web', 'env: prd, tier: web')
    .replace('services: [tcp/8080]', 'services: [tcp/80800]')
    .replace('internet-to-web', 'Internet-To-Web');

  it('throws one PolicyError listing every error, sorted, located', () => {
    let err: PolicyError | undefined;
    try {
      SegmentationPolicy.fromSource(broken, 'policy.yaml');
    } catch (e) {
      err = e as PolicyError;
    }
    expect(err).toBeInstanceOf(PolicyError);
    expect(err!.diagnostics.map(formatDiagnostic)).toEqual([
      "policy.yaml:13:19 error MS1001 unknown label value 'prd' for 'env' (did you mean 'prod'?)",
      expect.stringMatching(/^policy\.yaml:39:11 error MS1202 invalid rule name 'Internet-To-Web'/),
      "policy.yaml:46:16 error MS1242 invalid service spec 'tcp/80800': port out of range 1–65535",
    ]);
    expect(err!.message).toMatch(/\(3 errors\)/);
  });

  it('the non-throwing doors return the same diagnostics and no policy', () => {
    const r = checkPolicySource(broken, 'policy.yaml');
    expect(r.policy).toBeUndefined();
    expect(r.diagnostics).toHaveLength(3);
    expect(loadPolicy('/does/not/exist.yaml', 'exist.yaml').diagnostics.map(formatDiagnostic)).toEqual(['exist.yaml error MS0001 cannot read policy file: no such file']);
    expect(() => SegmentationPolicy.fromFile('/does/not/exist.yaml')).toThrow(/MS0001/);
  });

  it('keeps warnings on a valid policy', () => {
    const p = SegmentationPolicy.fromSource(goodText.replace('192.168.100.0/22', '192.168.100.1/22'), 'policy.yaml');
    expect(p.diagnostics.map(formatDiagnostic)).toEqual([
      "policy.yaml:26:13 warning MS1231 '192.168.100.1/22' has host bits set; it means 192.168.100.0/22 (write that instead)",
    ]);
  });

  it('objects get path-based diagnostics', () => {
    const obj = parse(goodText);
    obj.rules[1].from = { tier: 'wbe' };
    obj.segments[0].labels.__proto__ = 'x'; // a normal property set: ignored, prototypes are not own keys
    const r = checkPolicyObject(obj);
    expect(r.diagnostics.map(formatDiagnostic)).toEqual(["<object>:rules[1].from.tier error MS1001 unknown label value 'wbe' for 'tier' (did you mean 'web'?)"]);
  });

  it('refuses values plain data cannot hold and own __proto__ keys', () => {
    const obj = parse(goodText);
    obj.rules[2].expires = new Date('2027-06-30');
    obj.extra = () => 1;
    const cyc: Record<string, unknown> = { name: 'c' };
    cyc.self = cyc;
    obj.externals.push(cyc);
    const r = checkPolicyObject(obj, '<test>');
    expect(r.policy).toBeUndefined();
    expect(r.diagnostics.map((d) => `${d.code} ${formatDiagnostic(d).split(' ')[0]}`)).toEqual([
      'MS1020 <test>:externals[2].self',
      'MS1020 <test>:extra',
      'MS1020 <test>:rules[2].expires',
    ]);
    const proto = checkPolicyObject(JSON.parse('{"__proto__": {"x": 1}, "apiVersion": "microseg/v1"}'));
    expect(proto.diagnostics.map((d) => d.code)).toEqual(['MS1015']);
  });

  it('define reports run-time mistakes the types cannot catch', () => {
    expect(() =>
      SegmentationPolicy.define({
        name: 'x',
        labels: { env: ['prod'] },
        segments: [{ name: 'a', labels: { env: 'prod' } }],
        rules: [{ name: 'r', from: { segment: 'b' }, to: { env: 'prod' }, services: ['tcp/99999'] }],
      }),
    ).toThrow(/<define>:rules\[0\]\.from\.segment error MS1220 unknown segment 'b'[\s\S]*MS1242/);
  });
});
