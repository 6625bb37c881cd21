import type { Diagnostic } from './diagnostic.js';

/**
 * Exit codes of INTERFACE.md. `error` covers everything that leaves the
 * database untouched for a reason the user must fix; `approvalNeeded` is apply
 * stopping before any change because an approval flag was not given;
 * `cancelled` is Ctrl-C or Ctrl-D at a prompt; `closedPipe` is the reader of
 * standard output going away (128 + SIGPIPE, as a shell reports it).
 */
export const ExitCode = { ok: 0, error: 1, changes: 2, approvalNeeded: 3, cancelled: 130, closedPipe: 141 } as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * An expected failure with a message meant for the user (never a stack trace).
 * Anything else that reaches the CLI's top level is a bug and is reported as one.
 */
export class TenantctlError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode = ExitCode.error,
    readonly diagnostics: readonly Diagnostic[] = [],
  ) {
    super(message);
    this.name = 'TenantctlError';
  }
}
