// drift's lookup of removals outside tenantctl turns nested loops off, which
// priced its plan past every JIT threshold: on a PostgreSQL server with JIT,
// each drift that had a removal to look up spent about 3 s compiling a query
// that runs in milliseconds. EXPLAIN ANALYZE says whether a query was
// compiled (its "JIT" section), so the check is the plan, not a time.
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { OUTSIDE_REMOVALS_SETTINGS, outsideRemovalsStatement, setLocally } from '../../src/drift/read-outside-removals.js';
import { contosoPostgres } from '../support/contoso-database.js';
import { asLogin, onConnection } from '../support/login-roles.js';
import { describePostgres } from '../support/postgres.js';

const DELETED = 'isabella.janssen@contoso.com';

/** The plan of the lookup for DELETED, run after `settings` in one transaction. */
async function plan(url: string, settings: Readonly<Record<string, string>>): Promise<Record<string, unknown>> {
  return onConnection(url, async (client: pg.Client) => {
    await client.query('BEGIN');
    try {
      await client.query('SET LOCAL search_path TO tenantctl');
      const set = setLocally(settings);
      await client.query(set.text, set.params);
      const { text, params } = outsideRemovalsStatement({ upns: [DELETED], userIds: [], userUpns: [] });
      const result = await client.query<{ 'QUERY PLAN': Record<string, unknown>[] }>(`EXPLAIN (ANALYZE, FORMAT JSON) ${text}`, params);
      return result.rows[0]!['QUERY PLAN'][0]!;
    } finally {
      await client.query('ROLLBACK');
    }
  });
}

describePostgres('the lookup of removals outside tenantctl on PostgreSQL', () => {
  it('is not compiled by JIT, which a server with JIT did for every drift with a removal', async () => {
    const url = await contosoPostgres('applied', 'outside_removals_jit');
    await asLogin(url, `DELETE FROM tenantctl.users WHERE user_principal_name = '${DELETED}'`);
    const [{ available }] = (await onConnection(url, (c) => c.query<{ available: boolean }>('SELECT pg_jit_available() AS available'))).rows as [{ available: boolean }];
    if (available) {
      // What the settings are for: without jit = off, this server compiles the query.
      const { jit, ...nestloopOnly } = OUTSIDE_REMOVALS_SETTINGS;
      expect(jit).toBe('off');
      expect(await plan(url, nestloopOnly)).toHaveProperty('JIT');
    }
    expect(await plan(url, OUTSIDE_REMOVALS_SETTINGS)).not.toHaveProperty('JIT');
  });
});
