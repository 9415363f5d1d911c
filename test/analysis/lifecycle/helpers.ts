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

/** Run the CLI in the fixtures directory, collecting stdout and stderr apart; `errIsTTY` as a terminal would. */
export async function capture(args: string[], opts: { errIsTTY?: boolean } = {}) {
  const io = { ...memoryIO(FIX), ...(opts.errIsTTY ? { errIsTTY: true } : {}) };
  // memoryIO's methods close over its own object: re-bind the collectors.
  let stdout = '';
  let stderr = '';
  io.out = (t: string) => void (stdout += t);
  io.err = (t: string) => void (stderr += t);
  const code = await main(args, io);
  return { code, stdout, stderr };
}
