// Migration 0030 (apply_writes.credential_writes) on a database schema 29
// made and used: init migrates it once and again changes nothing, and an
// apply recorded before it, whose password writes nothing recorded, is never
// flagged; one recorded after it is.
import { afterEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { listMigrations, migrate } from '../../src/db/migrate.js';
import { openDatabase } from '../../src/db/open-database.js';
import { readHistory } from '../../src/audit/read-history.js';
import { ENGINES } from '../support/engines.js';
import { postgresTestUrl } from '../support/postgres.js';

const MEGAN = 'megan.bowen@contoso.com';

async function freshDatabase(engine: (typeof ENGINES)[number]): Promise<Database> {
  if (engine.name === 'embedded') return openDatabase({ url: 'memory://', actor: 'test', lockTimeoutMs: 1000 });
  const url = await postgresTestUrl('credential_columns_migration');
  if (!url) throw new Error('PostgreSQL is not available');
  return openDatabase({ url, actor: 'test', lockTimeoutMs: 1000 });
}

/** An apply recorded by hand that lists megan's job title, and under its mark her password hash replaced too. */
async function forgedApply(db: Database, hash: string): Promise<number> {
  return db.transaction(async (tx) => {
    const changes = [{ kind: 'user.update', userPrincipalName: MEGAN, attributes: [{ attribute: 'jobTitle', from: 'IT Director', to: hash }] }];
    const [row] = await tx.query<{ id: string }>(
      `INSERT INTO applies (actor, host, plan_hash, tool_version, summary, changes) VALUES ('alice', 'ci-runner', 'sha256:0', '1.0.0', '{}', $1::json) RETURNING id`,
      [JSON.stringify(changes)],
    );
    await tx.query(`SELECT set_config('tenantctl.apply_id', $1, true)`, [row?.id]);
    await tx.query(`UPDATE users SET job_title = $2, password_hash = $2 WHERE user_principal_name = $1`, [MEGAN, hash]);
    return Number(row?.id);
  });
}

describe.each(ENGINES)('migration 0030 on an existing $name database', { timeout: 60_000 }, (engine) => {
  let db: Database | undefined;
  afterEach(async () => {
    await db?.close();
    db = undefined;
  });

  it.skipIf(engine.skip)('migrates 29 to 30 once, and flags no apply recorded before it', async () => {
    db = await freshDatabase(engine);
    await migrate(db, listMigrations().filter((m) => m.version <= 29));
    await db.query(`INSERT INTO domains (name, verified, is_default) VALUES ('contoso.com', true, true)`);
    await db.query(`INSERT INTO users (user_principal_name, display_name, mail_nickname, job_title, managed, password_hash) VALUES ($1, 'Megan', 'megan', 'IT Director', true, 'h0')`, [MEGAN]);
    const before = await forgedApply(db, 'h1');

    const later = listMigrations().filter((m) => m.version >= 30);
    expect(await migrate(db)).toMatchObject({ from: 29, applied: later.map((m) => m.name) });
    expect(await migrate(db)).toMatchObject({ from: later.at(-1)!.version, applied: [] });

    const old = (await readHistory(db)).find((entry) => entry.id === before);
    expect(old).toBeDefined();
    expect(old?.unexplainedCredentialWrites).toBeUndefined();

    const after = await forgedApply(db, 'h2');
    const history = await readHistory(db);
    expect(history.find((entry) => entry.id === after)?.unexplainedCredentialWrites).toEqual([{ userPrincipalName: MEGAN, columns: ['password_hash'], namedBy: ['user.update'] }]);
    expect(history.find((entry) => entry.id === before)?.unexplainedCredentialWrites).toBeUndefined();
  });
});
