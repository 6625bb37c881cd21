// Version skew between releases: a CI runner pinned to this release applies
// while a colleague's newer tenantctl runs init, which migrates the schema to
// a version this release does not know. The apply checked the version when it
// started, before it hashed its passwords; it must not then write into the
// migrated schema. A newer release is simulated by a migration past the
// newest one, run by this release's migrate() with the longer list, as the
// newer release's init would run it.
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { latestMigrationVersion, listMigrations, migrate, type MigrationResult } from '../../src/db/migrate.js';
import { openDatabase } from '../../src/db/open-database.js';
import type { Database } from '../../src/db/database.js';
import { TENANT_LOCK } from '../../src/db/tenant-lock.js';
import { runCli, type CliResult } from '../support/cli.js';
import { contosoPostgres } from '../support/contoso-database.js';
import { describePostgres } from '../support/postgres.js';
import { count } from '../support/apply-lock-wait.js';

const LATEST = latestMigrationVersion();
/** Held by the test while the newer release's migration runs, so that it is still running when the apply gets going. */
const GATE = 4_242_116;
const FUTURE = {
  version: LATEST + 1,
  name: `${String(LATEST + 1).padStart(4, '0')}_future_guard`,
  sql: `CREATE TABLE future_guard (written_by text NOT NULL); SELECT pg_advisory_xact_lock(${GATE});`,
};

async function until(what: string, condition: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describePostgres('an apply while a newer release migrates the schema', { timeout: 120_000 }, () => {
  let url: string;
  let newer: Database;
  const cli = (args: string[]) => runCli(args, { env: { TENANTCTL_DATABASE_URL: url } });

  beforeAll(async () => {
    url = await contosoPostgres('initialised', 'migrated_during_apply');
    newer = await openDatabase({ url, actor: 'newer-release@laptop', lockTimeoutMs: 10_000, create: false });
  });
  afterAll(async () => {
    await newer.close();
  });

  it('is refused, writing nothing, when the migration commits while it waits for the tenant lock', async () => {
    const gate = new pg.Client(url);
    await gate.connect();
    let migrating: Promise<MigrationResult> | undefined;
    let apply: CliResult | undefined;
    try {
      await gate.query('BEGIN');
      await gate.query('SELECT pg_advisory_xact_lock($1)', [GATE]);
      migrating = migrate(newer, [...listMigrations(), FUTURE]);
      await until('the newer release migrates', async () =>
        (await count(url, `SELECT count(*) AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%future_guard%'`)) === 1);

      // The apply started after the migration: it finds the version it knows (the migration has not committed).
      const running = cli(['apply', '-c', 'examples/contoso', '--auto-approve', '--approve-purchases', '--approve-privileged', '--lock-timeout', '60'])
        .then((result) => (apply = result));
      await until('the apply waits for the tenant lock, or has finished', async () =>
        apply !== undefined ||
        (await count(url, `SELECT count(*) AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query = '${TENANT_LOCK}'`)) === 1);
      await gate.query('COMMIT');
      expect(await migrating).toMatchObject({ from: LATEST, to: LATEST + 1, applied: [FUTURE.name] });
      await running;
    } finally {
      await gate.end();
      await migrating?.catch(() => undefined);
    }

    expect(apply?.stdout).not.toMatch(/complete/);
    expect(apply?.stderr).toBe(
      `Error: the database schema was migrated to version ${LATEST + 1} while this command ran; this tenantctl knows version ${LATEST}: ` +
        'upgrade tenantctl and run it again; nothing was changed\n',
    );
    expect(apply?.code).toBe(1);
    expect(await count(url, 'SELECT count(*) AS n FROM applies')).toBe(0);
    expect(await count(url, 'SELECT count(*) AS n FROM users')).toBe(0);
    expect(await count(url, 'SELECT count(*) AS n FROM credential_notifications')).toBe(0);

    // From now on this release refuses the database before it starts.
    const later = await cli(['plan', '-c', 'examples/contoso']);
    expect(later.code).toBe(1);
    expect(later.stderr).toContain(`the database schema is at version ${LATEST + 1}, newer than this tenantctl knows (${LATEST}): upgrade tenantctl`);
  });
});
