import fs from 'node:fs';
import path from 'node:path';
import { TenantctlError } from '../diagnostics/tenantctl-error.js';
import { packageRoot } from '../package-root.js';
import type { Database, Queryable } from './database.js';
import { SCHEMA } from './schema.js';
import { lockBothOrNeither } from './lock-both-or-neither.js';
import { TENANT_LOCK } from './tenant-lock.js';

/** A numbered plain-SQL file of migrations/, e.g. `0001_directory.sql`. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/** Any fixed number (below 2^32: pg_locks shows it as objid, classid 0). */
export const MIGRATION_LOCK_KEY = 7_346_010;

const MIGRATIONS = path.join(packageRoot(), 'migrations');

function migrationFiles(directory: string): string[] {
  return fs
    .readdirSync(directory)
    .filter((name) => /^\d{4}_[a-z0-9_]+\.sql$/.test(name))
    .sort();
}

export function listMigrations(directory = MIGRATIONS): Migration[] {
  return migrationFiles(directory)
    .map((name) => ({
      version: Number(name.slice(0, 4)),
      name: name.replace(/\.sql$/, ''),
      sql: fs.readFileSync(path.join(directory, name), 'utf8'),
    }));
}

/** The version of the newest migration, without reading the SQL of any. */
export function latestMigrationVersion(directory = MIGRATIONS): number {
  const newest = migrationFiles(directory).at(-1);
  return newest === undefined ? 0 : Number(newest.slice(0, 4));
}

async function tableExists(db: Queryable, qualifiedName: string): Promise<boolean> {
  const [table] = await db.query<{ present: boolean }>('SELECT to_regclass($1) IS NOT NULL AS present', [qualifiedName]);
  return table?.present ?? false;
}

async function appliedVersion(db: Queryable, schema = SCHEMA): Promise<number | null> {
  if (!(await tableExists(db, `${schema}.schema_migrations`))) return null;
  const [row] = await db.query<{ version: number | null }>(`SELECT max(version) AS version FROM ${schema}.schema_migrations`);
  return row?.version ?? 0;
}

/**
 * What migrations 0001 and 0002 created, back when they ran in the role's
 * default schema (normally `public`). Indexes, constraints, triggers and
 * serial sequences follow their table.
 */
const LEGACY_TABLES = [
  'schema_migrations', 'domains', 'roles', 'subscriptions', 'service_plans', 'users', 'user_roles',
  'license_assignments', 'license_disabled_plans', 'applies', 'purchases', 'credential_notifications',
] as const;

/**
 * A database initialised before tenantctl had a schema of its own keeps its
 * tables in `public`; they move into the tenantctl schema once, in the
 * migration transaction, data and all.
 */
async function adoptLegacyTables(tx: Queryable): Promise<void> {
  if (await tableExists(tx, `${SCHEMA}.schema_migrations`)) return;
  if (!(await tableExists(tx, 'public.schema_migrations'))) return;
  for (const table of LEGACY_TABLES) {
    if (await tableExists(tx, `public.${table}`)) await tx.exec(`ALTER TABLE public.${table} SET SCHEMA ${SCHEMA}`);
  }
  const [fn] = await tx.query<{ present: boolean }>(`SELECT to_regprocedure('public.count_consumed_seats()') IS NOT NULL AS present`);
  if (fn?.present) await tx.exec(`ALTER FUNCTION public.count_consumed_seats() SET SCHEMA ${SCHEMA}`);
}

export interface MigrationResult {
  readonly from: number;
  readonly to: number;
  readonly applied: readonly string[];
}

function newerThanTool(db: Database, version: number, latest: number): TenantctlError {
  return new TenantctlError(
    `the database ${db.displayUrl} has schema version ${version}, newer than this tenantctl knows (${latest}): upgrade tenantctl`,
  );
}

/** Migration 0003_sealed_outbox, which dropped the column of queued clear-text passwords. */
const SEALING_VERSION = 3;

/**
 * A dropped column's values stay in the table's rows, and so in its files,
 * until the table is rewritten: 0003 dropped temporary_password, so a
 * database migrated from before it still held every clear-text password it
 * had queued. VACUUM FULL rewrites the table without them and empties the old
 * file. A server's WAL keeps them until the server recycles its segments;
 * the embedded database's segment is ended and removed. It cannot run in a
 * transaction, hence after the migrations' one.
 */
async function rewriteWithoutClearPasswords(db: Database): Promise<void> {
  await db.exec(`VACUUM FULL ${SCHEMA}.credential_notifications`);
  if (db.kind !== 'embedded') return;
  // The embedded database's folder is tenantctl's, and its WAL held the old
  // rows too (the pages 0003 changed, written whole): end that segment and
  // remove it, rather than keep it for reuse with its contents.
  await db.exec('SET wal_recycle = off');
  await db.exec('CHECKPOINT');
  await db.exec('SELECT pg_switch_wal()');
  await db.exec('CHECKPOINT');
  await db.exec('RESET wal_recycle');
}

/**
 * Brings the schema to the newest migration, each migration in its own
 * transaction and recorded in schema_migrations. Running it again is a no-op.
 * A database from before 0003 has its outbox table rewritten afterwards.
 */
export async function migrate(db: Database, migrations = listMigrations()): Promise<MigrationResult> {
  const result = await migrateInOneTransaction(db, migrations);
  const sealed = migrations.some((m) => m.version === SEALING_VERSION && result.applied.includes(m.name));
  if (result.from > 0 && sealed) await rewriteWithoutClearPasswords(db);
  return result;
}

