/**
 * `npm ci` refuses a lockfile that lacks the platform packages of an
 * optional dependency; `npm install` here cannot record them (see
 * scripts/complete-lock.js). This keeps the README's first command working.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';

test('package-lock.json lists every platform package npm ci expects', () => {
  const r = spawnSync(process.execPath, [path.join(__dirname, '../../scripts/complete-lock.js'), '--check'], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
});
