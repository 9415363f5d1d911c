/**
 * The bad-input corpus: one file per failure mode under test/fixtures/bad.
 * A YAML file's first line names what it must produce:
 *   # expect: MS1230 16:13 [also: MS1250 …]
 * the exact code at that line:column, and no other code except those listed
 * after `also:`. JSON has no comments, so JSON expectations are in JSON_CASES.
 * Every file must load without throwing and without a policy.
 */
import * as fs from 'fs';
import * as path from 'path';
import { CODES } from '../../lib/model/codes';
import { Diagnostic, formatDiagnostic } from '../../lib/model/diagnostics';
import { loadPolicy } from '../../lib/model/policy';

const dir = path.join(__dirname, '../fixtures/bad');

const JSON_CASES: Record<string, { code: string; at: string; also?: string[] }> = {
  'json-duplicate-key.json': { code: 'MS1011', at: '4:3' },
  'json-proto-key.json': { code: 'MS1015', at: '6:5' },
  'json-missing-comma.json': { code: 'MS1010', at: '4:3' },
  'json-unknown-key.json': { code: 'MS1100', at: '17:3' },
  'json-invalid-cidr.json': { code: 'MS1230', at: '37:9' },
  'json-label-typo.json': { code: 'MS1001', at: '29:17' },
  'json-root-array.json': { code: 'MS1016', at: '1:1' },
};

interface Expectation {
  code: string;
  at: string;
  also: string[];
}

function expectationOf(file: string, text: string): Expectation {
  if (file.endsWith('.json')) {
    const e = JSON_CASES[file];
    if (!e) throw new Error(`${file}: add it to JSON_CASES`);
    return { code: e.code, at: e.at, also: e.also ?? [] };
  }
  const m = /^# expect: (MS\d{4}) (\d+:\d+)(?: also: ([A-Z0-9 ]+))?\n/.exec(text);
  if (!m) throw new Error(`${file}: first line must be '# expect: MSxxxx line:col'`);
  return { code: m[1], at: m[2], also: m[3] ? m[3].trim().split(/\s+/) : [] };
}

const files = fs.readdirSync(dir).filter((f) => /\.(ya?ml|json)$/.test(f)).sort();
const at = (d: Diagnostic) => (d.location ? `${d.location.line}:${d.location.col}` : '?');

describe('bad-input corpus', () => {
  it('has at least 30 cases, every JSON one listed, and every code registered', () => {
    expect(files.length).toBeGreaterThanOrEqual(30);
    for (const f of Object.keys(JSON_CASES)) expect(files).toContain(f);
  });

  it.each(files)('%s', (file) => {
    const full = path.join(dir, file);
    const e = expectationOf(file, fs.readFileSync(full, 'utf8'));
    expect(CODES[e.code]).toBeDefined();
    const r = loadPolicy(full, file);
    const shown = r.diagnostics.map(formatDiagnostic).join('\n');
    const hit = r.diagnostics.find((d) => d.code === e.code && at(d) === e.at);
    if (!hit) throw new Error(`${file}: expected ${e.code} at ${e.at}, got:\n${shown}`);
    expect(hit.location?.file).toBe(file);
    const unexpected = r.diagnostics.filter((d) => d.code !== e.code && !e.also.includes(d.code));
    if (unexpected.length) throw new Error(`${file}: unexpected diagnostics:\n${unexpected.map(formatDiagnostic).join('\n')}`);
    // A warning-only case still yields a policy; anything else must not.
    if (CODES[e.code].severity === 'error') expect(r.policy).toBeUndefined();
    else expect(r.policy).toBeDefined();
  });
});
