import fs from 'node:fs';
import path from 'node:path';
import { readInputFile } from '../config/read-input-file.js';
import { TenantctlError } from '../diagnostics/tenantctl-error.js';

/**
 * The PostgreSQL major version of the bundled PGlite: what an embedded
 * database folder's PG_VERSION must say (a test pins it to the library).
 */
export const EMBEDDED_POSTGRES_MAJOR = '18';

/**
 * Refuses a folder PGlite must not be pointed at, before it is: PGlite would
 * run initdb into any folder without a PG_VERSION (mixing its files with
 * someone else's) and aborts inside WebAssembly on one it cannot read. An
 * absent or empty folder is fine (init creates the database there).
 */
export function checkEmbeddedFolder(directory: string, displayUrl: string): void {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(directory);
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new TenantctlError(`cannot read the embedded database folder ${displayUrl}: ${(cause as Error).message}`);
  }
  if (!stat.isDirectory()) {
    throw new TenantctlError(`${displayUrl} is a file, not an embedded database folder: give --database a folder path (or a postgres:// URL)`);
  }
  const entries = fs.readdirSync(directory);
  if (entries.length === 0) return;
  if (!entries.includes('PG_VERSION')) {
    throw new TenantctlError(
      `${displayUrl} is not a tenantctl database: the folder holds ${entries.length} other file(s) and no PG_VERSION; give --database a new or empty folder`,
    );
  }
  const version = readVersion(path.join(directory, 'PG_VERSION'));
  if (typeof version !== 'string') {
    throw new TenantctlError(
      `the embedded database at ${displayUrl} is damaged: its PG_VERSION file is ${version.why}; restore the folder from a backup, or move it away and run \`tenantctl init\``,
    );
  }
  if (version !== EMBEDDED_POSTGRES_MAJOR) {
    throw new TenantctlError(
      `${displayUrl} holds a PostgreSQL ${version} data directory, but the embedded database is PostgreSQL ${EMBEDDED_POSTGRES_MAJOR}: ` +
        'serve that folder with a PostgreSQL server and use its postgres:// URL, or give --database another folder',
    );
  }
}

/**
 * PG_VERSION holds a few bytes. Read as every input is (readInputFile): a
 * FIFO there hung every command for good, a link to /dev/zero read until
 * memory ran out.
 */
function readVersion(file: string): string | { readonly why: string } {
  const read = readInputFile(file, 16, 'PG_VERSION');
  if (read.problem?.kind === 'not-a-file') return { why: 'not a regular file' };
  if (read.problem) return { why: 'unreadable' };
  const text = read.bytes.toString('utf8');
  return /^\d{1,3}\n?$/.test(text) ? text.trim() : { why: 'unreadable' };
}
