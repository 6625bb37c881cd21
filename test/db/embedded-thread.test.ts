// The embedded database in a thread of its own (src/db/embedded-thread.ts):
// what the CLI relies on from PGlite on its own thread must hold across the
// threads: PostgreSQL's error fields, transactions that hold other
// statements back and roll back on failure, values of every type, and a
// process that ends when the command does.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { embeddedThreadScript } from '../../src/db/embedded-thread.js';
import { openDatabase } from '../../src/db/open-database.js';
import { tempDir } from '../support/cli.js';

const work = tempDir('tenantctl-embedded-thread-');
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

async function withMemory<T>(use: (db: Database) => Promise<T>): Promise<T> {
  const db = await openDatabase({ url: 'memory://', actor: 'test', lockTimeoutMs: 1000 });
  try {
    return await use(db);
  } finally {
    await db.close();
  }
}

describe('the embedded database in its own thread', () => {
  it('is what the CLI opens, once built', () => {
    expect(embeddedThreadScript()).toMatch(/dist[/\\]cmd[/\\]tenantctl-embedded\.js$/);
  });

  it('carries PostgreSQL\'s error fields across: code, constraint, detail', async () => {
    const error = await withMemory(async (db) => {
      await db.exec('CREATE TABLE public.t (id int PRIMARY KEY)');
      await db.query('INSERT INTO public.t VALUES ($1)', [1]);
      return db.query('INSERT INTO public.t VALUES ($1)', [1]).then(
        () => null,
        (cause: unknown) => cause,
      );
    });
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ code: '23505', constraint: 't_pkey', detail: 'Key (id)=(1) already exists.' });
    expect((error as Error).message).toMatch(/duplicate key value violates unique constraint "t_pkey"/);
    // The statement's parameters stay behind: they may hold a password's hash.
    expect(Object.keys(error as object)).not.toContain('params');
  });

  it('rolls a failed transaction back, commits a good one, and holds other statements back until it ends', async () => {
    await withMemory(async (db) => {
      await db.exec('CREATE TABLE public.t (id int PRIMARY KEY)');
      await expect(
        db.transaction(async (tx) => {
          await tx.query('INSERT INTO public.t VALUES (1)');
          throw new Error('the work failed');
        }),
      ).rejects.toThrow('the work failed');
      expect(await db.query('SELECT count(*)::int AS n FROM public.t')).toEqual([{ n: 0 }]);

      let release!: () => void;
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      const order: string[] = [];
      const transaction = db.transaction(async (tx) => {
        await tx.query('INSERT INTO public.t VALUES (2)');
        await held;
        order.push('transaction ends');
      });
      const outside = db.query<{ n: number }>('SELECT count(*)::int AS n FROM public.t').then((rows) => {
        order.push('outside statement answered');
        return rows;
      });
      await new Promise((resolve) => setTimeout(resolve, 100));
      release();
      await transaction;
      expect(await outside).toEqual([{ n: 1 }]);
      expect(order).toEqual(['transaction ends', 'outside statement answered']);
    });
  });

  it('passes values of every type the CLI uses both ways', async () => {
    const [row] = await withMemory((db) =>
      db.query<Record<string, unknown>>(
        `SELECT $1::text AS text, $2::int AS int, $3::boolean AS bool, $4::timestamptz AS at, $5::bytea AS bytes, $6::jsonb AS json, $7::text[] AS list, NULL::text AS nothing`,
        ['é ✓ 𝄞', 42, true, new Date('2026-01-02T03:04:05Z'), new Uint8Array([0, 255, 7]), JSON.stringify({ a: [1, 'b'] }), ['x', 'y']],
      ),
    );
    expect(row).toEqual({
      text: 'é ✓ 𝄞',
      int: 42,
      bool: true,
      at: new Date('2026-01-02T03:04:05Z'),
      bytes: new Uint8Array([0, 255, 7]),
      json: { a: [1, 'b'] },
      list: ['x', 'y'],
      nothing: null,
    });
  });

  it('fails every statement after it is closed, with a message', async () => {
    const db = await openDatabase({ url: 'memory://', actor: 'test', lockTimeoutMs: 1000 });
    await db.close();
    await expect(db.query('SELECT 1')).rejects.toThrow('the embedded database is closed');
  });

  it('lets a process that never closes it end', () => {
    // A command that fails between opening and closing must still end, not wait for the thread.
    const script = path.join(work, 'never-closes.mjs');
    const opener = pathToFileURL(path.resolve('dist/src/db/open-database.js')).href;
    fs.writeFileSync(
      script,
      `const { openDatabase } = await import(${JSON.stringify(opener)});
const db = await openDatabase({ url: 'memory://', actor: 'test', lockTimeoutMs: 1000 });
console.log(JSON.stringify(await db.query('SELECT 41 + 1 AS n')));`,
    );
    const run = spawnSync(process.execPath, [script], { encoding: 'utf8', timeout: 20_000 });
    expect(run.error).toBeUndefined();
    expect(run.status).toBe(0);
    expect(run.stdout.trim()).toBe('[{"n":42}]');
  });
});
