import type { Queryable } from './database.js';

export interface LockSteps<T> {
  /** The lock taken first (the tenant lock), waited for as its own timeout says. */
  readonly hold: () => Promise<void>;
  /** The lock someone outside tenantctl may hold open (a deliver's row lock), waited for `waitMs` at a time. */
  readonly attempt: () => Promise<T>;
  readonly waitMs: number;
  /** The pause before trying again, once both were let go. */
  readonly retryMs: number;
  /** Runs before each new try: throws to give up. */
  readonly beforeRetry?: () => void;
}

/**
 * `hold`, then `attempt`, in a savepoint: when attempt's lock is not granted
 * within `waitMs`, both are let go (rolled back to the savepoint) and tried
 * again after a pause. Waited for without limit under the first lock, a lock
 * held open elsewhere (a hung relay, the deliverer role's own
 * `SELECT ... FOR UPDATE`) would keep every apply waiting behind the first.
 * lock_timeout is as `hold` left it once both are held.
 */
export async function lockBothOrNeither<T>(tx: Queryable, savepoint: string, steps: LockSteps<T>): Promise<T> {
  for (;;) {
    await tx.exec(`SAVEPOINT ${savepoint}`);
    await steps.hold();
    const [setting] = await tx.query<{ lock_timeout: string }>(`SELECT current_setting('lock_timeout') AS lock_timeout`);
    await tx.query(`SELECT set_config('lock_timeout', $1, true)`, [`${steps.waitMs}ms`]);
    try {
      const held = await steps.attempt();
      await tx.query(`SELECT set_config('lock_timeout', $1, true)`, [setting?.lock_timeout ?? '0']);
      await tx.exec(`RELEASE SAVEPOINT ${savepoint}`);
      return held;
    } catch (cause) {
      if ((cause as { code?: string }).code !== '55P03') throw cause;
      await tx.exec(`ROLLBACK TO SAVEPOINT ${savepoint}`);
      await tx.exec(`RELEASE SAVEPOINT ${savepoint}`);
    }
    steps.beforeRetry?.();
    await new Promise((resolve) => setTimeout(resolve, steps.retryMs));
  }
}
