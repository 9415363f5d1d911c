/**
 * Same policy, same bytes: twice in one process, and once more in a fresh
 * child process (its own hash seeds, module load order and heap), for every
 * target. The child is spawned once for all three targets.
 */
import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as path from 'path';
import { CLOUD_TARGETS as TARGET_NAMES } from '../../lib/targets/target'; // the bench policy pings (ICMP), which kubernetes refuses (MS9002)
import { basePolicy, compileDoc, Compiled } from './helpers';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

describe('same policy, same bytes', () => {
  const first: Record<string, Compiled> = {};
  beforeAll(() => {
    for (const t of TARGET_NAMES) first[t] = compileDoc(t, basePolicy());
  });

  test.each([...TARGET_NAMES])('%s: compiled twice in one process', (t) => {
    const again = compileDoc(t, basePolicy());
    expect(again.terraform === first[t].terraform).toBe(true);
    expect(again.identities).toBe(first[t].identities);
    // Nothing that varies between runs leaks into the output.
    expect(first[t].terraform).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:\d\d|\/tmp\/|\/work\//);
  });

  test('a fresh process produces the same bytes for every target', () => {
    const r = spawnSync(process.execPath, [path.join(__dirname, 'child.js')], { encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const child = JSON.parse(r.stdout);
    for (const t of TARGET_NAMES) expect(child[t]).toEqual({ terraform: sha(first[t].terraform), identities: sha(first[t].identities) });
  });
});
