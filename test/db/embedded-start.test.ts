// How tenantctl starts the embedded database (src/db/embedded-database.ts):
// its start parameters change how PostgreSQL runs, never the folder's files,
// so folders move freely between this version and earlier ones.
import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/open-database.js';
import { tempDir } from '../support/cli.js';

const work = tempDir('tenantctl-embedded-start-');
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const open = (url: string, create = false) => openDatabase({ url, actor: 'test', lockTimeoutMs: 1000, create });

describe('starting the embedded database', () => {
  it('runs with a 2 MB buffer cache, in memory and in a folder, and leaves the folder\'s configuration as initdb wrote it', async () => {
    const memory = await open('memory://');
    try {
      expect(await memory.query('SHOW shared_buffers')).toEqual([{ shared_buffers: '2MB' }]);
    } finally {
      await memory.close();
    }
    const folder = path.join(work, 'fresh');
    const db = await open(folder, true);
    try {
      expect(await db.query('SHOW shared_buffers')).toEqual([{ shared_buffers: '2MB' }]);
      // Still tenantctl's search path, set after the start.
      expect(await db.query('SHOW search_path')).toEqual([{ search_path: 'tenantctl, pg_temp' }]);
    } finally {
      await db.close();
    }
    const conf = fs.readFileSync(path.join(folder, 'postgresql.conf'), 'utf8');
    expect(conf).toMatch(/^shared_buffers = 128MB/m);
    expect(conf).not.toMatch(/^shared_buffers = 2MB/m);
  });

  it('opens a folder written by PGlite with its own defaults (earlier versions), which opens it again afterwards', async () => {
    const folder = path.join(work, 'earlier');
    const earlier = new PGlite(folder);
    await earlier.exec(`CREATE TABLE public.notes (id serial PRIMARY KEY, body text NOT NULL); INSERT INTO public.notes (body) VALUES ('written before')`);
    await earlier.close();

    const db = await open(folder);
    try {
      expect(await db.query('SELECT body FROM public.notes ORDER BY id')).toEqual([{ body: 'written before' }]);
      await db.transaction(async (tx) => {
        await tx.query('INSERT INTO public.notes (body) VALUES ($1)', ['written now']);
      });
    } finally {
      await db.close();
    }

    const again = new PGlite(folder);
    try {
      expect((await again.query('SELECT body FROM public.notes ORDER BY id')).rows).toEqual([{ body: 'written before' }, { body: 'written now' }]);
      expect((await again.query('SHOW shared_buffers')).rows).toEqual([{ shared_buffers: '128MB' }]);
    } finally {
      await again.close();
    }
  });
});
