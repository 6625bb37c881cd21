// Starts a throwaway PostgreSQL 15 server: for the test suite (through
// test/support/postgres-server.ts) and for `npm run bench`.
import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chown, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const execFileAsync = promisify(execFile);

const PG_BIN_DIR = '/usr/lib/postgresql/15/bin';
const TEST_USER = 'tenantctl_test';

/**
 * `stop` ends the server for good and deletes its files; `halt` shuts it down
 * (`pg_ctl stop -m MODE`) keeping them, and `restart` starts it again on the
 * same port (the fault tests).
 * @typedef {{ url: string, stop(): Promise<void>, halt(mode: 'smart' | 'fast' | 'immediate'): Promise<void>, restart(): Promise<void> }} PostgresServer
 */

// Absolute path of a server binary: the versioned dir first, so a different
// major version earlier on PATH cannot be picked up by accident.
function findBinary(name) {
  const dirs = [PG_BIN_DIR, ...(process.env.PATH ?? '').split(delimiter)];
  for (const dir of dirs) {
    if (dir !== '' && existsSync(join(dir, name))) return join(dir, name);
  }
  return null;
}

export function postgresAvailable() {
  return ['initdb', 'pg_ctl', 'postgres'].every((name) => findBinary(name) !== null);
}

function requireBinary(name) {
  const path = findBinary(name);
  if (path === null) throw new Error(`PostgreSQL binary not found: ${name}`);
  return path;
}

// The server refuses to run as root, so as root every server command runs as
// the `postgres` system user instead.
const asRoot = process.getuid?.() === 0;

async function runPg(binary, args, cwd) {
  const [file, argv] = asRoot
    ? ['runuser', ['-u', 'postgres', '--', binary, ...args]]
    : [binary, args];
  // cwd is the temp dir because the postgres user may not be able to read ours.
  await execFileAsync(file, argv, { cwd, encoding: 'utf8' });
}

function postgresIds() {
  const id = (flag) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address !== null
          ? resolve(address.port)
          : reject(new Error('could not pick a free TCP port')),
      );
    });
  });
}

// execFile's error message already ends with the command's stderr; add stdout.
function describeFailure(error) {
  const { message, stdout } = error;
  return [message, stdout].filter((part) => part !== undefined && part.trim() !== '').join('\n');
}

async function logTail(logFile, lines = 40) {
  const text = await readFile(logFile, 'utf8').catch(() => '(no server log)');
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

/**
 * With `durableCommits`, synchronous_commit stays on, so a commit survives an
 * immediate shutdown (a crash) of the server: the fault tests restart theirs.
 * @param {{ durableCommits?: boolean }} [options]
 * @returns {Promise<PostgresServer>}
 */
export async function startPostgres(options = {}) {
  const initdb = requireBinary('initdb');
  const pgCtl = requireBinary('pg_ctl');

  // mkdtemp makes the dir 0700; as root we hand it to postgres instead of
  // widening the mode, so only the server user can read the cluster.
  const dir = await mkdtemp(join(tmpdir(), 'tenantctl-pg-'));
  const dataDir = join(dir, 'data');
  const logFile = join(dir, 'server.log');

  let started = false;
  const stop = async () => {
    if (started) {
      started = false;
      // Immediate mode: the data is thrown away, so skip the shutdown checkpoint.
      await runPg(pgCtl, ['stop', '-D', dataDir, '-m', 'immediate', '-w'], dir).catch(() => undefined);
    }
    await rm(dir, { recursive: true, force: true });
  };

  try {
    if (asRoot) {
      const { uid, gid } = postgresIds();
      await chown(dir, uid, gid);
    }
    await runPg(initdb, ['-D', dataDir, '--auth=trust', `--username=${TEST_USER}`, '-E', 'UTF8', '--locale=C', '--no-sync'], dir);

    const port = await freePort();
    // Durability settings are off: the cluster is deleted after the run. Without
    // fsync a commit still survives the server's crash (not the machine's).
    const serverOptions = [
      `-k '${dir}'`,
      `-p ${port}`,
      '-c listen_addresses=127.0.0.1',
      '-c fsync=off',
      options.durableCommits ? '' : '-c synchronous_commit=off',
      '-c full_page_writes=off',
    ].filter((option) => option !== '').join(' ');
    const start = () => runPg(pgCtl, ['start', '-D', dataDir, '-l', logFile, '-w', '-t', '30', '-o', serverOptions], dir);
    started = true;
    await start();

    return {
      url: `postgres://${TEST_USER}@127.0.0.1:${port}/postgres`,
      stop,
      async halt(mode) {
        await runPg(pgCtl, ['stop', '-D', dataDir, '-m', mode, '-w', '-t', '60'], dir);
        started = false;
      },
      async restart() {
        started = true;
        await start();
      },
    };
  } catch (error) {
    const tail = await logTail(logFile);
    await stop();
    throw new Error(`Could not start PostgreSQL: ${describeFailure(error)}\n--- server log (tail) ---\n${tail}`);
  }
}

/** A fresh PostgreSQL data directory (initdb, never started) in a new temp folder; returns its path. */
export async function initDataDirectory() {
  const dir = await mkdtemp(join(tmpdir(), 'tenantctl-pgdata-'));
  if (asRoot) {
    const { uid, gid } = postgresIds();
    await chown(dir, uid, gid);
  }
  const dataDir = join(dir, 'data');
  await runPg(requireBinary('initdb'), ['-D', dataDir, '--auth=trust', `--username=${TEST_USER}`, '-E', 'UTF8', '--locale=C', '--no-sync'], dir);
  return dataDir;
}

/**
 * Creates a database on the server at adminUrl and returns its URL; with
 * `template`, a copy of that database (which must have no connections).
 */
export async function createDatabase(adminUrl, name, template) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const copy = template ? ` TEMPLATE ${pg.escapeIdentifier(template)}` : '';
    await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}${copy}`);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${encodeURIComponent(name)}`;
  return url.toString();
}
