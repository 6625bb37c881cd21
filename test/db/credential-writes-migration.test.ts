// Migration 0029 on a database an older release made and used: its queued
// credentials stay as they were (nothing withheld), init migrates 28 → 29
// and again changes nothing, and where roles.sql ran the writer may insert
// the new column, as the current roles.sql grants. From then on only the
// owner queues a credential without apply's mark, and its redirection is
// recorded; the embedded database, which runs as the owner, still lets a
// test or the owner's own SQL seed one.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { listMigrations, migrate } from '../../src/db/migrate.js';
import { openDatabase } from '../../src/db/open-database.js';
import { ROOT } from '../support/cli.js';
import { ENGINES } from '../support/engines.js';
import { onConnection } from '../support/login-roles.js';
import { postgresTestUrl } from '../support/postgres.js';
import { grantedPrivileges } from '../support/role-privileges.js';

const ROLES_SQL = fs.readFileSync(path.join(ROOT, 'sql', 'roles.sql'), 'utf8');
const ROLES_SQL_0028 = fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'roles-sql', 'roles-0028.sql'), 'utf8');
const MIGRATION_0029 = listMigrations().find((m) => m.version === 29);

async function freshDatabase(engine: (typeof ENGINES)[number], label: string): Promise<{ db: Database; url: string | null }> {
  if (engine.name === 'embedded') return { db: await openDatabase({ url: 'memory://', actor: 'test', lockTimeoutMs: 1000 }), url: null };
  const url = await postgresTestUrl(label);
  if (!url) throw new Error('PostgreSQL is not available');
  return { db: await openDatabase({ url, actor: 'test', lockTimeoutMs: 1000 }), url };
}

const ARMORED = '-----BEGIN AGE ENCRYPTED FILE-----\nnot opened by this test\n-----END AGE ENCRYPTED FILE-----';
const QUEUE = (recipient: string) =>
  `INSERT INTO credential_notifications (apply_id, user_id, user_principal_name, recipients, sealed_password, reason, force_change)
   SELECT (SELECT min(id) FROM applies), id, user_principal_name, ARRAY['${recipient}'], '${ARMORED}', 'reset', true FROM users`;

describe.each(ENGINES)('migration 0029 on an existing $name database', (engine) => {
  let db: Database | undefined;
  afterEach(async () => {
    await db?.close();
    db = undefined;
  });

  it.skipIf(engine.skip)('keeps every queued credential, is run again harmlessly, and records a redirection', async () => {
    expect(MIGRATION_0029?.name).toBe('0029_writer_queues_credentials_only_in_apply');
    const fresh = await freshDatabase(engine, 'credential_writes_migration');
    db = fresh.db;
    await migrate(db, listMigrations().filter((m) => m.version <= 28));
    await db.query(`INSERT INTO domains (name, verified, is_default) VALUES ('contoso.com', true, true)`);
    await db.query(`INSERT INTO users (user_principal_name, display_name, mail_nickname, managed) VALUES ('joep@contoso.com', 'Joep', 'joep', true)`);
    await db.query(`INSERT INTO applies (actor, host, config_hash, plan_hash, tool_version, summary, changes) VALUES ('test', 'host', 'c', 'p', '0', '{}', '[]')`);
    await db.query(QUEUE('it-desk@contoso.com'));
    if (fresh.url) await onConnection(fresh.url, (client) => client.query(ROLES_SQL_0028));
    const before = await db.query('SELECT * FROM credential_notifications ORDER BY id');

    const migrated = await migrate(db);
    // And the migrations after it, which the current roles.sql needs.
    expect(migrated).toMatchObject({ from: 28, applied: listMigrations().filter((m) => m.version >= 29).map((m) => m.name) });
    expect(await migrate(db)).toMatchObject({ applied: [] });
    // The file itself, run again (as the owner's psql might): nothing changes.
    await db.exec(MIGRATION_0029!.sql);

    const after = await db.query<Record<string, unknown>>('SELECT * FROM credential_notifications ORDER BY id');
    // The columns later migrations add (0029, 0035) are empty on rows queued before them.
    expect(after.map(({ withheld_recipients: _, password_from: __, ...rest }) => rest)).toEqual(before);
    expect(after.map((row) => [row.withheld_recipients, row.password_from])).toEqual([[[], null]]);

    // The owner (the embedded database's only role) still queues one by hand, and it is logged as before.
    await db.query(QUEUE('help@contoso.com'));
    await db.query(`UPDATE credential_notifications SET recipients = ARRAY['elsewhere@example.org'] WHERE 'help@contoso.com' = ANY (recipients)`);
    // deliver's own updates are not worth an entry.
    await db.query(`UPDATE credential_notifications SET attempts = attempts + 1, last_error = 'relay down'`);
    const logged = await db.query<{ operation: string; before: unknown; after: unknown }>(
      `SELECT operation, before, after FROM other_writes WHERE table_name = 'credential_notifications' ORDER BY id`,
    );
    expect(logged.map((w) => w.operation)).toEqual(['insert', 'insert', 'update']);
    expect(logged[2]).toMatchObject({ before: { recipients: ['help@contoso.com'] }, after: { recipients: ['elsewhere@example.org'] } });

    if (fresh.url) {
      await onConnection(fresh.url, async (client) => {
        // The migration granted the writer what the current roles.sql grants; running that changes nothing.
        const granted = await grantedPrivileges(client);
        expect(granted).toContain('tenantctl_writer INSERT credential_notifications(withheld_recipients)');
        expect(granted).not.toContain('tenantctl_deliverer UPDATE credential_notifications(withheld_recipients)');
        await client.query(ROLES_SQL);
        expect(await grantedPrivileges(client)).toEqual(granted);
      });
    }
  });
});
