import type { Command } from 'commander';
import { CommanderError } from 'commander';
import { connectionLoss } from '../src/db/connection-loss.js';
import { DEFAULT_DATABASE, maskUrl } from '../src/db/database-url.js';
import { error, type Diagnostic } from '../src/diagnostics/diagnostic.js';
import { ExitCode, TenantctlError } from '../src/diagnostics/tenantctl-error.js';
import { fileSystemReason, isFileSystemError } from '../src/files/file-system-refusal.js';
import { terminalMessage } from '../src/render/escape-terminal.js';
import { booleanVariable } from './boolean-variables.js';
import { hideCommandLineSecrets } from './command-line-secrets.js';
import { reportDiagnostics } from './report-diagnostics.js';
import { err, out } from './terminal.js';

/**
 * A lost connection that escaped the database layer (which names the server
 * itself): still one line, naming the server as the command was given it.
 */
function lostConnection(cause: unknown): string | null {
  const why = connectionLoss(cause);
  if (why === null) return null;
  // The last --database before a `--` is the one used (given before and after the command, the command's).
  const end = process.argv.indexOf('--');
  const argv = end < 0 ? process.argv : process.argv.slice(0, end);
  const flag = argv.findLastIndex((arg, i) => (arg === '--database' && i + 1 < argv.length) || arg.startsWith('--database='));
  const given = flag < 0 ? undefined : argv[flag]?.includes('=') ? argv[flag]?.slice('--database='.length) : argv[flag + 1];
  return `lost the connection to ${maskUrl(given ?? process.env.TENANTCTL_DATABASE_URL ?? DEFAULT_DATABASE)} (${why})`;
}

const ATTEMPTS: Readonly<Record<string, string>> = {
  mkdir: 'create the folder',
  open: 'open',
  lstat: 'look at',
  stat: 'look at',
  scandir: 'read the folder',
  rename: 'rename',
  link: 'create',
  unlink: 'remove',
  rmdir: 'remove',
  chmod: 'change the mode of',
  write: 'write',
};

/**
 * The operating system refusing a path the user gave (a file where a folder
 * should be, no permission, a full disk): one line naming the path, not a
 * bug report. pg's errors have no path, so they are never taken for this.
 */
function fileSystemRefusal(cause: unknown): string | null {
  if (!isFileSystemError(cause) || typeof cause.path !== 'string') return null;
  return `cannot ${ATTEMPTS[cause.syscall] ?? 'use'} ${cause.path}: ${fileSystemReason(cause)}`;
}

/**
 * SQLSTATE 42501: the role in the database URL lacks a privilege. Usually the
 * URL of another command's role (sql/roles.sql), so say which role does what.
 */
const INSUFFICIENT_PRIVILEGE = '42501';
const ROLES_FOR_COMMANDS =
  'sql/roles.sql gives tenantctl_reader what validate, plan, drift, export and history need, tenantctl_writer apply and tenantctl_deliverer deliver; init needs the owner';

/** A pg error that escaped: name the constraint rather than print a stack. */
function databaseRefusal(cause: unknown): string | null {
  const pgError = cause as { code?: string; message?: string; constraint?: string; detail?: string };
  if (typeof pgError.code !== 'string' || !/^[0-9A-Z]{5}$/.test(pgError.code)) return null;
  if (pgError.code === INSUFFICIENT_PRIVILEGE) {
    return `the database role of this connection may not do what this command needs (${pgError.message}); ${ROLES_FOR_COMMANDS}; nothing was changed`;
  }
  const constraint = pgError.constraint ? ` (constraint ${pgError.constraint})` : '';
  return `the database refused the change${constraint}: ${pgError.message}${shownDetail(pgError.code, pgError.detail)}; nothing was changed`;
}

/**
 * PostgreSQL details a CHECK or NOT NULL failure with the whole row: of a
 * user, that is its password hash and sealed credential, which must not reach
 * a CI log. The row is named, not shown; other details (a duplicate key) are.
 */
function shownDetail(code: string, detail: string | undefined): string {
  if (!detail) return '';
  const wholeRow = ROW_DETAILED.has(code) || detail.startsWith('Failing row contains');
  return wholeRow ? ': the failing row is not shown, as it may hold a password hash' : `: ${detail}`;
}

/** not_null_violation and check_violation, by code: a server may word its details in another language. */
const ROW_DETAILED = new Set(['23502', '23514']);

