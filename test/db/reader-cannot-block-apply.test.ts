// The reader role's credentials sit in pull-request jobs, which run code from
// the pull request. The tenant lock was an advisory lock, which any role that
// can connect may take: holding it made every apply give up after
// --lock-timeout (exit 1), an urgent offboarding included, for as long as the
// reader liked. The lock is now one on the users table that only a role that
// may write users can take; whatever the reader holds, apply goes on. A
// transaction writing users still holds it up, as a write under way should.
import pg from 'pg';
import { expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { contosoPostgres } from '../support/contoso-database.js';
import { readerAndWriter } from '../support/login-roles.js';
import { describePostgres } from '../support/postgres.js';

/** The advisory key every apply took before; a reader could take it too. */
const FORMER_APPLY_LOCK_KEY = 7_346_011;
/** Every table of tenantctl's schema the reader may read in full, locked as far as it may (users: by reading it). */
const READABLE = ['schema_migrations', 'domains', 'roles', 'subscriptions', 'service_plans', 'user_roles', 'license_assignments', 'applies', 'purchases', 'other_writes', 'apply_writes'];

describePostgres('the tenant lock and the reader role', { timeout: 120_000 }, () => {
  it('nothing the reader can hold stops an apply, and the reader cannot take the tenant lock itself', async () => {
    const owner = await contosoPostgres('initialised', 'reader_cannot_block_apply');
    const { reader, writer } = await readerAndWriter(owner);
    const apply = (lockTimeout: string) =>
      runCli(['apply', '-c', 'examples/contoso', '--auto-approve', '--approve-purchases', '--approve-privileged', '--lock-timeout', lockTimeout], {
        env: { TENANTCTL_DATABASE_URL: writer },
      });

    // A transaction writing users (the writer role's own psql, say) holds it up, and is named as such.
    const outside = new pg.Client({ connectionString: writer, application_name: 'hr sync' });
    await outside.connect();
    try {
      await outside.query('BEGIN');
      // No user yet: the statement writes no row, but the transaction holds its lock on users.
      await outside.query(`UPDATE tenantctl.users SET city = city`);
      const held = await apply('1');
      expect(held.code).toBe(1);
      expect(held.stderr).toMatch(/^Error: a transaction writing users holds up the tenant lock \(hr sync since \d{4}-\d\d-\d\dT[^)]*\); gave up after 1s/m);
    } finally {
      await outside.query('ROLLBACK');
      await outside.end();
    }

    const holder = new pg.Client({ connectionString: reader, application_name: 'hostile pull request' });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT pg_advisory_xact_lock($1)', [FORMER_APPLY_LOCK_KEY]);
      for (const table of READABLE) await holder.query(`LOCK TABLE tenantctl.${table} IN ACCESS SHARE MODE`);
      await holder.query('SELECT count(*) FROM tenantctl.users');
      // Row locks and the tenant lock itself are refused (each tried in a savepoint, so the locks above stay held).
      for (const stronger of ['SELECT id FROM tenantctl.users FOR KEY SHARE', 'LOCK TABLE tenantctl.users IN SHARE ROW EXCLUSIVE MODE']) {
        await holder.query('SAVEPOINT stronger');
        await expect(holder.query(stronger)).rejects.toThrow(/permission denied for table users/);
        await holder.query('ROLLBACK TO SAVEPOINT stronger');
      }

      const applied = await apply('2');
      expect(applied.stderr).not.toMatch(/tenant lock/);
      expect(applied.code, applied.stderr).toBe(0);
      expect(applied.stdout).toMatch(/^Apply #1 complete: /m);
    } finally {
      await holder.query('ROLLBACK').catch(() => undefined);
      await holder.end();
    }
  });

  it('a lock on users that is neither an apply nor a write (ANALYZE, VACUUM, an index) is named as what it is, not as another apply', async () => {
    const owner = await contosoPostgres('initialised', 'maintenance_holds_up_apply');
    const { writer } = await readerAndWriter(owner);
    const maintenance = new pg.Client({ connectionString: owner, application_name: 'nightly analyze' });
    await maintenance.connect();
    try {
      await maintenance.query('BEGIN');
      // Another role's transaction: the writer may not see since when (pg_stat_activity hides it).
      // The mode ANALYZE, VACUUM and CREATE INDEX CONCURRENTLY take: reads go on, the tenant lock waits.
      await maintenance.query('LOCK TABLE tenantctl.users IN SHARE UPDATE EXCLUSIVE MODE');
      const held = await runCli(['apply', '-c', 'examples/contoso', '--auto-approve', '--approve-purchases', '--approve-privileged', '--lock-timeout', '1'], {
        env: { TENANTCTL_DATABASE_URL: writer },
      });
      expect(held.code).toBe(1);
      expect(held.stderr).not.toMatch(/another apply/);
      expect(held.stderr).toMatch(
        /^Error: a transaction holding a ShareUpdateExclusiveLock on users \(VACUUM, ANALYZE, an index or a schema change\) holds up the tenant lock \(nightly analyze\); gave up after 1s/m,
      );
    } finally {
      await maintenance.query('ROLLBACK');
      await maintenance.end();
    }
  });
});
