import fs from 'node:fs';
import path from 'node:path';
import { removeEmptyFolders } from '../files/create-folders.js';
import { refuseTrackedPath } from '../files/git-work-tree.js';
import { TenantctlError } from '../diagnostics/tenantctl-error.js';
import { onDemand } from '../on-demand.js';
import { connectionLoss } from './connection-loss.js';
import type { Database } from './database.js';
import { removeDatabaseFiles, removeMadeFolders, type CreatedDatabase } from './discard-created-database.js';
import { maskUrl, parseDatabaseUrl } from './database-url.js';
import { instrumentDatabase, type DebugHooks } from './debug-hooks.js';
import { checkEmbeddedFolder } from './embedded-folder.js';
import { acquireEmbeddedLock } from './embedded-lock.js';
import { makeTreePrivate, restrictUmask } from '../files/private-tree.js';
import { prepareDatabaseParent } from '../files/state-folder.js';

// Each engine's driver is loaded only when a database of its kind is opened:
// PGlite alone is half a megabyte of JavaScript to compile on every start.
const loadPostgres = onDemand('the PostgreSQL driver', 'to open a PostgreSQL database', () => import('./postgres-database.js'));
const loadEmbedded = onDemand('PGlite', 'to open the embedded database', () => import('./embedded-database.js'));

export interface OpenOptions {
  readonly url: string;
  /** Shown to other sessions (pg_stat_activity, the embedded lock file). */
  readonly actor: string;
  /** How long to wait for an embedded database another process has open. */
  readonly lockTimeoutMs: number;
  /** Create an embedded database that does not exist yet (init only). */
  readonly create?: boolean;
  /** Test-only tracing and slowing down (see debug-hooks.ts). */
  readonly debug?: DebugHooks;
}

function connectionProblem(cause: unknown): string {
  const err = cause as NodeJS.ErrnoException & { code?: string };
  switch (err.code) {
    case 'ECONNREFUSED':
      return 'connection refused (is the server running and listening there?)';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host not found';
    case 'ETIMEDOUT':
      return 'connection timed out';
    case '28P01':
      return 'password authentication failed';
    case '28000':
      // The server's reason names the role or the pg_hba.conf rule (no password): what to fix.
      return `authentication rejected by the server (${String(err.message ?? '').split('\n')[0]})`;
    case '3D000':
      return 'the database does not exist';
    case '42501':
      // CONNECT revoked from PUBLIC, as the README's roles setup does for a server with several tenants.
      return `${String(err.message ?? '').split('\n')[0]}: the database's owner lets a login role connect with GRANT CONNECT ON DATABASE name TO role`;
    default:
      return connectionLoss(cause) ?? String(err.message ?? cause).split('\n')[0] ?? 'unknown error';
  }
}

/**
 * PGlite fails on a damaged folder with WebAssembly's own words ("Aborted()",
 * "failed to initialize properly"), or a bare object; say what it means.
 */
function embeddedProblem(cause: unknown): string {
  const code = (cause as NodeJS.ErrnoException | null)?.code;
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return connectionProblem(cause);
  const said = cause instanceof Error ? (cause.message.split('\n')[0] ?? '').replace(/\s*Build with -s\w+ for more info\.?/, '').slice(0, 200) : '';
  return `its files are damaged${said ? ` (${said})` : ''}; restore the folder from a backup, or move it away and run \`tenantctl init\``;
}

/** Opens the database a URL names; failures are one line naming the masked URL. */
const NOT_IN_GIT = 'give --database a folder outside the repository, or have git ignore it (the default .tenantctl/db is ignored)';

/** An empty folder is no database either: a command that only reads must not make one there. */
function missingOrEmpty(directory: string): boolean {
  try {
    return fs.readdirSync(directory).length === 0;
  } catch (cause) {
    return (cause as NodeJS.ErrnoException).code === 'ENOENT';
  }
}

