import type { Database, Queryable } from '../db/database.js';
import { TenantctlError } from '../diagnostics/tenantctl-error.js';
import { SCHEMA } from '../db/schema.js';
import { MIGRATION_LOCK_KEY } from '../db/migrate.js';
import { TENANT_LOCK } from '../db/tenant-lock.js';

/** Modes of a lock on users that hold up the tenant lock (all but ACCESS SHARE and ROW SHARE, which reads take). */
const HOLDING_MODES = ['RowExclusiveLock', 'ShareUpdateExclusiveLock', 'ShareLock', 'ShareRowExclusiveLock', 'ExclusiveLock', 'AccessExclusiveLock'];

/**
 * Serialises applies on a PostgreSQL tenant: waits up to `timeoutMs` for the
 * transaction-scoped tenant lock, then fails naming the holder (its
 * application_name carries actor and host; xact_start says since when).
 * The embedded database is serialised by its lock file instead.
 */
export async function takeApplyLock(db: Database, tx: Queryable, timeoutMs: number): Promise<void> {
  if (db.kind !== 'postgres') return;
  await tx.query(`SELECT set_config('lock_timeout', $1, true)`, [`${Math.max(1, Math.round(timeoutMs))}ms`]);
  try {
    await tx.query(TENANT_LOCK);
  } catch (cause) {
    if ((cause as { code?: string }).code === '55P03') throw new LockNotObtained(timeoutMs);
    throw cause;
  }
  await tx.query(`SELECT set_config('lock_timeout', '0', true)`);
}

/** Thrown inside the transaction; described once it has rolled back. */
export class LockNotObtained extends Error {
  constructor(readonly timeoutMs: number) {
    super('apply lock not obtained');
  }
}

export async function lockTimeoutError(db: Database, timeoutMs: number): Promise<TenantctlError> {
  const holder = await describeLockHolder(db);
  const who = holder.migrating
    ? // It holds the tenant lock too (migrate.ts), but is no apply: an upgrade, maybe by a newer release.
      `tenantctl init is migrating the database's schema (${holder.text})`
    : holder.mode === 'ShareRowExclusiveLock' || holder.mode === null
      ? `another apply holds the tenant lock (${holder.text})`
      : holder.mode === 'RowExclusiveLock'
        ? `a transaction writing users holds up the tenant lock (${holder.text})`
        : // VACUUM, ANALYZE, CREATE INDEX, ALTER TABLE: not an apply, which is what an administrator would look for.
          `a transaction holding a ${holder.mode} on users (VACUUM, ANALYZE, an index or a schema change) holds up the tenant lock (${holder.text})`;
  return new TenantctlError(`${who}; gave up after ${timeoutMs / 1000}s — wait for it to finish or raise --lock-timeout`);
}

interface LockHolder {
  readonly text: string;
  /** The mode of its lock on users; null: unknown. */
  readonly mode: string | null;
  /** It holds init's migration lock. */
  readonly migrating: boolean;
}

/** Who holds the tenant lock, or holds it up. */
async function describeLockHolder(db: Database): Promise<LockHolder> {
  try {
    const rows = await db.query<{ application_name: string; xact_start: Date | null; mode: string; migrating: boolean }>(
      `SELECT a.application_name, a.xact_start, l.mode,
              EXISTS (SELECT 1 FROM pg_locks m WHERE m.pid = l.pid AND m.locktype = 'advisory' AND m.granted
                         AND m.database = l.database AND m.classid = 0 AND m.objid = $3 AND m.objsubid = 1) AS migrating
         FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
        WHERE l.locktype = 'relation' AND l.relation = to_regclass($1) AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
          AND l.granted AND l.mode = ANY ($2::text[]) AND a.pid <> pg_backend_pid()
        ORDER BY l.mode = 'ShareRowExclusiveLock' DESC
        LIMIT 1`,
      [`${SCHEMA}.users`, HOLDING_MODES, MIGRATION_LOCK_KEY],
    );
    const holder = rows[0];
    if (!holder) return { text: 'holder unknown', mode: null, migrating: false };
    const since = holder.xact_start ? ` since ${holder.xact_start.toISOString()}` : '';
    return { text: `${holder.application_name || 'unknown client'}${since}`, mode: holder.mode, migrating: holder.migrating };
  } catch {
    return { text: 'holder unknown', mode: null, migrating: false };
  }
}
