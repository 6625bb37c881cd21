import { PGlite } from '@electric-sql/pglite';
import type { Database, Queryable } from './database.js';
import { SET_SEARCH_PATH } from './schema.js';

/**
 * PGlite runs PostgreSQL in this process: `directory` null keeps it in memory
 * for one process (`memory://`). One process at a time may open a directory;
 * the caller holds the embedded lock file for that (see embedded-lock.ts).
 */
export async function openEmbedded(directory: string | null, displayUrl: string): Promise<Database> {
  const db = directory === null ? new PGlite() : new PGlite(directory);
  await db.waitReady;
  await db.exec(SET_SEARCH_PATH);
  const run = async <Row extends object>(target: Pick<PGlite, 'query'>, sql: string, params?: readonly unknown[]) =>
    (await target.query<Row>(sql, params as unknown[] | undefined)).rows;
  return {
    kind: 'embedded',
    displayUrl,
    query: (sql, params) => run(db, sql, params),
    async exec(sql) {
      await db.exec(sql);
    },
    transaction(work) {
      return db.transaction((tx) => {
        const queryable: Queryable = {
          query: (sql, params) => run(tx, sql, params),
          exec: async (sql) => {
            await tx.exec(sql);
          },
        };
        return work(queryable);
      });
    },
    async close() {
      await db.close();
    },
  };
}
