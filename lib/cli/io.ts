/**
 * Where the CLI writes. Commands never touch process.stdout directly, so
 * tests run them in-process and read what they printed.
 */
export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  /** True when stdout is a terminal: colour and progress only then. */
  readonly isTTY: boolean;
  /** True when stderr is a terminal: progress bars go there (so `discover … > proposed.yaml` still shows one). */
  readonly errIsTTY?: boolean;
  readonly cwd: string;
}

export function processIO(): CliIO {
  return {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    isTTY: Boolean(process.stdout.isTTY),
    errIsTTY: Boolean(process.stderr.isTTY),
    cwd: process.cwd(),
  };
}

/** Collects output; for tests. */
export function memoryIO(cwd = process.cwd()): CliIO & { stdout: string; stderr: string } {
  const io = {
    stdout: '',
    stderr: '',
    isTTY: false,
    cwd,
    out(t: string) {
      io.stdout += t;
    },
    err(t: string) {
      io.stderr += t;
    },
  };
  return io;
}
