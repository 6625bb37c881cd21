import { CommitOutcomeUnknown } from './commit-outcome-unknown.js';
import type { Database, Queryable } from './database.js';

/**
 * Test-only instrumentation of a database (README, "Guarantees"): the crash,
 * concurrency and fault tests must know where inside a transaction a process
 * is when they kill it, and need a transaction long enough to land in.
 * `cmd/` fills this from TENANTCTL_DEBUG_TRACE and
 * TENANTCTL_DEBUG_STATEMENT_DELAY_MS; nothing else reads those variables.
 */
export interface DebugHooks {
  /** Sleep this long before every statement inside a transaction (0: none). */
  readonly statementDelayMs: number;
  /** Called with `transaction begin`, `statement …`, `transaction committed` and so on. */
  readonly trace: ((event: string) => void) | null;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `UPDATE users u SET …` → `UPDATE users`: SQL text only, never a parameter. */
function statementLabel(sql: string): string {
  const words = sql.replace(/^\s*(--[^\n]*\n\s*)*/, '').trim().replace(/\s+/g, ' ').split(' ');
  const verb = (words[0] ?? '').toUpperCase();
  if (verb === 'SELECT' || verb === 'WITH') {
    const from = /\bFROM ([a-z_."]+)/i.exec(words.join(' '));
    return from ? `${verb} … FROM ${from[1]}` : verb;
  }
  return words.slice(0, verb === 'INSERT' || verb === 'DELETE' ? 3 : 2).join(' ');
}

export function instrumentDatabase(db: Database, hooks: DebugHooks): Database {
  if (hooks.statementDelayMs <= 0 && hooks.trace === null) return db;
  const trace = hooks.trace ?? (() => undefined);
  const before = async (sql: string, where: string) => {
    if (hooks.statementDelayMs > 0 && where === 'in transaction') await sleep(hooks.statementDelayMs);
    trace(`statement ${where}: ${statementLabel(sql)}`);
  };
  const wrap = (target: Queryable, where: string): Queryable => ({
    async query(sql, params) {
      await before(sql, where);
      return target.query(sql, params);
    },
    async exec(sql) {
      await before(sql, where);
      return target.exec(sql);
    },
  });
  return {
    ...db,
    ...wrap(db, 'outside transaction'),
    async transaction(work) {
      try {
        const result = await db.transaction(async (tx) => {
          trace('transaction begin');
          const value = await work(wrap(tx, 'in transaction'));
          trace('transaction commit');
          return value;
        });
        trace('transaction committed');
        return result;
      } catch (cause) {
        trace(cause instanceof CommitOutcomeUnknown ? 'transaction outcome unknown' : 'transaction rolled back');
        throw cause;
      }
    },
  };
}
