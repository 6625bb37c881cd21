// sql/roles.sql grants what one schema version needs. A pipeline pinned to an
// older release runs that release's roles.sql after a newer release's init
// migrated the database: the script of schema 26 gave the writer back UPDATE
// of a subscription's consumed seats, which migration 0027 had taken away.
// Only the scripts from now on can refuse that: a database migrated past the
// version the script names, or not yet to it, stops it before it changes
// anything. A newer release is simulated by a migration past the newest one
// that revokes a grant this script makes.
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { expect, it } from 'vitest';
import { latestMigrationVersion, MIGRATION_LOCK_KEY } from '../../src/db/migrate.js';
import { ROOT } from '../support/cli.js';
import { contosoPostgres } from '../support/contoso-database.js';
import { describePostgres } from '../support/postgres.js';
import { onConnection } from '../support/login-roles.js';
import { count } from '../support/apply-lock-wait.js';
import { grantedPrivileges } from '../support/role-privileges.js';

const ROLES_SQL = fs.readFileSync(path.join(ROOT, 'sql', 'roles.sql'), 'utf8');
const LATEST = latestMigrationVersion();
const WRITER_SEATS = 'tenantctl_writer UPDATE subscriptions(seats)';

const asOwner = onConnection;

/** The error roles.sql stops with, as psql -v ON_ERROR_STOP=1 would show it; null when it ran. */
async function runRolesSql(client: pg.Client): Promise<{ message: string; hint?: string } | null> {
  return client.query(ROLES_SQL).then(
    () => null,
    async (cause: { message: string; hint?: string }) => {
      await client.query('ROLLBACK');
      return { message: cause.message, hint: cause.hint };
    },
  );
}

it('roles.sql names the version of the newest migration (a migration updates both)', () => {
  const known = /^\s*known constant integer := (\d+);$/m.exec(ROLES_SQL);
  expect(Number(known?.[1])).toBe(LATEST);
});

describePostgres('sql/roles.sql against a schema of another release', { timeout: 120_000 }, () => {
  it('refuses a database a newer release migrated, granting nothing that release revoked', async () => {
    const url = await contosoPostgres('initialised', 'roles_sql_newer_schema');
    await asOwner(url, async (client) => {
      expect(await runRolesSql(client)).toBeNull();
      expect(await grantedPrivileges(client)).toContain(WRITER_SEATS);
      // The newer release's migration: it takes a grant away.
      await client.query(`BEGIN; REVOKE UPDATE (seats) ON tenantctl.subscriptions FROM tenantctl_writer;
        INSERT INTO tenantctl.schema_migrations (version, name) VALUES (${LATEST + 1}, 'future_narrower_grants'); COMMIT`);
      const granted = await grantedPrivileges(client);
      expect(granted).not.toContain(WRITER_SEATS);

      expect(await runRolesSql(client)).toEqual({
        message: `this roles.sql is for tenantctl schema version ${LATEST}, and the database has version ${LATEST + 1}; nothing was changed`,
        hint: 'run the roles.sql of the tenantctl release whose init migrated the database',
      });
      expect(await grantedPrivileges(client)).toEqual(granted);
    });
  });

  it('waits for a newer release\'s migration in progress, and refuses the version it commits', async () => {
    const url = await contosoPostgres('initialised', 'roles_sql_during_migration');
    await asOwner(url, async (migration) => {
      expect(await runRolesSql(migration)).toBeNull();
      // The newer release's init, migrating: its lock, a grant taken away, its version, not committed yet.
      await migration.query(`BEGIN; SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_KEY});
        REVOKE UPDATE (seats) ON tenantctl.subscriptions FROM tenantctl_writer;
        INSERT INTO tenantctl.schema_migrations (version, name) VALUES (${LATEST + 1}, 'future_narrower_grants')`);
      await asOwner(url, async (client) => {
        let outcome: { message: string; hint?: string } | null | undefined;
        const running = runRolesSql(client).then((done) => (outcome = done));
        const deadline = Date.now() + 30_000;
        while (outcome === undefined &&
          (await count(url, `SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '-- Least privilege for tenantctl%'`)) === 0) {
          if (Date.now() > deadline) throw new Error('roles.sql neither waited nor ended');
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        await migration.query('COMMIT');
        await running;
        expect(outcome).toEqual({
          message: `this roles.sql is for tenantctl schema version ${LATEST}, and the database has version ${LATEST + 1}; nothing was changed`,
          hint: 'run the roles.sql of the tenantctl release whose init migrated the database',
        });
        expect(await grantedPrivileges(client)).not.toContain(WRITER_SEATS);
      });
    });
  });

  it('refuses a database not migrated to its version yet, and one never initialised, saying to run init', async () => {
    const url = await contosoPostgres('initialised', 'roles_sql_older_schema');
    await asOwner(url, async (client) => {
      await client.query(`DELETE FROM tenantctl.schema_migrations WHERE version = ${LATEST}`);
      expect(await runRolesSql(client)).toEqual({
        message: `this roles.sql is for tenantctl schema version ${LATEST}, and the database has version ${LATEST - 1}; nothing was changed`,
        hint: 'run tenantctl init of this release first, then roles.sql again',
      });
      await client.query('DROP SCHEMA tenantctl CASCADE');
      expect(await runRolesSql(client)).toEqual({
        message: 'the database has no tenantctl schema yet; nothing was changed',
        hint: 'run tenantctl init (as this role), then roles.sql again',
      });
    });
  });
});