/**
 * A database as opened. `closeDiscarding` closes it and removes the embedded
 * database this opening created (with `create`), for init refused after
 * opening it; any other database it only closes.
 */
export interface OpenedDatabase extends Database {
  closeDiscarding(): Promise<void>;
}

export async function openDatabase(options: OpenOptions): Promise<OpenedDatabase> {
  const db = await openLocation(options);
  return options.debug ? { ...instrumentDatabase(db, options.debug), closeDiscarding: db.closeDiscarding } : db;
}

const closingOnly = (db: Database): OpenedDatabase => ({ ...db, closeDiscarding: db.close });

async function openLocation(options: OpenOptions): Promise<OpenedDatabase> {
  const location = parseDatabaseUrl(options.url);
  const displayUrl = maskUrl(options.url);
  if (location.kind === 'postgres') {
    const { openPostgres } = await loadPostgres();
    try {
      return closingOnly(await openPostgres(location.url, displayUrl, `tenantctl ${options.actor}`));
    } catch (cause) {
      throw new TenantctlError(`cannot connect to ${displayUrl}: ${connectionProblem(cause)}`);
    }
  }
  if (location.directory === null) {
    const { openEmbedded } = await loadEmbedded();
    return closingOnly(await openEmbedded(null, displayUrl, options.debug?.trace));
  }
  const directory = location.directory;
  if (!options.create && missingOrEmpty(directory)) {
    throw new TenantctlError(`there is no database at ${displayUrl}: run \`tenantctl init --catalog FILE\` first`);
  }
  // Made for the database below; a refused database leaves no empty folders behind either.
  let firstMade: string | undefined;
  try {
    restrictUmask();
    prepareDatabaseParent(directory, (top) => {
      firstMade ??= top;
    });
    // Its files hold password hashes, sealed credentials and the audit trail: a routine
    // `git add -A` must not commit them (checked once .tenantctl/'s .gitignore is in place).
    if (options.create && missingOrEmpty(directory)) refuseTrackedPath(directory, 'to create the embedded database at', NOT_IN_GIT, 'PG_VERSION');
  } catch (cause) {
    removeEmptyFolders(path.dirname(directory), firstMade);
    if (cause instanceof TenantctlError) throw cause;
    throw new TenantctlError(`cannot create the embedded database at ${displayUrl}: ${connectionProblem(cause)}`);
  }
  // Loaded only now: a folder that holds no database is refused without compiling PGlite.
  const { openEmbedded } = await loadEmbedded();
  const release = await acquireEmbeddedLock(directory, options.actor, options.lockTimeoutMs);
  let created: CreatedDatabase | undefined;
  try {
    checkEmbeddedFolder(directory, displayUrl);
    if (options.create && missingOrEmpty(directory)) created = { directory, folderExisted: fs.existsSync(directory), firstMade };
    // Files an older tenantctl (or another umask) left readable become private.
    makeTreePrivate(directory);
  } catch (cause) {
    release();
    throw cause;
  }
  try {
    const db = await openEmbedded(directory, displayUrl, options.debug?.trace);
    const opened: OpenedDatabase = {
      ...db,
      async closeDiscarding() {
        if (created === undefined) return opened.close();
        try {
          await db.close();
          removeDatabaseFiles(created);
        } finally {
          release();
        }
        removeMadeFolders(created);
      },
      async close() {
        try {
          await db.close();
        } finally {
          // PGlite sets some files' modes itself (pg_internal.init 0644).
          try {
            makeTreePrivate(directory);
          } catch {
            // Checked again, with a message, on the next open.
          }
          release();
        }
      },
    };
    return opened;
  } catch (cause) {
    // What PGlite made of a new database before failing is no database either.
    if (created !== undefined) removeDatabaseFiles(created);
    release();
    if (created !== undefined) removeMadeFolders(created);
    throw new TenantctlError(`cannot open the embedded database at ${displayUrl}: ${embeddedProblem(cause)}`);
  }
}