/** How long a migration holding the tenant lock waits for the outbox before it lets go of both and tries again. */
const OUTBOX_WAIT_MS = 1_000;
const OUTBOX_RETRY_MS = 200;

/**
 * Commands check the schema version when they start; apply and deliver check
 * it again under a lock this takes too (refuseSchemaChangedSince). So an
 * apply, or a deliver's notification, in progress when a newer release's init
 * starts commits before the schema changes, and one waiting for the lock finds
 * the new version once it has it. EXCLUSIVE on the outbox conflicts with the
 * row lock deliver takes on a notification, never with a plain read.
 *
 * The outbox lock is waited for a bounded time only, holding the tenant lock:
 * a notification being sent (a slow relay) or the deliverer role's own
 * `SELECT ... FOR UPDATE`, held open, would otherwise keep the tenant lock
 * taken, and so every apply waiting, for as long as it lasts. Taking the outbox
 * first would deadlock with an apply, which queues credentials under the
 * tenant lock. lockBothOrNeither lets go of both between tries.
 */
async function waitForWriters(tx: Queryable): Promise<void> {
  const users = await tableExists(tx, `${SCHEMA}.users`);
  const outbox = await tableExists(tx, `${SCHEMA}.credential_notifications`);
  const hold = async () => {
    if (users) await tx.exec(TENANT_LOCK);
  };
  if (!outbox) return hold();
  await lockBothOrNeither(tx, 'wait_for_writers', {
    hold,
    attempt: () => tx.exec(`LOCK TABLE ${SCHEMA}.credential_notifications IN EXCLUSIVE MODE`),
    waitMs: OUTBOX_WAIT_MS,
    retryMs: OUTBOX_RETRY_MS,
  });
}

async function migrateInOneTransaction(db: Database, migrations: readonly Migration[]): Promise<MigrationResult> {
  const latest = migrations.at(-1)?.version ?? 0;
  return db.transaction(async (tx) => {
    if (db.kind === 'postgres') await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    await tx.exec(`CREATE SCHEMA IF NOT EXISTS ${SCHEMA}`);
    await adoptLegacyTables(tx);
    await tx.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version    integer PRIMARY KEY,
      name       text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now())`);
    const from = (await appliedVersion(tx)) ?? 0;
    if (from > latest) throw newerThanTool(db, from, latest);
    if (db.kind === 'postgres' && from < latest) await waitForWriters(tx);
    const applied: string[] = [];
    for (const migration of migrations.filter((m) => m.version > from)) {
      await tx.exec(migration.sql);
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
      applied.push(migration.name);
    }
    return { from, to: Math.max(from, latest), applied };
  });
}

/**
 * A writer's last look at the schema version, under a lock a migration takes
 * too (waitForWriters): the one `requireSchema` checked when the command
 * started may have been migrated since by a newer tenantctl's init (a pinned
 * CI runner applying while a colleague upgrades). Writing rows into a schema
 * this release does not know, or sending credentials as it no longer says,
 * would bypass whatever the newer one guards; the transaction is refused
 * instead, before anything is written or sent.
 */
export async function refuseSchemaChangedSince(tx: Queryable, latest: number, outcome: string): Promise<void> {
  // One statement: deliver runs this for each notification. The table is there (requireSchema, or init's migration).
  const [row] = await tx.query<{ version: number | null }>(`SELECT max(version) AS version FROM ${SCHEMA}.schema_migrations`);
  const version = row?.version ?? 0;
  if (version === latest) return;
  throw new TenantctlError(
    `the database schema was migrated to version ${version} while this command ran; this tenantctl knows version ${latest}: ` +
      `${version > latest ? 'upgrade tenantctl' : 'run `tenantctl init`'} and run it again; ${outcome}`,
  );
}

/**
 * init's own writes after it migrated (the outbox key, the catalog) run in
 * transactions of their own: another init, of a newer release, may migrate in
 * between. Each holds the migration lock shared, so it waits for a migration
 * in progress, and then finds the version this release migrated to, or stops.
 */
export async function holdSchemaVersion(db: Database, tx: Queryable): Promise<void> {
  if (db.kind === 'postgres') await tx.query('SELECT pg_advisory_xact_lock_shared($1)', [MIGRATION_LOCK_KEY]);
  await refuseSchemaChangedSince(tx, latestMigrationVersion(), 'nothing was changed');
}

/** Every command but init refuses a database whose schema is missing or foreign. */
export async function requireSchema(db: Database, migrations = listMigrations()): Promise<void> {
  const latest = migrations.at(-1)?.version ?? 0;
  const version = await appliedVersion(db);
  if (version === null && (await appliedVersion(db, 'public')) !== null) {
    throw new TenantctlError(
      `the database ${db.displayUrl} keeps tenantctl's tables in the schema public: run \`tenantctl init\` to move them into the schema ${SCHEMA}`,
    );
  }
  if (version === null || version === 0) {
    throw new TenantctlError(`the database ${db.displayUrl} is not initialised: run \`tenantctl init --catalog FILE\` first`);
  }
  if (version > latest) throw newerThanTool(db, version, latest);
  if (version < latest) {
    throw new TenantctlError(
      `the database ${db.displayUrl} has schema version ${version}, this tenantctl needs ${latest}: run \`tenantctl init\` to migrate`,
    );
  }
}
