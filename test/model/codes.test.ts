import * as fs from 'fs';
import * as path from 'path';
import { CODES, isUsageCode, severityOf } from '../../lib/model/codes';
import { diagnosticsMarkdown } from '../../lib/model/codes-doc';

const docFile = path.join(__dirname, '../../docs/diagnostics.md');
const libDir = path.join(__dirname, '../../lib/model');

describe('diagnostic code registry', () => {
  it('is a sorted list of well-formed codes with a severity, title and explanation', () => {
    const keys = Object.keys(CODES);
    expect(keys).toEqual([...keys].sort());
    for (const k of keys) {
      expect(k).toMatch(/^MS\d{4}$/);
      expect(['error', 'warning', 'info']).toContain(CODES[k].severity);
      expect(CODES[k].title.length).toBeGreaterThan(3);
      expect(CODES[k].explanation.length).toBeGreaterThan(10);
    }
  });

  it('registers every code the model layer emits', () => {
    const used = new Set<string>();
    for (const f of fs.readdirSync(libDir).filter((f) => f.endsWith('.ts') && f !== 'codes.ts' && f !== 'codes-doc.ts')) {
      for (const m of fs.readFileSync(path.join(libDir, f), 'utf8').matchAll(/'(MS\d{4})'/g)) used.add(m[1]);
    }
    expect(used.size).toBeGreaterThan(30);
    expect([...used].filter((c) => !CODES[c])).toEqual([]);
  });

  it('tells usage codes apart and fails closed on unknown codes', () => {
    expect(isUsageCode('MS0001')).toBe(true);
    expect(isUsageCode('MS1001')).toBe(false);
    expect(severityOf('MS1231')).toBe('warning');
    expect(severityOf('MS9999')).toBe('error');
  });

  it('docs/diagnostics.md is generated from the registry (UPDATE_DOCS=1 regenerates)', () => {
    const text = diagnosticsMarkdown();
    if (process.env.UPDATE_DOCS === '1') fs.writeFileSync(docFile, text);
    expect(fs.existsSync(docFile) ? fs.readFileSync(docFile, 'utf8') : '(missing: run UPDATE_DOCS=1 npx jest test/model/codes)').toBe(text);
  });
});
