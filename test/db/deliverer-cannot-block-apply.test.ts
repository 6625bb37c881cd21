// init migrates holding the tenant lock and a lock on the outbox, which waits
// for every notification's row lock (a deliver sending one). It waited for the
// outbox holding the tenant lock, for as long as that took: a relay that hangs,
// or the deliverer role's own `SELECT ... FOR UPDATE` held open, kept every
// apply waiting through an upgrade, until --lock-timeout gave up (exit 1), an
// offboarding included. The deliverer's credentials must not be able to stop an
// apply (README, "Least-privilege roles"), and before init took these locks
// they could not.
import pg from 'pg';
import { expect, it } from 'vitest';
import { latestMigrationVersion, listMigrations, migrate, type MigrationResult } from '../../src/db/migrate.js';
import { openDatabase } from '../../src/db/open-database.js';
import { count, until } from '../support/apply-lock-wait.js';
import { runCli } from '../support/cli.js';
import { contosoPostgres } from '../support/contoso-database.js';
import { delivererLogin, readerAndWriter } from '../support/login-roles.js';
import { describePostgres } from '../support/postgres.js';

const LATEST = latestMigrationVersion();
const FUTURE = { version: LATEST + 1, name: `${String(LATEST + 1).padStart(4, '0')}_future_table`, sql: 'CREATE TABLE future_table (id integer)' };

describePostgres('the deliverer role and init\'s migration', { timeout: 120_000 }, () => {
  it('a notification row lock held open delays the migration, never an apply', async () => {
    const owner = await contosoPostgres('initialised', 'deliverer_cannot_block_apply');
    const { writer } = await readerAndWriter(owner);
    const delivererUrl = await delivererLogin(owner);

    const deliverer = new pg.Client({ connectionString: delivererUrl, application_name: 'hung relay' });
    await deliverer.connect();
    const newer = await openDatabase({ url: owner, actor: 'newer-release@laptop', lockTimeoutMs: 10_000, create: false });
    let migrating: Promise<MigrationResult> | undefined;
    try {
      await deliverer.query('BEGIN');
      // As deliver takes a notification's; the table lock is taken whether or not a row is queued.
      await deliverer.query('SELECT id FROM tenantctl.credential_notifications FOR UPDATE');
      migrating = migrate(newer, [...listMigrations(), FUTURE]);
      await until('the migration waits for the outbox', async () =>
        (await count(owner, `SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%credential_notifications IN EXCLUSIVE MODE'`)) === 1);

      const applied = await runCli(['apply', '-c', 'examples/contoso', '--auto-approve', '--approve-purchases', '--approve-privileged', '--lock-timeout', '5'], {
        env: { TENANTCTL_DATABASE_URL: writer },
      });
      expect(applied.stderr).not.toMatch(/migrating|tenant lock/);
      expect(applied.code, applied.stderr).toBe(0);
      expect(applied.stdout).toMatch(/^Apply #1 complete: /m);

      // The migration still waits for the outbox, and goes on once it is free.
      expect(await count(owner, 'SELECT max(version) AS n FROM schema_migrations')).toBe(LATEST);
      await deliverer.query('ROLLBACK');
      expect(await migrating).toMatchObject({ from: LATEST, to: LATEST + 1, applied: [FUTURE.name] });
    } finally {
      await deliverer.query('ROLLBACK').catch(() => undefined);
      await deliverer.end();
      await migrating?.catch(() => undefined);
      await newer.close();
    }
  });
});
