// Smoke test for the PostgreSQL test harness itself.
import { Client } from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describePostgres, postgresTestUrl } from '../support/postgres.js';

describePostgres('PostgreSQL test harness', () => {
  let client: Client | undefined;

  beforeAll(async () => {
    const url = await postgresTestUrl('postgres-harness');
    if (url === null) throw new Error('describePostgres ran without a server');
    client = new Client({ connectionString: url });
    await client.connect();
  });

  afterAll(async () => {
    await client?.end();
  });

  function db(): Client {
    if (client === undefined) throw new Error('not connected');
    return client;
  }

  it('runs PostgreSQL 15 in a database of its own', async () => {
    const { rows } = await db().query<{ version: string; db: string }>(
      'select version() as version, current_database() as db',
    );
    expect(rows[0]?.version).toContain('PostgreSQL 15');
    expect(rows[0]?.db).toMatch(/^tenantctl_postgres_harness_[0-9a-f]{8}$/);
  });

  it('creates and drops a table', async () => {
    await db().query('create table harness_smoke (id int primary key, name text not null)');
    await db().query("insert into harness_smoke values (1, 'one')");
    const { rows } = await db().query<{ name: string }>('select name from harness_smoke where id = 1');
    expect(rows).toEqual([{ name: 'one' }]);
    await db().query('drop table harness_smoke');
    const { rows: left } = await db().query("select to_regclass('harness_smoke') as t");
    expect(left).toEqual([{ t: null }]);
  });
});
