import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMBEDDED_POSTGRES_MAJOR } from '../../src/db/embedded-folder.js';
import { runCli, tempDir, type CliResult } from '../support/cli.js';
import { initDataDirectory, postgresAvailable } from '../support/postgres-server.js';
import { contosoFolder } from '../support/contoso-database.js';

const CATALOG = 'examples/contoso/catalog.yaml';

/** Lists a folder's files, recursively, with sizes: to prove a refused folder was left alone. */
function inventory(dir: string): string[] {
  if (!fs.statSync(dir).isDirectory()) return [`${fs.statSync(dir).size}`];
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort().map((name) => {
    const stat = fs.statSync(path.join(dir, name));
    return `${name} ${stat.isDirectory() ? 'dir' : stat.size}`;
  });
}

function expectOneLine(result: CliResult, pattern: RegExp): void {
  expect(result.code).toBe(1);
  expect(result.stdout).toBe('');
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^Error: /);
  expect(lines[0]).toMatch(pattern);
  expect(result.stderr).not.toMatch(/^\s+at |RuntimeError|wasm|-sASSERTIONS|\[object Object\]/m);
}

describe('an embedded database folder that is damaged or foreign', () => {
  let dir: string;
  let healthy: string;

  beforeAll(() => {
    dir = tempDir('tenantctl-folder-');
    healthy = contosoFolder('initialised', path.join(dir, 'healthy'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** A copy of the healthy database to damage. */
  const copy = (name: string) => {
    const target = path.join(dir, name);
    fs.cpSync(healthy, target, { recursive: true });
    return target;
  };

  it('the bundled PGlite writes the PostgreSQL version the folder check expects', () => {
    expect(fs.readFileSync(path.join(healthy, 'PG_VERSION'), 'utf8').trim()).toBe(EMBEDDED_POSTGRES_MAJOR);
  });

  it('a folder of unrelated files is refused by every command, init included, and left untouched', async () => {
    const foreign = path.join(dir, 'foreign');
    fs.mkdirSync(foreign);
    fs.writeFileSync(path.join(foreign, 'notes.txt'), 'my notes\n');
    fs.writeFileSync(path.join(foreign, 'junk.bin'), Buffer.from([0, 1, 2, 255, 254]));
    const files = inventory(foreign);
    for (const args of [['history'], ['init', '--catalog', CATALOG], ['plan', '-c', 'examples/contoso']]) {
      const result = await runCli(args, { env: { TENANTCTL_DATABASE_URL: foreign } });
      expectOneLine(result, /foreign is not a tenantctl database: the folder holds 2 other file\(s\) and no PG_VERSION; give --database a new or empty folder$/);
    }
    expect(inventory(foreign)).toEqual(files);
    expect(fs.existsSync(`${foreign}.lock`)).toBe(false);
  });

  it('an empty folder is no database for a command that only reads: nothing is made in it', async () => {
    const empty = path.join(dir, 'empty');
    fs.mkdirSync(empty);
    for (const args of [['history'], ['plan', '-c', 'examples/contoso']]) {
      const result = await runCli(args, { env: { TENANTCTL_DATABASE_URL: empty } });
      expectOneLine(result, /there is no database at .*empty: run `tenantctl init --catalog FILE` first$/);
    }
    expect(fs.readdirSync(empty)).toEqual([]);
  });

  it('a truncated PG_VERSION is reported as damage', async () => {
    const damaged = copy('truncated');
    fs.truncateSync(path.join(damaged, 'PG_VERSION'), 0);
    expectOneLine(await runCli(['history'], { env: { TENANTCTL_DATABASE_URL: damaged } }), /the embedded database at .*truncated is damaged: its PG_VERSION file is unreadable/);
  });

  it('a FIFO as PG_VERSION, or as the lock beside the folder, is refused, not waited on for good', async () => {
    // Broken, the read blocks in open() for good (deaf to SIGTERM): killed long after a healthy run ends.
    const killAfterMs = 60_000;
    const piped = copy('piped');
    fs.rmSync(path.join(piped, 'PG_VERSION'));
    execFileSync('mkfifo', [path.join(piped, 'PG_VERSION')]);
    expectOneLine(
      await runCli(['history'], { env: { TENANTCTL_DATABASE_URL: piped }, killAfterMs }),
      /the embedded database at .*piped is damaged: its PG_VERSION file is not a regular file; restore the folder/,
    );
    const locked = copy('locked');
    execFileSync('mkfifo', [`${locked}.lock`]);
    expectOneLine(
      await runCli(['history', '--lock-timeout', '1'], { env: { TENANTCTL_DATABASE_URL: locked }, killAfterMs }),
      /the embedded database .*locked is in use by another process; waited 1s/,
    );
  }, 150_000);

  it('damaged control files give one line, not a WebAssembly abort', async () => {
    const damaged = copy('control');
    fs.writeFileSync(path.join(damaged, 'global', 'pg_control'), Buffer.alloc(100, 0xa5));
    expectOneLine(
      await runCli(['history'], { env: { TENANTCTL_DATABASE_URL: damaged } }),
      /cannot open the embedded database at .*control: its files are damaged .*restore the folder from a backup, or move it away and run `tenantctl init`$/,
    );
  });

  it('a file instead of a folder is refused', async () => {
    const file = path.join(dir, 'a-file');
    fs.writeFileSync(file, 'not a database\n');
    for (const args of [['history'], ['init', '--catalog', CATALOG]]) {
      expectOneLine(await runCli(args, { env: { TENANTCTL_DATABASE_URL: file } }), /a-file is a file, not an embedded database folder/);
    }
    expect(fs.readFileSync(file, 'utf8')).toBe('not a database\n');
  });

  it.skipIf(!postgresAvailable())('a PostgreSQL data directory of another version is named as such, and left untouched', async () => {
    const dataDir = await initDataDirectory();
    try {
      const files = inventory(dataDir);
      const version = fs.readFileSync(path.join(dataDir, 'PG_VERSION'), 'utf8').trim();
      expect(version).not.toBe(EMBEDDED_POSTGRES_MAJOR);
      expectOneLine(
        await runCli(['history'], { env: { TENANTCTL_DATABASE_URL: dataDir } }),
        new RegExp(`holds a PostgreSQL ${version} data directory, but the embedded database is PostgreSQL ${EMBEDDED_POSTGRES_MAJOR}`),
      );
      expect(inventory(dataDir)).toEqual(files);
    } finally {
      fs.rmSync(path.dirname(dataDir), { recursive: true, force: true });
    }
  });

  it('the healthy folder still opens (the checks refuse only what they should)', async () => {
    const history = await runCli(['history'], { env: { TENANTCTL_DATABASE_URL: healthy } });
    expect(history.stderr).toBe('');
    expect(history.code).toBe(0);
  });
});
