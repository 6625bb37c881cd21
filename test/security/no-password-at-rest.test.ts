// "Done when" of issue 9: after a full run-through on each database, a byte
// search for every temporary password (generated and fromEnv) over the
// database's files (PostgreSQL: its whole data directory, WAL and server log
// included, and a pg_dump), stdout, stderr and every file tenantctl wrote
// finds it only inside the delivered messages; the sealed form opens with age.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { copyContoso, runCli, tempDir, type CliResult } from '../support/cli.js';
import { ENGINES } from '../support/engines.js';
import { postgresTestUrl } from '../support/postgres.js';

const PG_BIN = '/usr/lib/postgresql/15/bin';
const KEEPER = 'secret.keeper@contoso.com';

/** Every regular file under `root`, with its bytes; unreadable files fail the test. */
function filesUnder(root: string): { file: string; bytes: Buffer }[] {
  const found: { file: string; bytes: Buffer }[] = [];
  const walk = (p: string) => {
    const stat = fs.lstatSync(p, { throwIfNoEntry: false });
    if (!stat) return; // removed while we walked (a live server's temporary files)
    if (stat.isDirectory()) {
      for (const name of fs.readdirSync(p)) walk(path.join(p, name));
    } else if (stat.isFile()) {
      try {
        found.push({ file: p, bytes: fs.readFileSync(p) });
      } catch (cause) {
        if ((cause as NodeJS.ErrnoException).code !== 'ENOENT') throw cause;
      }
    }
  };
  walk(root);
  return found;
}

function where(haystacks: readonly { file: string; bytes: Buffer }[], needle: string): string[] {
  const bytes = Buffer.from(needle, 'utf8');
  return haystacks.filter((h) => h.bytes.includes(bytes)).map((h) => h.file);
}

describe.each(ENGINES)('no temporary password rests anywhere but in the delivered messages ($name database)', (engine) => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it.skipIf(engine.skip)('after init, apply, plan, drift, export, history and deliver', { timeout: 300_000 }, async () => {
    const work = tempDir('tenantctl-at-rest-');
    const keys = tempDir('tenantctl-at-rest-key-');
    const config = copyContoso();
    dirs.push(work, keys, config);
    fs.appendFileSync(path.join(config, 'users.yaml'), `
  - userPrincipalName: ${KEEPER}
    displayName: Secret Keeper
    password:
      fromEnv: KEEPER_PASSWORD
`);
    const fromEnv = `Kq4#Wn8!${randomBytes(4).toString('hex')}`;
    const pgUrl = engine.name === 'postgres' ? await postgresTestUrl('at_rest') : null;
    const database = pgUrl ?? path.join(work, '.tenantctl', 'db');
    const keyFile = path.join(keys, 'outbox.key');
    const env = { TENANTCTL_DATABASE_URL: database, TENANTCTL_OUTBOX_KEY: keyFile, KEEPER_PASSWORD: fromEnv };
    const pickup = path.join(work, 'pickup');
    const runs: CliResult[] = [];
    const run = async (args: string[], expected: number[] = [0]) => {
      const result = await runCli(args, { cwd: work, env });
      expect(expected, `${args.join(' ')}: ${result.stderr}`).toContain(result.code);
      runs.push(result);
    };
    await run(['init', '--catalog', path.resolve('examples/contoso/catalog.yaml')]);
    await run(['plan', '-c', config, '--out', 'plan.json']);
    await run(['apply', '--plan', 'plan.json', '-c', config, '--auto-approve', '--approve-purchases', '--approve-privileged']);
    await run(['plan', '-c', config, '--format', 'json']);
    await run(['drift', '-c', config], [0, 2]);
    await run(['export', '--out', 'export.yaml']);
    await run(['history', '--format', 'json']);

    // The sealed form opens with the standard age tool, before deliver erases it.
    const sealed = pgUrl ? await sealedFromPostgres(pgUrl) : null;
    await run(['deliver', '--pickup', pickup]);

    const messages = filesUnder(pickup);
    const passwords = messages.map((m) => /^Temporary password: (\S+)\r?$/m.exec(m.bytes.toString('utf8'))?.[1] ?? '');
    expect(passwords.length).toBe(14);
    expect(passwords).toContain(fromEnv);
    expect(passwords.every((p) => p.length >= 12)).toBe(true);
    if (sealed !== null && spawnSync('age', ['--version']).status === 0) {
      expect(passwords).toContain(execFileSync('age', ['-d', '-i', keyFile], { input: sealed, encoding: 'utf8' }));
    }

    const haystacks: { file: string; bytes: Buffer }[] = [
      ...filesUnder(work).filter((h) => !h.file.startsWith(`${pickup}${path.sep}`)),
      ...filesUnder(keys),
      ...runs.flatMap((r, i) => [
        { file: `stdout of run ${i}`, bytes: Buffer.from(r.stdout) },
        { file: `stderr of run ${i}`, bytes: Buffer.from(r.stderr) },
      ]),
    ];
    if (pgUrl) haystacks.push(...(await postgresHaystacks(pgUrl)));
    // The search does reach the database's own files: the new user's name is there.
    expect(where(haystacks, KEEPER).length).toBeGreaterThan(0);
    for (const password of passwords) {
      expect(where(haystacks, password), `password of ${passwords.indexOf(password)}`).toEqual([]);
      expect(where(messages, password).length).toBeGreaterThan(0);
    }
  });
});

async function sealedFromPostgres(url: string): Promise<string | null> {
  const client = new pg.Client(url);
  await client.connect();
  try {
    const { rows } = await client.query<{ s: string }>(`SELECT sealed_password AS s FROM tenantctl.credential_notifications WHERE sealed_password IS NOT NULL LIMIT 1`);
    return rows[0]?.s ?? null;
  } finally {
    await client.end();
  }
}

/** A pg_dump of the database, and every file of the server: data directory, WAL, and the log beside it. */
async function postgresHaystacks(url: string): Promise<{ file: string; bytes: Buffer }[]> {
  const client = new pg.Client(url);
  await client.connect();
  let dataDirectory: string;
  try {
    // Everything committed reaches the WAL and the table files.
    await client.query('CHECKPOINT');
    dataDirectory = (await client.query<{ data_directory: string }>('SHOW data_directory')).rows[0]?.data_directory ?? '';
  } finally {
    await client.end();
  }
  const dump = execFileSync(path.join(PG_BIN, 'pg_dump'), ['--dbname', url], { maxBuffer: 256 * 1024 * 1024 });
  const server = filesUnder(path.dirname(dataDirectory));
  expect(server.some((h) => h.file.includes(`${path.sep}pg_wal${path.sep}`))).toBe(true);
  return [{ file: 'pg_dump', bytes: dump }, ...server];
}
