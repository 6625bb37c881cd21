import type { Database, Queryable } from '../db/database.js';
import { TenantctlError } from '../diagnostics/tenantctl-error.js';

/** Any fixed number; every apply on one tenant database takes this key. */
export const APPLY_LOCK_KEY = 7_346_011;

/**
 * Serialises applies on a PostgreSQL tenant: waits up to `timeoutMs` for the
 * transaction-scoped advisory lock, then fails naming the holder (its
 * application_name carries actor and host; backend_start says since when).
 * The embedded database is serialised by its lock file instead.
 */
export async function takeApplyLock(db: Database, tx: Queryable, timeoutMs: number): Promise<void> {
  if (db.kind !== 'postgres') return;
  await tx.query(`SELECT set_config('lock_timeout', $1, true)`, [`${Math.max(1, Math.round(timeoutMs))}ms`]);
  try {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [APPLY_LOCK_KEY]);
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
  return new TenantctlError(
    `another apply holds the tenant lock (${await describeLockHolder(db)}); gave up after ${timeoutMs / 1000}s — wait for it to finish or raise --lock-timeout`,
  );
}

async function describeLockHolder(db: Database): Promise<string> {
  try {
    const rows = await db.query<{ application_name: string; client_addr: string | null; xact_start: Date | null }>(
      `SELECT a.application_name, a.client_addr::text AS client_addr, a.xact_start
         FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
        WHERE l.locktype = 'advisory' AND l.granted AND l.objid = $1 AND a.pid <> pg_backend_pid()
        LIMIT 1`,
      [APPLY_LOCK_KEY],
    );
    const holder = rows[0];
    if (!holder) return 'holder unknown';
    const since = holder.xact_start ? ` since ${holder.xact_start.toISOString()}` : '';
    return `${holder.application_name || 'unknown client'}${since}`;
  } catch {
    return 'holder unknown';
  }
}
