import type { Command } from 'commander';
import os from 'node:os';
import { DEFAULT_DATABASE } from '../src/db/database-url.js';
import type { Database } from '../src/db/database.js';
import type { DebugHooks } from '../src/db/debug-hooks.js';
import { requireSchema } from '../src/db/migrate.js';
import { openDatabase, type OpenedDatabase } from '../src/db/open-database.js';
import { checkRowVersionsAllowed } from '../src/state/read-state.js';
import { TenantctlError } from '../src/diagnostics/tenantctl-error.js';
import { booleanVariable } from './boolean-variables.js';

export interface DatabaseOptions {
  readonly database?: string;
  readonly actor?: string;
  readonly lockTimeout?: number;
}

export function databaseUrl(options: DatabaseOptions): string {
  const fromEnvironment = process.env.TENANTCTL_DATABASE_URL;
  // A CI secret the job cannot read (a fork's pull request) is set, empty: name the variable, not an "empty URL".
  if (options.database === undefined && fromEnvironment !== undefined && fromEnvironment.trim() === '') {
    throw new TenantctlError(
      'TENANTCTL_DATABASE_URL is set but empty (a CI secret this job cannot read?): set it to postgres://…, memory:// or a folder path, or unset it for the embedded database in .tenantctl/db',
    );
  }
  return options.database ?? fromEnvironment ?? DEFAULT_DATABASE;
}

/**
 * Test-only hooks (README, "Guarantees"): TENANTCTL_DEBUG_TRACE=1 reports the
 * progress of every transaction on stderr, TENANTCTL_DEBUG_STATEMENT_DELAY_MS
 * sleeps before each statement inside a transaction, so crash tests can kill inside a transaction.
 */
function debugHooks(): DebugHooks | undefined {
  const delay = Number(process.env.TENANTCTL_DEBUG_STATEMENT_DELAY_MS ?? 0);
  const tracing = booleanVariable('TENANTCTL_DEBUG_TRACE');
  if (!tracing && !(delay > 0)) return undefined;
  return {
    statementDelayMs: Number.isFinite(delay) && delay > 0 ? delay : 0,
    trace: tracing ? (event) => process.stderr.write(`tenantctl debug: ${event}\n`) : null,
  };
}

/** --lock-timeout in milliseconds: how long a command waits for a lock another process or session holds (10 s unless given). */
export function lockTimeoutMs(options: { readonly lockTimeout?: number | undefined }): number {
  return (options.lockTimeout ?? 10) * 1000;
}

/** The database `work` needs, opened and checked; closed again if the check fails. */
async function openChecked(options: DatabaseOptions & { readonly actor: string }, requireInitialised: boolean): Promise<OpenedDatabase> {
  const db = await openDatabase({
    url: databaseUrl(options),
    actor: `${options.actor}@${os.hostname()}`,
    lockTimeoutMs: lockTimeoutMs(options),
    create: !requireInitialised,
    debug: debugHooks(),
  });
  try {
    if (requireInitialised) {
      await requireSchema(db);
      await checkRowVersionsAllowed(db);
    }
    return db;
  } catch (cause) {
    await db.close();
    throw cause;
  }
}

/**
 * Opens the database, runs `work`, and always closes it. Every command but
 * init requires an initialised schema of this tool's version; init creates an
 * embedded database that is not there, and removes it again when `work`
 * fails: a refused init leaves no database (nor folder) behind.
 */
export async function withDatabase<T>(
  options: DatabaseOptions & { readonly actor: string },
  work: (db: Database) => Promise<T>,
  { requireInitialised = true } = {},
): Promise<T> {
  const db = await openChecked(options, requireInitialised);
  let done = false;
  try {
    const result = await work(db);
    done = true;
    return result;
  } finally {
    await (done || requireInitialised ? db.close() : db.closeDiscarding());
  }
}

/** The database of a command with several steps, each run by `use`; `close` when the command ends. */
export interface DatabaseSession {
  use<T>(work: (db: Database) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/**
 * With `keepOpen`, the steps share one opening of the database: `apply
 * --auto-approve` plans and applies without starting the embedded database
 * twice (0.3–0.4 s of CPU each start). Without it each step opens and closes
 * it, so nothing is held open while a person answers a prompt.
 */
export function databaseSession(options: DatabaseOptions & { readonly actor: string }, { keepOpen }: { readonly keepOpen: boolean }): DatabaseSession {
  let kept: Database | undefined;
  const session: DatabaseSession = {
    async use(work) {
      if (!keepOpen) return withDatabase(options, work);
      kept ??= await openChecked(options, true);
      return work(kept);
    },
    async close() {
      const db = kept;
      kept = undefined;
      await db?.close();
    },
  };
  return session;
}

/** A day: longer is a job that hangs, and PostgreSQL's lock_timeout holds at most about 24 days. */
const MAX_LOCK_TIMEOUT = 86_400;

export function parseSeconds(value: string): number {
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds < 0 || seconds > MAX_LOCK_TIMEOUT) {
    throw new TenantctlError(`--lock-timeout takes seconds from 0 to ${MAX_LOCK_TIMEOUT} (a day), e.g. 30 (got ${value})`);
  }
  return seconds;
}

/** How long a command waits for the embedded database another process has open, for another apply, or (deliver) for a lock on the outbox. */
export const LOCK_TIMEOUT_HELP = 'seconds to wait while another tenantctl holds the embedded database, another apply the tenant lock, or another session the outbox deliver sends from (default 10)';

/** --database, --actor and --lock-timeout, on every command that opens the database. */
export function addDatabaseOptions(command: Command): Command {
  return command
    .option('--database <url>', `postgres://…, a folder (embedded database) or memory:// (default: $TENANTCTL_DATABASE_URL or ${DEFAULT_DATABASE})`)
    .option('--actor <name>', 'who is acting, for the audit trail (default: the CI user, else the OS user)')
    .option('--lock-timeout <seconds>', LOCK_TIMEOUT_HELP, parseSeconds);
}
