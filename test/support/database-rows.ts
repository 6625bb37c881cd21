// SQL run by a test straight on a database the CLI uses, as an administrator
// with psql would: on the test server or in an embedded folder no process has
// open, whichever the test was given.
import pg from 'pg';

/** The rows of the last statement of `sql` on `database`, a PostgreSQL URL or an embedded database folder. */
export async function databaseRows<T>(database: string, sql: string): Promise<T[]> {
  if (/^postgres(ql)?:\/\//.test(database)) {
    const client = new pg.Client({ connectionString: database });
    await client.connect();
    try {
      const result = await client.query(sql);
      // Several statements give one result each.
      return (Array.isArray(result) ? result.at(-1) : result).rows as T[];
    } finally {
      await client.end();
    }
  }
  const { startPGlite } = await import('../../src/db/embedded-database.js');
  const db = startPGlite(database);
  try {
    return ((await db.exec(sql)).at(-1)?.rows ?? []) as T[];
  } finally {
    await db.close();
  }
}
