// Migration 0031 keeps the names each account had (former_names), which every
// plan reads to know a renamed user's old addresses (still aliases of its
// mailbox). On a database an older release made and used, the renames it
// recorded are taken in: an apply's (applies.changes) and one outside
// tenantctl (other_writes). From then on its trigger records every rename,
// whoever writes it, and readState hands them to the planner by account.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { listMigrations, migrate } from '../../src/db/migrate.js';
import { openDatabase } from '../../src/db/open-database.js';
import { readState } from '../../src/state/read-state.js';
import { ROOT } from '../support/cli.js';
import { ENGINES } from '../support/engines.js';
import { postgresTestUrl } from '../support/postgres.js';

const ALICE = '00000000-0000-4000-8000-00000000000a';
const BOB = '00000000-0000-4000-8000-00000000000b';
const CAROL = '00000000-0000-4000-8000-00000000000c';

async function freshDatabase(engine: (typeof ENGINES)[number], label: string): Promise<Database> {
  if (engine.name === 'embedded') return openDatabase({ url: 'memory://', actor: 'test', lockTimeoutMs: 1000 });
  const url = await postgresTestUrl(label);
  if (!url) throw new Error('PostgreSQL is not available');
  return openDatabase({ url, actor: 'test', lockTimeoutMs: 1000 });
}

const formerNames = (db: Database) =>
  db.query<{ user_id: string; user_principal_name: string; renamed_to: string }>('SELECT user_id::text, user_principal_name, renamed_to FROM former_names ORDER BY id');

describe.each(ENGINES)('migration 0031 on an existing $name database', (engine) => {
  let db: Database | undefined;
  afterEach(async () => {
    await db?.close();
    db = undefined;
  });

  it.skipIf(engine.skip)("takes in the renames an older release recorded, and records every one since, for the planner's read", async () => {
    db = await freshDatabase(engine, 'former_names_migration');
    await migrate(db, listMigrations().filter((m) => m.version <= 30));
    await db.query(`INSERT INTO domains (name, verified, is_default) VALUES ('contoso.com', true, true)`);
    await db.query(
      `INSERT INTO users (id, user_principal_name, display_name, mail_nickname) VALUES
         ('${ALICE}', 'alice.old@contoso.com', 'Alice', 'alice.old'), ('${BOB}', 'bob.a@contoso.com', 'Bob', 'bob.a'), ('${CAROL}', 'carol.old@contoso.com', 'Carol', 'carol.old')`,
    );
    // An apply renamed Alice (as apply does: its row in applies, its mark on the transaction).
    const rename = JSON.stringify([{ kind: 'user.rename', userPrincipalName: 'alice.new@contoso.com', fromUserPrincipalName: 'alice.old@contoso.com', userId: ALICE }]);
    await db.transaction(async (tx) => {
      const [apply] = await tx.query<{ id: string }>(
        `INSERT INTO applies (actor, host, plan_hash, tool_version, summary, changes) VALUES ('ci', 'runner', 'sha256:x', '0.0.0', '{}', $1::json) RETURNING id::text`,
        [rename],
      );
      await tx.query(`SELECT set_config('tenantctl.apply_id', $1, true)`, [apply!.id]);
      await tx.query(`UPDATE users SET user_principal_name = 'alice.new@contoso.com' WHERE id = '${ALICE}'`);
    });
    // Bob twice by psql (a to b to c); Carol renamed, then purged: her old name names nobody.
    await db.query(`UPDATE users SET user_principal_name = 'bob.b@contoso.com' WHERE id = '${BOB}'`);
    await db.query(`UPDATE users SET user_principal_name = 'bob.c@contoso.com' WHERE id = '${BOB}'`);
    await db.query(`UPDATE users SET user_principal_name = 'carol.new@contoso.com' WHERE id = '${CAROL}'`);
    await db.query(`DELETE FROM users WHERE id = '${CAROL}'`);

    await migrate(db);
    expect(await formerNames(db)).toEqual([
      { user_id: ALICE, user_principal_name: 'alice.old@contoso.com', renamed_to: 'alice.new@contoso.com' },
      { user_id: BOB, user_principal_name: 'bob.a@contoso.com', renamed_to: 'bob.b@contoso.com' },
      { user_id: BOB, user_principal_name: 'bob.b@contoso.com', renamed_to: 'bob.c@contoso.com' },
      { user_id: CAROL, user_principal_name: 'carol.old@contoso.com', renamed_to: 'carol.new@contoso.com' },
    ]);

    // Renamed back (c to a), and a write that renames nobody: the name she has now is never a former one.
    await db.query(`UPDATE users SET user_principal_name = 'bob.a@contoso.com' WHERE id = '${BOB}'`);
    await db.query(`UPDATE users SET display_name = 'Bob A' WHERE id = '${BOB}'`);
    const state = await readState(db);
    expect(state.formerNames).toEqual(
      new Map([
        [ALICE, ['alice.old@contoso.com']],
        [BOB, ['bob.b@contoso.com', 'bob.c@contoso.com']],
      ]),
    );
    expect((await formerNames(db)).length).toBe(5);

    // The file run again adds nothing.
    await db.exec(`SET search_path TO tenantctl;\n${fs.readFileSync(path.join(ROOT, 'migrations', '0031_former_names.sql'), 'utf8')}`);
    expect((await formerNames(db)).length).toBe(5);
  });
});
