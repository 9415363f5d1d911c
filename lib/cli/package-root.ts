/** The package's own folder, from source (lib/cli) or from the build (dist/lib/cli). */
import * as fs from 'fs';
import * as path from 'path';

export function packageRoot(): string {
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    const p = path.join(dir, 'package.json');
    if (fs.existsSync(p) && JSON.parse(fs.readFileSync(p, 'utf8')).name === 'cdktf-microseg') return dir;
    dir = path.dirname(dir);
  }
  throw new Error('cannot find the cdktf-microseg package folder');
}

export function packageVersion(): string {
  try {
    return JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')).version;
  } catch {
    return '0.0.0';
  }
}

/** The bundled example policy that `npm start` runs. */
export function examplePolicyPath(): string {
  return path.join(packageRoot(), 'examples', 'shop', 'policy.yaml');
}
