import fs from 'node:fs';
import path from 'node:path';
import { startPGlite } from '../../src/db/embedded-database.js';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../support/cli.js';
import { describePostgres } from '../support/postgres.js';
import { contosoFolder, contosoPostgres } from '../support/contoso-database.js';

/*
 * The directory is read as JSON the server builds, timestamps formatted by
 * the server (src/state/read-state.ts): they must read as the driver's Date
 * values did (milliseconds, truncated), and a timestamp that is no point in
 * time must stop the command with a clear message, not a stack trace.
 */
type Sql = (sql: string) => Promise<void>;

async function embeddedSql(directory: string, sql: string): Promise<void> {
  const db = startPGlite(directory);
  try {
    await db.exec(`SET search_path TO tenantctl, public; ${sql}`);
  } finally {
    await db.close();
  }
}

async function postgresSql(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, options: '-c search_path=tenantctl,public' });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

const LOTTE = 'lotte.smit@contoso.com';

/** `setup` gives the contoso example's database after its first apply. */
function timestampSuite(setup: () => Promise<{ env: Record<string, string>; sql: Sql }>) {
  let env: Record<string, string>;
  let sql: Sql;

  beforeAll(async () => {
    ({ env, sql } = await setup());
  });

  it('reads microseconds as the milliseconds they begin with', async () => {
    // Deleted a day ago at .123999 s: the plan restores her and says when she was deleted.
    await sql(`UPDATE users SET deleted_at = date_trunc('second', now()) - interval '1 day' + interval '0.123999 second'
                WHERE user_principal_name = '${LOTTE}'`);
    const plan = await runCli(['plan', '-c', 'examples/contoso', '--format', 'json'], { env });
    expect(plan.code).toBe(0);
    const restore = JSON.parse(plan.stdout).changes.find((c: { kind: string }) => c.kind === 'user.restore');
    expect(restore).toMatchObject({ userPrincipalName: LOTTE });
    expect(restore.deletedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.123Z$/);
    expect(new Date(restore.deletedAt).toISOString()).toBe(restore.deletedAt);
    await sql(`UPDATE users SET deleted_at = NULL WHERE user_principal_name = '${LOTTE}'`);
  }, 120_000);

  it('refuses a timestamp that is no point in time, clearly and without changing anything', async () => {
    await sql(`UPDATE users SET password_set_at = 'infinity' WHERE user_principal_name = '${LOTTE}'`);
    for (const command of [['plan', '-c', 'examples/contoso'], ['drift', '-c', 'examples/contoso']]) {
      const run = await runCli(command, { env });
      expect(run.code).not.toBe(0);
      expect(run.stderr).toContain(`"${LOTTE}" has password_set_at = infinity, which is not a point in time`);
      expect(run.stderr).not.toMatch(/bug in tenantctl|\n\s+at /);
    }
    await sql(`UPDATE users SET password_set_at = now() WHERE user_principal_name = '${LOTTE}'`);
    expect((await runCli(['plan', '-c', 'examples/contoso'], { env })).code).toBe(0);
  }, 120_000);
}

describe('directory timestamps (embedded database)', () => {
  const dir = tempDir();
  const database = path.join(dir, 'db');
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  timestampSuite(async () => {
    contosoFolder('applied', database);
    return { env: { TENANTCTL_DATABASE_URL: database }, sql: (sql) => embeddedSql(database, sql) };
  });
});

describePostgres('directory timestamps (PostgreSQL)', () => {
  timestampSuite(async () => {
    const url = await contosoPostgres('applied', 'directory_timestamps');
    return { env: { TENANTCTL_DATABASE_URL: url }, sql: (sql) => postgresSql(url, sql) };
  });
});