/**
 * Whether the command line asked for JSON: from the parsed command when it
 * got that far, else from the raw arguments (commander refused them) before
 * a `--`, after which `--format json` is two operands, not the option.
 */
export function asksForJson(argv: readonly string[], command: Command | undefined): boolean {
  if (command) return command.opts().format === 'json';
  const end = argv.indexOf('--');
  const options = end < 0 ? argv : argv.slice(0, end);
  return options.some((arg, i) => arg === '--format=json' || (arg === '--format' && options[i + 1] === 'json'));
}

interface Failure {
  readonly exitCode: number;
  /** For standard error; commander has printed its own already. */
  readonly text: string | null;
  /** The same failure for a script reading the JSON on standard output. */
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * TENANTCTL_DEBUG. A value neither yes nor no is refused before a command runs
 * (main.ts); a bug before that (loading a command) shows the trace for it, as
 * whoever set the variable wanted something shown.
 */
function debugWanted(): boolean {
  try {
    return booleanVariable('TENANTCTL_DEBUG');
  } catch {
    return true;
  }
}

/**
 * Stable codes for failures that are not about one place in the
 * configuration: USAGE (the command line), FAILED (an expected refusal, its
 * message says why), CANCELLED (Ctrl-C/Ctrl-D at a prompt), DATABASE_REFUSED,
 * INTERNAL_ERROR (a bug).
 */
function describe(cause: unknown): Failure {
  if (cause instanceof CommanderError) {
    const exitCode = cause.exitCode === 0 ? ExitCode.ok : ExitCode.error;
    return { exitCode, text: null, diagnostics: [error('USAGE', cause.message.replace(/^error: /, '').replace(/\s*\n\s*/g, ' '))] };
  }
  if (cause instanceof TenantctlError) {
    const cancelled = cause.exitCode === ExitCode.cancelled;
    const own = error(cancelled ? 'CANCELLED' : 'FAILED', cause.message);
    return {
      exitCode: cause.exitCode,
      text: cancelled ? cause.message : `Error: ${cause.message}`,
      diagnostics: cause.diagnostics.length > 0 ? cause.diagnostics : [own],
    };
  }
  const lost = lostConnection(cause);
  if (lost) return { exitCode: ExitCode.error, text: `Error: ${lost}`, diagnostics: [error('FAILED', lost)] };
  const refused = fileSystemRefusal(cause);
  if (refused) return { exitCode: ExitCode.error, text: `Error: ${refused}`, diagnostics: [error('FAILED', refused)] };
  const refusal = databaseRefusal(cause);
  if (refusal) return { exitCode: ExitCode.error, text: `Error: ${refusal}`, diagnostics: [error('DATABASE_REFUSED', refusal)] };
  const message = `internal error: ${(cause as Error)?.message ?? String(cause)}`;
  const debug = debugWanted() ? `\n${String((cause as Error)?.stack ?? cause)}` : '';
  return {
    exitCode: ExitCode.error,
    text: `Error: ${message}\nThis is a bug in tenantctl; please report it. Set TENANTCTL_DEBUG=1 to see the stack trace.${debug}`,
    diagnostics: [error('INTERNAL_ERROR', message)],
  };
}

/**
 * What stopped the command, every argument that may hold a password masked
 * wherever a message quotes it (command-line-secrets.ts). Masked before the
 * diagnostics are made, which cut a long quoted value short.
 */
function describeHidden(cause: unknown, hide: (message: string) => string): Failure {
  // describe reads the cause's own message (a CommanderError's, a TenantctlError's): masked there too.
  if (cause instanceof Error) {
    const message = hide(cause.message);
    if (message !== cause.message) cause.message = message;
  }
  const failure = describe(cause);
  return {
    ...failure,
    text: failure.text === null ? null : hide(failure.text),
    diagnostics: failure.diagnostics.map((diagnostic) => {
      const message = hide(diagnostic.message);
      return message === diagnostic.message ? diagnostic : { ...diagnostic, message };
    }),
  };
}

/** Reports what stopped the command, on stderr and (when JSON was asked for) on stdout; returns the exit code. */
export function reportFailure(cause: unknown, json: boolean): number {
  const failure = describeHidden(cause, hideCommandLineSecrets);
  // Messages quote file names, paths and values: shown, never obeyed.
  if (failure.text) err(terminalMessage(failure.text));
  if (json && failure.exitCode !== ExitCode.ok) out(reportDiagnostics(failure.diagnostics, 'json'));
  return failure.exitCode;
}
