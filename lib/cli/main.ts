/**
 * The `microseg` command line: argument parsing and wiring only. Each
 * command lives in commands/<name>.ts and registers itself here.
 */
import { Command, CommanderError } from 'commander';
import { EXIT_INTERNAL, EXIT_OK, EXIT_USAGE, UsageError } from './errors';
import { CliIO, processIO } from './io';
import { packageVersion } from './package-root';
import { suggest } from '../model/suggest';
import * as compile from './commands/compile';
import * as demo from './commands/demo';
import * as diff from './commands/diff';
import * as discover from './commands/discover';
import * as drift from './commands/drift';
import * as explain from './commands/explain';
import * as graph from './commands/graph';
import * as impact from './commands/impact';
import * as lint from './commands/lint';
import * as report from './commands/report';
import * as stale from './commands/stale';
import * as validate from './commands/validate';
import * as verify from './commands/verify';

type Registrar = { register(program: Command, io: CliIO, done: (code: number) => void): void };

/** Commands in the order `--help` lists them. Add new commands here. */
const COMMANDS: Registrar[] = [validate, lint, compile, explain, diff, verify, graph, report, impact, stale, discover, drift, demo];

/** Run the CLI; resolves to the exit code. Never throws for user errors. */
export async function main(argv: readonly string[], io: CliIO = processIO()): Promise<number> {
  let code = EXIT_OK;
  const program = new Command('microseg')
    .description('one label-based microsegmentation policy, compiled exactly to AWS, Azure and GCP')
    .version(packageVersion(), '-V, --version')
    .exitOverride()
    .showHelpAfterError('(run microseg --help for the commands, or microseg COMMAND --help)')
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });
  for (const c of COMMANDS) c.register(program, io, (n) => (code = n));
  // commander reads `microseg typo --help` as the program's --help and exits 0; a script with a
  // mistyped command must fail instead, so an unknown first word is refused before parsing.
  const first = argv[0];
  if (first !== undefined && !first.startsWith('-') && first !== 'help' && !program.commands.some((c) => c.name() === first || c.aliases().includes(first))) {
    const names = program.commands.map((c) => c.name());
    const near = suggest(first, names);
    io.err(`error: unknown command '${first}'${near ? `\n(Did you mean ${near}?)` : ''}\n(run microseg --help for the commands, or microseg COMMAND --help)\n`);
    return EXIT_USAGE;
  }
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version exit 0 through here; everything else is bad usage.
      return e.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    if (e instanceof UsageError) {
      io.err(`microseg: ${e.message}\n`);
      return EXIT_USAGE;
    }
    const err = e as NodeJS.ErrnoException;
    if (err && (['ENOENT', 'EACCES', 'EPERM', 'EISDIR', 'ENOTDIR', 'EEXIST', 'EROFS', 'ENOSPC'].includes(err.code ?? ''))) {
      io.err(`microseg: ${err.message}\n`);
      return EXIT_USAGE;
    }
    io.err(`microseg: internal error: ${(e as Error).stack ?? e}\nPlease report this with the policy that caused it.\n`);
    return EXIT_INTERNAL;
  }
}

/** Entry point for bin/microseg.js. */
export function run(): void {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.stderr.write(String(e) + '\n');
      process.exitCode = EXIT_INTERNAL;
    },
  );
}
