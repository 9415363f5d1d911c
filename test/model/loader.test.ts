import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadPolicyFile, MAX_POLICY_BYTES, parsePolicySource } from '../../lib/model/loader';

const codes = (text: string) => parsePolicySource(text, 'p.yaml').diagnostics.map((d) => `${d.code}@${d.location?.line}:${d.location?.col}`);

describe('parsePolicySource', () => {
  it('keeps the position of every value and key', () => {
    const r = parsePolicySource('a:\n  b: [x, {c: 1}]\n  "d": null\n', 'p.yaml');
    expect(r.diagnostics).toEqual([]);
    expect(r.value).toEqual({ a: { b: ['x', { c: 1 }], d: null } });
    expect(r.locator(['a'])).toEqual({ file: 'p.yaml', line: 2, col: 3 });
    expect(r.locator(['a'], 'key')).toEqual({ file: 'p.yaml', line: 1, col: 1 });
    expect(r.locator(['a', 'b', 1, 'c'])).toEqual({ file: 'p.yaml', line: 2, col: 14 });
    expect(r.locator(['a', 'b', 1, 'c'], 'key')).toEqual({ file: 'p.yaml', line: 2, col: 11 });
    expect(r.locator(['a', 'd'], 'key')).toEqual({ file: 'p.yaml', line: 3, col: 3 });
    expect(r.locator(['nope'])).toBeUndefined();
  });

  it('reads JSON through the YAML parser, with positions and duplicate keys', () => {
    const r = parsePolicySource('{\n  "a": [1, 2],\n  "b": {"c": "x"}\n}\n', 'p.json');
    expect(r.value).toEqual({ a: [1, 2], b: { c: 'x' } });
    expect(r.locator(['b', 'c'])).toEqual({ file: 'p.json', line: 3, col: 14 });
    expect(codes('{"a": 1, "a": 2}')).toEqual(['MS1011@1:10']);
  });

  it('uses YAML 1.2: no Norway problem, dates stay strings', () => {
    expect(parsePolicySource('a: no\nb: 2027-06-30\nc: 0o17\n', 'p').value).toEqual({ a: 'no', b: '2027-06-30', c: 15 });
  });

  it('refuses prototype keys without touching any prototype', () => {
    const r = parsePolicySource('__proto__: {polluted: true}\nx: {constructor: 1}\n', 'p.yaml');
    expect(r.diagnostics.map((d) => d.code)).toEqual(['MS1015', 'MS1015']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(r.value)).toBe(Object.prototype);
    expect(r.fatal).toBe(true);
  });

  it('refuses an empty document, a list root and several documents', () => {
    expect(codes('')).toEqual(['MS1016@1:1']);
    expect(codes('# nothing\n')).toEqual(['MS1016@1:1']);
    expect(codes('- a\n')).toEqual(['MS1016@1:1']);
    expect(codes('a: 1\n---\nb: 2\n')).toEqual(['MS1014@2:1']);
  });

  it('refuses anchors and aliases, reporting each alias name once', () => {
    expect(codes('a: &x 1\nb: *x\nc: *x\n')).toEqual(['MS1012@1:4', 'MS1012@2:4']);
    const r = parsePolicySource('a: &x 1\nb: *x\nc: *x\n', 'p');
    expect(r.diagnostics[1].message).toMatch(/used 2 times/);
  });

  it('refuses documents over 10 MiB before parsing', () => {
    const big = 'a: "' + 'x'.repeat(MAX_POLICY_BYTES) + '"\n';
    const t = Date.now();
    expect(codes(big)).toEqual(['MS1013@1:1']);
    expect(Date.now() - t).toBeLessThan(2000);
    // Multi-byte characters count as bytes, not characters.
    expect(codes('a: "' + 'é'.repeat(MAX_POLICY_BYTES / 2 + 1) + '"')).toEqual(['MS1013@1:1']);
  });

  it('fails fast on the billion laughs', () => {
    let text = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n';
    for (let i = 1; i < 20; i++) text += `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill('*' + String.fromCharCode(96 + i)).join(',')}]\n`;
    const t = Date.now();
    const r = parsePolicySource(text, 'lol.yaml');
    expect(Date.now() - t).toBeLessThan(2000);
    expect(r.fatal).toBe(true);
    expect(new Set(r.diagnostics.map((d) => d.code))).toEqual(new Set(['MS1012']));
    expect(r.diagnostics.length).toBeLessThan(50);
  });

  it('refuses deep nesting without overflowing the stack', () => {
    expect(codes('a: ' + '['.repeat(100) + ']'.repeat(100))).toEqual(['MS1018@1:68']);
    const deep = parsePolicySource('a: ' + '['.repeat(20000) + ']'.repeat(20000), 'p');
    expect(deep.fatal).toBe(true);
    expect(deep.diagnostics.map((d) => d.code)).toContain('MS1018');
  });

  it('refuses complex keys and reports syntax errors at the parser position', () => {
    expect(codes('? [a]\n: b\n')).toEqual(['MS1017@1:3']);
    expect(codes('a: [1, 2\nb: 3\n')).toEqual(['MS1010@2:1']);
    expect(codes('a: b: c\n')).toEqual(['MS1010@1:4']);
  });

  it('turns unknown tags into warnings and keeps the value', () => {
    const r = parsePolicySource('a: !foo bar\n', 'p');
    expect(r.diagnostics.map((d) => [d.code, d.severity])).toEqual([['MS1019', 'warning']]);
    expect(r.fatal).toBe(false);
  });
});

describe('loadPolicyFile', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'microseg-loader-'));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('gives MS0001 for a missing file or a directory', () => {
    const missing = loadPolicyFile(path.join(tmp, 'nope.yaml'), 'nope.yaml');
    expect(missing.diagnostics).toMatchObject([{ code: 'MS0001', file: 'nope.yaml', message: expect.stringMatching(/no such file/) }]);
    expect(loadPolicyFile(tmp).diagnostics[0].code).toBe('MS0001');
  });

  it('strips a byte-order mark and names the file as displayed', () => {
    const f = path.join(tmp, 'bom.yaml');
    fs.writeFileSync(f, '\ufeffa: 1\n');
    const r = loadPolicyFile(f, 'shown.yaml');
    expect(r.value).toEqual({ a: 1 });
    expect(r.locator(['a'])).toEqual({ file: 'shown.yaml', line: 1, col: 4 });
  });
});
