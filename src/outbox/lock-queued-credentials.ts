import { takeApplyLock } from '../apply/apply-lock.js';
import type { Database, Queryable } from '../db/database.js';
import { lockBothOrNeither } from '../db/lock-both-or-neither.js';
import { TenantctlError } from '../diagnostics/tenantctl-error.js';

/** How long a rotation holding the tenant lock waits for a notification being sent before it lets go and tries again. */
const ROW_WAIT_MS = 1_000;
const RETRY_MS = 200;

export interface QueuedCredential {
  readonly id: string;
  readonly sealed_password: string;
  readonly user_principal_name: string;
}

const QUEUED = `SELECT id, sealed_password, user_principal_name FROM credential_notifications
  WHERE delivered_at IS NULL AND sealed_password IS NOT NULL ORDER BY id FOR UPDATE`;

/**
 * The tenant lock (no apply queues a credential meanwhile) and every queued
 * credential's row lock (no deliver sends one meanwhile), for a key rotation.
 * A deliver holds a notification's row lock while it sends it: waited for
 * without limit under the tenant lock, a hung relay, or the deliverer role's
 * own `SELECT ... FOR UPDATE` held open, kept every apply waiting. So each try
 * waits a second for the rows, then lets go of both (the savepoint) and tries
 * again, giving up after `lockTimeoutMs`.
 */
export async function lockQueuedCredentials(db: Database, tx: Queryable, lockTimeoutMs: number): Promise<QueuedCredential[]> {
  if (db.kind !== 'postgres') return tx.query<QueuedCredential>(QUEUED);
  const deadline = Date.now() + lockTimeoutMs;
  return lockBothOrNeither(tx, 'lock_queued_credentials', {
    hold: () => takeApplyLock(db, tx, lockTimeoutMs),
    attempt: () => tx.query<QueuedCredential>(QUEUED),
    waitMs: ROW_WAIT_MS,
    retryMs: RETRY_MS,
    beforeRetry: () => {
      if (Date.now() < deadline) return;
      throw new TenantctlError(
        `a deliver is sending a queued credential, which the rotation must seal again (its row is locked); gave up after ${lockTimeoutMs / 1000}s — wait for it to finish or raise --lock-timeout`,
      );
    },
  });
}
