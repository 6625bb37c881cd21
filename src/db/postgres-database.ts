import pg from 'pg';
import { TenantctlError } from '../diagnostics/tenantctl-error.js';
import { CommitOutcomeUnknown } from './commit-outcome-unknown.js';
import { connectionLoss } from './connection-loss.js';
import type { Database, Queryable } from './database.js';
import { SET_SEARCH_PATH } from './schema.js';

/**
 * Silence, in ms, after which the kernel starts probing the connection. A
 * server that vanished without closing it (host powered off, network cut, a
 * NAT or firewall dropping the flow) sent nothing more, and without probes a
 * command waiting for its reply waited for ever. A server that is busy (a
 * long statement, a lock wait) still answers probes from its kernel, so a slow
 * reply is never taken for a lost one.
 */
export const KEEPALIVE_IDLE_MS = 10_000;

/** The pg client's configuration: TCP keepalive on (a Unix socket ignores it). */
export function postgresClientConfig(url: string, applicationName: string): pg.ClientConfig {
  return { connectionString: url, application_name: applicationName.slice(0, 63), keepAlive: true, keepAliveInitialDelayMillis: KEEPALIVE_IDLE_MS };
}

export async function openPostgres(url: string, displayUrl: string, applicationName: string): Promise<Database> {
  const client = new pg.Client(postgresClientConfig(url, applicationName));
  // A lost connection would otherwise surface as an unhandled 'error' event;
  // kept, as it says why better than the next query's "not queryable".
  let lost: unknown = null;
  client.on('error', (cause) => {
    lost ??= cause;
  });
  /** The one line a user sees when the server goes away, password masked. */
  const lostConnection = (cause: unknown, consequence: string): unknown => {
    const why = connectionLoss(lost) ?? connectionLoss(cause);
    return why === null ? cause : new TenantctlError(`lost the connection to ${displayUrl} (${why})${consequence}`);
  };
  await client.connect();
  // After connecting, so neither the role's default nor `options` in the URL can redirect a table name.
  // No JIT: tenantctl's statements sort and aggregate rows into JSON, which LLVM code does not
  // speed up, while compiling one costs 80 ms (the directory's read past about 125,000 users) to
  // 3 s (a plan priced high by its settings); Debian's and PGDG's servers compile by default.
  try {
    await client.query(`${SET_SEARCH_PATH}; SET jit = off`);
  } catch (cause) {
    await client.end().catch(() => undefined);
    throw cause;
  }
  let inTransaction = false;
  const send = async (sql: string, params?: readonly unknown[]) => {
    try {
      return await client.query(sql, params as unknown[] | undefined);
    } catch (cause) {
      throw lostConnection(cause, inTransaction ? '; the transaction was rolled back, none of its changes were saved' : '');
    }
  };
  const run = async <Row extends object>(sql: string, params?: readonly unknown[]): Promise<Row[]> =>
    (await send(sql, params)).rows as Row[];
  const exec = async (sql: string) => {
    await send(sql);
  };
  const queryable: Queryable = { query: run, exec };
  return {
    kind: 'postgres',
    displayUrl,
    query: run,
    exec,
    async transaction(work) {
      // Explicit, whatever default_transaction_isolation the server, database
      // or role sets: apply's checks under the tenant lock (row versions, the
      // catalog, the schema version, the lockout guard) must see what was
      // committed while it waited, and a REPEATABLE READ default takes the
      // snapshot at the first statement, before the lock. A transaction that
      // wants a snapshot of its own says so first thing (read-tenant.ts).
      await send('BEGIN ISOLATION LEVEL READ COMMITTED');
      inTransaction = true;
      let result;
      try {
        result = await work(queryable);
      } catch (cause) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw cause;
      } finally {
        inTransaction = false;
      }
      try {
        await client.query('COMMIT');
      } catch (cause) {
        // The server may have committed before the connection went; only
        // its own error reply on a live connection says it did not.
        const why = connectionLoss(lost) ?? connectionLoss(cause);
        if (why === null && cause instanceof pg.DatabaseError) throw cause;
        throw new CommitOutcomeUnknown(displayUrl, why ?? `no reply to COMMIT: ${(cause as Error)?.message ?? String(cause)}`);
      }
      return result;
    },
    async close() {
      await client.end();
    },
  };
}
