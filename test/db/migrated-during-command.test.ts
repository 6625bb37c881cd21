// Version skew between releases: a CI runner pinned to this release applies
// or delivers while a colleague's newer tenantctl runs init, which migrates the
// schema to a version this release does not know. The command checked the
// version when it started (an apply, then hashes its passwords for seconds); it
// must not then write into the migrated schema, nor send credentials. A newer release is simulated by a migration past the
// newest one, run by this release's migrate() with the longer list, as the
// newer release's init would run it.
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, expect, it } from 'vitest';
import { maskUrl } from '../../src/db/database-url.js';
import { latestMigrationVersion, listMigrations, migrate, type MigrationResult } from '../../src/db/migrate.js';
import { openDatabase } from '../../src/db/open-database.js';
import { TENANT_LOCK } from '../../src/db/tenant-lock.js';
import { readCatalogFile } from '../../src/catalog/catalog-file.js';
import { storeCatalog } from '../../src/catalog/store-catalog.js';
import { ROOT, runCli, tempDir, type CliResult } from '../support/cli.js';
import { contosoPostgres } from '../support/contoso-database.js';
import { describePostgres } from '../support/postgres.js';
import { count, until } from '../support/apply-lock-wait.js';
import { databaseRows } from '../support/database-rows.js';

const LATEST = latestMigrationVersion();
/** Held by the test while the newer release's migration runs, so that it is still running when the command gets going. */
const GATE = 4_242_116;
const FUTURE = {
  version: LATEST + 1,
  name: `${String(LATEST + 1).padStart(4, '0')}_future_guard`,
  sql: `CREATE TABLE future_guard (written_by text NOT NULL); SELECT pg_advisory_xact_lock(${GATE});`,
};

/**
 * Runs `during` while the newer release's migration is in progress (it has not
 * committed), then lets the migration commit; resolves to what `during` did.
 */
async function whileNewerReleaseMigrates<T>(url: string, during: () => Promise<T>): Promise<T> {
  const newer = await openDatabase({ url, actor: 'newer-release@laptop', lockTimeoutMs: 10_000, create: false });
  const gate = new pg.Client(url);
  await gate.connect();
  let migrating: Promise<MigrationResult> | undefined;
  try {
    await gate.query('BEGIN');
    await gate.query('SELECT pg_advisory_xact_lock($1)', [GATE]);
    migrating = migrate(newer, [...listMigrations(), FUTURE]);
    await until('the newer release migrates', async () =>
      (await count(url, `SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%future_guard%'`)) === 1);
    const outcome = await during();
    await gate.query('COMMIT');
    expect(await migrating).toMatchObject({ from: LATEST, to: LATEST + 1, applied: [FUTURE.name] });
    return outcome;
  } finally {
    await gate.end();
    await migrating?.catch(() => undefined);
    await newer.close();
  }
}

/**
 * Starts `args`, which finds the version it knows, and lets the migration
 * commit once the command waits for the lock `waitsFor` (or has finished
 * without waiting); resolves to the command's result.
 */
async function runWhileNewerReleaseMigrates(url: string, args: readonly string[], waitsFor: string): Promise<CliResult> {
  let result: CliResult | undefined;
  const running = await whileNewerReleaseMigrates(url, async () => {
    const started = runCli(args, { env: { TENANTCTL_DATABASE_URL: url } }).then((done) => (result = done));
    await until(`the command waits for the lock of \`${waitsFor}\`, or has finished`, async () =>
      result !== undefined ||
      (await count(url, `SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '${waitsFor}'`)) === 1);
    return { started };
  });
  return running.started;
}

function refusal(outcome: string): string {
  return `Error: the database schema was migrated to version ${LATEST + 1} while this command ran; this tenantctl knows version ${LATEST}: ` +
    `upgrade tenantctl and run it again; ${outcome}\n`;
}

