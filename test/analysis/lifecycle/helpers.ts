import * as path from 'path';
import { memoryIO } from '../../../lib/cli/io';
import { main } from '../../../lib/cli/main';
import { loadPolicy } from '../../../lib/model/policy';
import { resolve } from '../../../lib/resolve/resolve';

export const FIX = path.join(__dirname, '../../fixtures/lifecycle');
export const fix = (name: string) => path.join(FIX, name);

export function fixturePolicy(name = 'policy.yaml') {
  const { policy, diagnostics } = loadPolicy(fix(name));
  if (!policy) throw new Error(diagnostics.map((d) => d.message).join('\n'));
  return resolve(policy);
}

export async function run(args: string[], cwd = FIX) {
  const io = memoryIO(cwd);
  const code = await main(args, io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}
