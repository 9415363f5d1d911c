/** Exit codes of every command (README.md, docs/diagnostics.md). */
export const EXIT_OK = 0;
/** The policy has errors, or findings at or above --fail-on, or verification failed. */
export const EXIT_FINDINGS = 1;
/** Bad usage or an unreadable file. */
export const EXIT_USAGE = 2;
/** A bug of ours (sysexits' EX_SOFTWARE): never the user's input, always worth a report. */
export const EXIT_INTERNAL = 70;

/** A user error: printed as one line, no stack trace, exit 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
