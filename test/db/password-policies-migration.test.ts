// Migration 0028 (users.password_policies) on a database an older release
// made and used: its rows stay as they were (passwords that expire), the
// column takes only DisablePasswordExpiration, and where roles.sql ran the
// reader can read it, as the current roles.sql grants.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { listMigrations, migrate } from '../../src/db/migrate.js';
import { openDatabase } from '../../src/db/open-database.js';
import { readState } from '../../src/state/read-state.js';
import { ROOT } from '../support/cli.js';
import { ENGINES } from '../support/engines.js';
import { onConnection } from '../support/login-roles.js';
import { postgresTestUrl } from '../support/postgres.js';
import { grantedPrivileges } from '../support/role-privileges.js';

const ROLES_SQL = fs.readFileSync(path.join(ROOT, 'sql', 'roles.sql'), 'utf8');
const ROLES_SQL_0027 = fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'roles-sql', 'roles-0027.sql'), 'utf8');

async function freshDatabase(engine: (typeof ENGINES)[number], label: string): Promise<{ db: Database; url: string | null }> {
  if (engine.name === 'embedded') return { db: await openDatabase({ url: 'memory://', actor: 'test', lockTimeoutMs: 1000 }), url: null };
  const url = await postgresTestUrl(label);
  if (!url) throw new Error('PostgreSQL is not available');
  return { db: await openDatabase({ url, actor: 'test', lockTimeoutMs: 1000 }), url };
}

describe.each(ENGINES)('migration 0028 on an existing $name database', (engine) => {
  let db: Database | undefined;
  afterEach(async () => {
    await db?.close();
    db = undefined;
  });

  it.skipIf(engine.skip)('keeps every row, with passwords that expire, and lets only DisablePasswordExpiration in', async () => {
    const fresh = await freshDatabase(engine, 'password_policies_migration');
    db = fresh.db;
    await migrate(db, listMigrations().filter((m) => m.version <= 27));
    await db.query(`INSERT INTO domains (name, verified, is_default) VALUES ('contoso.com', true, true)`);
    await db.query(
      `INSERT INTO users (user_principal_name, display_name, mail_nickname, job_title, managed, password_set_at, password_expires_at)
       VALUES ('joep@contoso.com', 'Joep', 'joep', 'Sales Lead', true, '2026-01-01T00:00:00Z', '2026-04-01T00:00:00Z'),
              ('emergency@contoso.com', 'Emergency', 'emergency', NULL, true, NULL, NULL)`,
    );
    if (fresh.url) await onConnection(fresh.url, (client) => client.query(ROLES_SQL_0027));
    const before = await db.query('SELECT * FROM users ORDER BY user_principal_name');

    // And the migrations after it, which roles.sql below needs.
    expect(await migrate(db)).toMatchObject({ from: 27, applied: listMigrations().filter((m) => m.version >= 28).map((m) => m.name) });

    const after = await db.query<Record<string, unknown>>('SELECT * FROM users ORDER BY user_principal_name');
    expect(after.map(({ password_policies: _, ...rest }) => rest)).toEqual(before);
    expect(after.map((row) => row.password_policies)).toEqual([null, null]);
    const state = await readState(db);
    for (const user of state.users.values()) expect(user.attributes).not.toHaveProperty('passwordPolicies');

    await db.query(`UPDATE users SET password_policies = 'DisablePasswordExpiration' WHERE user_principal_name = 'emergency@contoso.com'`);
    expect((await readState(db)).users.get('emergency@contoso.com')?.attributes.passwordPolicies).toBe('DisablePasswordExpiration');
    for (const refused of ['DisableStrongPassword', 'DisablePasswordExpiration, DisableStrongPassword', '', 'None']) {
      await expect(db.query('UPDATE users SET password_policies = $1', [refused])).rejects.toThrow(/users_password_policies_check/);
    }

    if (fresh.url) {
      await onConnection(fresh.url, async (client) => {
        // The migration granted the reader what the current roles.sql grants; running that changes nothing.
        const migrated = await grantedPrivileges(client);
        expect(migrated).toContain('tenantctl_reader SELECT users(password_policies)');
        expect(migrated).not.toContain('tenantctl_writer SELECT users(password_policies)');
        await client.query(ROLES_SQL);
        expect(await grantedPrivileges(client)).toEqual(migrated);
      });
    }
  });
});