describePostgres('a command of this release while a newer release migrates the schema', { timeout: 120_000 }, () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('apply: refused, writing nothing, when the migration commits while it waits for the tenant lock', async () => {
    const url = await contosoPostgres('initialised', 'migrated_during_apply');
    const apply = await runWhileNewerReleaseMigrates(
      url,
      ['apply', '-c', 'examples/contoso', '--auto-approve', '--approve-purchases', '--approve-privileged', '--lock-timeout', '60'],
      TENANT_LOCK,
    );
    expect(apply.stdout).not.toMatch(/complete/);
    expect(apply.stderr).toBe(refusal('nothing was changed'));
    expect(apply.code).toBe(1);
    expect(await count(url, 'SELECT count(*) AS n FROM applies')).toBe(0);
    expect(await count(url, 'SELECT count(*) AS n FROM users')).toBe(0);
    expect(await count(url, 'SELECT count(*) AS n FROM credential_notifications')).toBe(0);

    // From now on this release refuses the database before it starts.
    const later = await runCli(['plan', '-c', 'examples/contoso'], { env: { TENANTCTL_DATABASE_URL: url } });
    expect(later.code).toBe(1);
    expect(later.stderr).toBe(`Error: the database ${maskUrl(url)} has schema version ${LATEST + 1}, newer than this tenantctl knows (${LATEST}): upgrade tenantctl\n`);
  });

  it('deliver: sends nothing, the credentials staying queued, when the migration commits while it waits for a notification', async () => {
    const url = await contosoPostgres('applied', 'migrated_during_deliver');
    const queued = await count(url, 'SELECT count(*) AS n FROM credential_notifications WHERE delivered_at IS NULL');
    expect(queued).toBeGreaterThan(0);
    const pickup = tempDir('tenantctl-migrated-pickup-');
    dirs.push(pickup);
    const deliver = await runWhileNewerReleaseMigrates(url, ['deliver', '--pickup', pickup], '%FOR UPDATE OF c SKIP LOCKED');
    expect(deliver.stdout).toBe('');
    expect(deliver.stderr).toBe(refusal('the notifications not sent yet stay queued'));
    expect(deliver.code).toBe(1);
    expect(fs.readdirSync(pickup)).toEqual([]);
    expect(await count(url, 'SELECT count(*) AS n FROM credential_notifications WHERE delivered_at IS NULL AND attempts = 0')).toBe(queued);
  });

  it('apply: gives up after --lock-timeout naming init\'s migration, not another apply', async () => {
    const url = await contosoPostgres('initialised', 'apply_waits_for_migration');
    const apply = await whileNewerReleaseMigrates(url, () =>
      runCli(['apply', '-c', 'examples/contoso', '--auto-approve', '--approve-purchases', '--approve-privileged', '--lock-timeout', '1'],
        { env: { TENANTCTL_DATABASE_URL: url } }));
    expect(apply.stderr).toMatch(
      /^Error: tenantctl init is migrating the database's schema \(tenantctl newer-release@laptop since \S+\); gave up after 1s — wait for it to finish or raise --lock-timeout\n$/,
    );
    expect(apply.code).toBe(1);
    expect(await count(url, 'SELECT count(*) AS n FROM applies')).toBe(0);
  });

  it('init: its catalog, stored after it migrated, waits for a newer release\'s migration in progress and then stops', async () => {
    const url = await contosoPostgres('initialised', 'catalog_during_migration');
    const catalog = readCatalogFile(path.join(ROOT, 'examples', 'contoso', 'catalog.yaml')).catalog;
    if (catalog === null) throw new Error('the example catalog does not load');
    await databaseRows(url, 'UPDATE tenantctl.subscriptions SET seats = seats + 5');
    const seats = await count(url, 'SELECT sum(seats)::int AS n FROM subscriptions');
    const db = await openDatabase({ url, actor: 'pinned-runner@ci', lockTimeoutMs: 10_000, create: false });
    try {
      // This release's init migrated (nothing to do) and now stores the catalog, as the newer release's init migrates.
      expect(await migrate(db)).toMatchObject({ from: LATEST, applied: [] });
      let settled = false;
      const storing = await whileNewerReleaseMigrates(url, async () => {
        const started = storeCatalog(db, catalog).then(
          () => 'stored',
          (cause: unknown) => (cause instanceof Error ? cause.message : String(cause)),
        ).finally(() => (settled = true));
        await until('the catalog waits for the migration, or is stored', async () =>
          settled || (await count(url, `SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%advisory_xact_lock_shared%'`)) === 1);
        return { started };
      });
      expect(await storing.started).toBe(
        `the database schema was migrated to version ${LATEST + 1} while this command ran; this tenantctl knows version ${LATEST}: upgrade tenantctl and run it again; nothing was changed`,
      );
    } finally {
      await db.close();
    }
    expect(await count(url, 'SELECT sum(seats)::int AS n FROM subscriptions')).toBe(seats);
  });
});
