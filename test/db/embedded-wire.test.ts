// The embedded database decodes rows itself (src/db/embedded-wire.ts): every
// result and every error must be exactly what PGlite's own query() gives.
import { PGlite } from '@electric-sql/pglite';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wireQuery } from '../../src/db/embedded-wire.js';

let pg: PGlite;

beforeAll(async () => {
  pg = new PGlite();
  await pg.exec(`
    CREATE TABLE things (
      id uuid PRIMARY KEY, name text NOT NULL UNIQUE, label varchar(40), small smallint, count integer, big bigint,
      amount numeric(12, 2), ratio double precision, flag boolean, day date, at timestamptz, local timestamp,
      doc jsonb, raw json, tags text[], numbers integer[], blob bytea
    );
    INSERT INTO things VALUES
      ('6f0c5a8e-2a55-4d5e-9a0e-0a4a7b1f2c01', 'first', 'a label', 3, 42, 9007199254740993, 1234.50, 0.1, true, '2026-03-01',
       '2026-03-01T10:00:00.123Z', '2026-03-01 10:00:00', '{"a": [1, "two", null], "b": {"c": true}}', '{"z": 1, "a": 2}',
       ARRAY['x', 'y, with comma', NULL, '"quoted"'], ARRAY[1, 2, 3], '\\x00ff10'),
      ('6f0c5a8e-2a55-4d5e-9a0e-0a4a7b1f2c02', E'\\uFEFFstarts with a byte order mark', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
       NULL, NULL, NULL, NULL, NULL, NULL, NULL),
      ('6f0c5a8e-2a55-4d5e-9a0e-0a4a7b1f2c03', E'ünïcødé ✓ 🎉 \\u202E right-to-left \\t tab', '', 0, -1, -9223372036854775808, -0.01, -1e300, false,
       '1970-01-01', '1969-12-31T23:59:59Z', '2000-02-29 00:00:00', '"just a string"', 'null', ARRAY[]::text[], ARRAY[]::integer[], '\\x')
  `);
});
afterAll(async () => {
  await pg.close();
});

async function both(sql: string, params: unknown[] = []) {
  const expected = (await pg.query(sql, params)).rows;
  const actual = await wireQuery(pg, sql, params, false);
  return { expected, actual };
}

describe('rows read by the embedded database', () => {
  it.each([
    ['every column type', 'SELECT * FROM things ORDER BY id', []],
    ['no rows', 'SELECT * FROM things WHERE false', []],
    ['repeated column names (the last wins, as in PGlite)', 'SELECT 1 AS a, 2 AS a, name AS a FROM things ORDER BY id', []],
    ['parameters of every kind', 'SELECT $1::text AS t, $2::int AS i, $3::bigint AS b, $4::boolean AS f, $5::jsonb AS j, $6::timestamptz AS at, $7::text[] AS arr, $8::uuid AS u, $9::text AS n',
      ['text', 7, 12345678901, true, { nested: [1, 'x', null] }, new Date('2026-05-06T07:08:09.010Z'), ['a', 'b,c', null], '6f0c5a8e-2a55-4d5e-9a0e-0a4a7b1f2c01', null]],
    ['a jsonb parameter given as JSON text', 'SELECT x.* FROM jsonb_to_recordset($1::jsonb) AS x(id int, name text)', [JSON.stringify([{ id: 1, name: 'one' }, { id: 2, name: 'two' }])]],
    ['a statement that returns nothing', 'UPDATE things SET count = count WHERE false', []],
    // Run once by each: the name is made unique, the columns returned are not.
    ['INSERT … RETURNING', `INSERT INTO things (id, name) VALUES (gen_random_uuid(), $1 || gen_random_uuid()) RETURNING left(name, 8) AS name, count`, ['returned']],
  ])('%s', async (_label, sql, params) => {
    const { expected, actual } = await both(sql as string, params as unknown[]);
    expect(actual).toEqual(expected);
    // Same keys in the same order, and the same value types (Date, Uint8Array, bigint or number).
    expect(actual.map((row) => Object.keys(row))).toEqual(expected.map((row) => Object.keys(row as object)));
  });

  it('decodes any text as PGlite does (a leading byte order mark included)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }).map((s) => `\uFEFF${s}`)), async (value) => {
        const clean = value.replace(/\0/g, '');
        const { expected, actual } = await both('SELECT $1::text AS v, length($1::text) AS n', [clean]);
        expect(actual).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });
});

describe('errors from the embedded database', () => {
  async function errorOf(run: () => Promise<unknown>): Promise<Record<string, unknown>> {
    try {
      await run();
    } catch (cause) {
      const e = cause as Record<string, unknown>;
      return { class: (cause as object).constructor.name, message: (cause as Error).message, ...Object.fromEntries(
        ['severity', 'code', 'detail', 'hint', 'position', 'schema', 'table', 'column', 'constraint', 'routine', 'query', 'params'].map((k) => [k, e[k]]),
      ) };
    }
    throw new Error('expected an error');
  }

  it.each([
    ['a unique violation', `INSERT INTO things (id, name) VALUES (gen_random_uuid(), $1)`, ['first']],
    ['a syntax error', 'SELEC 1', []],
    ['a bad parameter', 'SELECT $1::int AS i', ['not a number']],
    ['a missing table', 'SELECT * FROM nowhere', []],
  ])('%s: the same error as PGlite, and the database still answers', async (_label, sql, params) => {
    const expected = await errorOf(() => pg.query(sql as string, params as unknown[]));
    const actual = await errorOf(() => wireQuery(pg, sql as string, params as unknown[], false));
    expect(actual).toEqual(expected);
    expect(actual.code).toMatch(/^[0-9A-Z]{5}$/);
    expect(await wireQuery(pg, 'SELECT 1 AS one', [], false)).toEqual([{ one: 1 }]);
  });

  it('inside a transaction, an error leaves it to roll back, as with PGlite', async () => {
    await expect(
      pg.transaction(async () => {
        await wireQuery(pg, `INSERT INTO things (id, name) VALUES (gen_random_uuid(), 'rolled back')`, [], true);
        await wireQuery(pg, 'SELECT 1/0 AS boom', [], true);
      }),
    ).rejects.toMatchObject({ code: '22012' });
    expect(await wireQuery(pg, `SELECT count(*)::int AS n FROM things WHERE name = 'rolled back'`, [], false)).toEqual([{ n: 0 }]);
  });
});
