// A new embedded database starts as a copy of the empty cluster the build made
// with the installed PGlite (scripts/embedded-cluster.mjs), instead of running
// initdb: the same cluster, made once.
import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, describe, expect, it } from 'vitest';
import { prebuiltCluster } from '../../src/db/embedded-cluster.js';
import { ROOT, runCli, tempDir } from '../support/cli.js';

const work = tempDir('tenantctl-embedded-cluster-');
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const built = path.join(ROOT, 'dist', 'embedded');

/** A copy of the build's cluster folder, with cluster.json and the tarball changed by `edit`. */
function variant(name: string, edit: (dir: string) => void): string {
  const dir = path.join(work, name);
  fs.cpSync(built, dir, { recursive: true });
  edit(dir);
  return dir;
}

/** Every file of a cluster folder but those PostgreSQL rewrites at each start or stop. */
function files(root: string): string[] {
  const varying = /^(postmaster\.pid|postmaster\.opts|pg_wal\/.*|global\/pg_control|global\/pg_internal\.init|pg_stat.*|.*\/pg_internal\.init|pg_logical\/.*|pg_xact\/.*|pg_subtrans\/.*|pg_multixact\/.*)$/;
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      const relative = path.relative(root, full);
      if (entry.isDirectory()) walk(full);
      else if (!varying.test(relative)) found.push(relative);
    }
  };
  walk(root);
  return found.sort();
}

describe('the prebuilt cluster', () => {
  it('is used only when it was made by the installed PGlite and reads back whole', () => {
    expect(prebuiltCluster(built)).toBeInstanceOf(Blob);
    expect(prebuiltCluster(path.join(work, 'none'))).toBeUndefined();
    const older = variant('older', (dir) => {
      const made = JSON.parse(fs.readFileSync(path.join(dir, 'cluster.json'), 'utf8')) as Record<string, unknown>;
      fs.writeFileSync(path.join(dir, 'cluster.json'), JSON.stringify({ ...made, pglite: '0.0.1' }));
    });
    expect(prebuiltCluster(older)).toBeUndefined();
    const cut = variant('cut', (dir) => {
      const tarball = path.join(dir, 'cluster.tar.gz');
      fs.writeFileSync(tarball, fs.readFileSync(tarball).subarray(0, 100_000));
    });
    expect(prebuiltCluster(cut)).toBeUndefined();
    expect(prebuiltCluster(variant('garbled', (dir) => fs.writeFileSync(path.join(dir, 'cluster.json'), '{')))).toBeUndefined();
  });

  it("holds the files PGlite's own initdb writes, and PGlite opens a folder made from it as its own", async () => {
    const byInitdb = path.join(work, 'initdb');
    const first = new PGlite(byInitdb);
    await first.close();

    const fromCluster = path.join(work, 'loaded');
    const loaded = new PGlite(fromCluster, { loadDataDir: prebuiltCluster(built) });
    await loaded.close();
    expect(files(fromCluster)).toEqual(files(byInitdb));

    const again = new PGlite(fromCluster);
    try {
      await again.exec(`CREATE TABLE public.notes (body text NOT NULL); INSERT INTO public.notes VALUES ('kept')`);
      expect((await again.query('SELECT body FROM public.notes')).rows).toEqual([{ body: 'kept' }]);
    } finally {
      await again.close();
    }
  });

  it('tenantctl init makes a new embedded database from it', async () => {
    const folder = path.join(work, 'init-db');
    const init = await runCli(['init', '--catalog', 'examples/contoso/catalog.yaml', '--database', folder], {
      env: { TENANTCTL_DEBUG_TRACE: '1', TENANTCTL_OUTBOX_KEY: path.join(work, 'outbox.key') },
    });
    expect(init.stderr).toContain('tenantctl debug: embedded database: new, from the prebuilt cluster\n');
    expect(init.code).toBe(0);
    const plan = await runCli(['plan', '-c', 'examples/contoso', '--database', folder, '--detailed-exitcode'], { env: { TENANTCTL_DEBUG_TRACE: '1' } });
    expect(plan.stderr).not.toContain('embedded database: new');
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain('13 to create');
  });
});
