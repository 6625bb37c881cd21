import pg from 'pg';
import type { Database, Queryable } from './database.js';
import { SET_SEARCH_PATH } from './schema.js';

export async function openPostgres(url: string, displayUrl: string, applicationName: string): Promise<Database> {
  const client = new pg.Client({ connectionString: url, application_name: applicationName.slice(0, 63) });
  // A lost connection would otherwise surface as an unhandled 'error' event.
  client.on('error', () => undefined);
  await client.connect();
  // After connecting, so neither the role's default nor `options` in the URL can redirect a table name.
  try {
    await client.query(SET_SEARCH_PATH);
  } catch (cause) {
    await client.end().catch(() => undefined);
    throw cause;
  }
  const run = async <Row extends object>(sql: string, params?: readonly unknown[]): Promise<Row[]> => {
    const result = await client.query(sql, params as unknown[] | undefined);
    return result.rows as Row[];
  };
  const exec = async (sql: string) => {
    await client.query(sql);
  };
  const queryable: Queryable = { query: run, exec };
  return {
    kind: 'postgres',
    displayUrl,
    query: run,
    exec,
    async transaction(work) {
      await client.query('BEGIN');
      try {
        const result = await work(queryable);
        await client.query('COMMIT');
        return result;
      } catch (cause) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw cause;
      }
    },
    async close() {
      await client.end();
    },
  };
}
