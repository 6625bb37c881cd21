// tenantctl's connections to PostgreSQL run without JIT, whatever the
// server's or the role's default: compiling its statements with LLVM costs
// from 80 ms to seconds and makes none of them faster (postgres-database.ts).
import { afterAll, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/open-database.js';
import type { Database } from '../../src/db/database.js';
import { onConnection } from '../support/login-roles.js';
import { describePostgres, postgresTestUrl } from '../support/postgres.js';

const opened: Database[] = [];
afterAll(async () => {
  for (const db of opened) await db.close();
});

describePostgres('a PostgreSQL connection of tenantctl', () => {
  it('has JIT off, even for a role whose default turns it on', async () => {
    const url = (await postgresTestUrl('no_jit'))!;
    const [{ role, database }] = (await onConnection(url, (c) => c.query<{ role: string; database: string }>('SELECT current_user AS role, current_database() AS database'))).rows as [{ role: string; database: string }];
    // Only in this test's database: the role is every test's.
    await onConnection(url, (c) => c.query(`ALTER ROLE "${role}" IN DATABASE "${database}" SET jit = on`));
    try {
      expect((await onConnection(url, (c) => c.query<{ jit: string }>('SHOW jit'))).rows[0]!.jit).toBe('on');
      const db = await openDatabase({ url, actor: 'test', lockTimeoutMs: 1000, create: true });
      opened.push(db);
      expect(await db.query<{ jit: string }>('SHOW jit')).toEqual([{ jit: 'off' }]);
      expect(await db.transaction((tx) => tx.query<{ jit: string }>('SHOW jit'))).toEqual([{ jit: 'off' }]);
    } finally {
      await onConnection(url, (c) => c.query(`ALTER ROLE "${role}" IN DATABASE "${database}" RESET jit`));
    }
  });
});
