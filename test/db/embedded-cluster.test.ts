// A new embedded database starts as a copy of the empty cluster the build made
// with the installed PGlite (scripts/embedded-cluster.mjs), instead of running
// initdb: the same cluster, made once. A folder gets its files copied
// (dist/embedded/cluster/); memory:// loads its tarball.
import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, describe, expect, it } from 'vitest';
import { CLUSTER_FOLDER, copyPrebuiltCluster, prebuiltCluster } from '../../src/db/embedded-cluster.js';
import { ROOT, runCli, tempDir } from '../support/cli.js';

const work = tempDir('tenantctl-embedded-cluster-');
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const built = path.join(ROOT, 'dist', 'embedded');

/** A copy of the build's dist/embedded, changed by `edit`. */
function variant(name: string, edit: (dir: string) => void): string {
  const dir = path.join(work, name);
  fs.cpSync(built, dir, { recursive: true });
  edit(dir);
  return dir;
}

function editMade(dir: string, edit: (made: Record<string, unknown>) => Record<string, unknown>): void {
  const file = path.join(dir, 'cluster.json');
  fs.writeFileSync(file, JSON.stringify(edit(JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>)));
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
    const older = variant('older', (dir) => editMade(dir, (made) => ({ ...made, pglite: '0.0.1' })));
    expect(prebuiltCluster(older)).toBeUndefined();
    const cut = variant('cut', (dir) => {
      const tarball = path.join(dir, 'cluster.tar.gz');
      fs.writeFileSync(tarball, fs.readFileSync(tarball).subarray(0, 100_000));
    });
    expect(prebuiltCluster(cut)).toBeUndefined();
    expect(prebuiltCluster(variant('garbled', (dir) => fs.writeFileSync(path.join(dir, 'cluster.json'), '{')))).toBeUndefined();
  });

  it('is copied only when the installed PGlite made it and its files are all there, and then writes nothing', () => {
    const untouched = (name: string, dir: string) => {
      const target = path.join(work, name);
      expect(copyPrebuiltCluster(target, dir), name).toBe(false);
      expect(fs.existsSync(target), name).toBe(false);
    };
    untouched('to-none', path.join(work, 'none'));
    untouched('to-older', variant('older-folder', (dir) => editMade(dir, (made) => ({ ...made, pglite: '0.0.1' }))));
    untouched('to-missing-file', variant('missing-file', (dir) => fs.rmSync(path.join(dir, CLUSTER_FOLDER, 'global', 'pg_control'))));
    untouched('to-cut-file', variant('cut-file', (dir) => fs.truncateSync(path.join(dir, CLUSTER_FOLDER, 'PG_VERSION'), 0)));
    untouched('to-outside', variant('outside', (dir) => editMade(dir, (made) => ({ ...made, folders: ['base', '../escaped'] }))));
    untouched('to-no-folders', variant('no-folders', (dir) => editMade(dir, ({ folders: _folders, ...made }) => made)));
    expect(fs.existsSync(path.join(work, 'escaped'))).toBe(false);
  });

  it('is copied privately, and never through a file or link already in the folder', () => {
    const target = path.join(work, 'copied');
    expect(copyPrebuiltCluster(target, built)).toBe(true);
    const modes = new Set<string>();
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        modes.add(`${entry.isDirectory() ? 'folder' : 'file'} ${(fs.statSync(full).mode & 0o777).toString(8)}`);
        if (entry.isDirectory()) walk(full);
      }
    };
    walk(target);
    expect([...modes].sort()).toEqual(['file 600', 'folder 700']);

    const planted = path.join(work, 'planted');
    const victim = path.join(work, 'victim.conf');
    fs.writeFileSync(victim, 'not the cluster\n');
    fs.mkdirSync(planted);
    fs.symlinkSync(victim, path.join(planted, 'postgresql.conf'));
    expect(() => copyPrebuiltCluster(planted, built)).toThrow(/EEXIST/);
    expect(fs.readFileSync(victim, 'utf8')).toBe('not the cluster\n');
    expect(fs.existsSync(path.join(planted, 'PG_VERSION'))).toBe(false);
  });

  it("holds the files PGlite's own initdb writes, copied or loaded, and PGlite opens a folder made from it as its own", async () => {
    const byInitdb = path.join(work, 'initdb');
    const first = new PGlite(byInitdb);
    await first.close();

    const fromTarball = path.join(work, 'loaded');
    const loaded = new PGlite(fromTarball, { loadDataDir: prebuiltCluster(built) });
    await loaded.close();
    expect(files(fromTarball)).toEqual(files(byInitdb));

    const fromFolder = path.join(work, 'from-folder');
    expect(copyPrebuiltCluster(fromFolder, built)).toBe(true);
    expect(files(fromFolder)).toEqual(files(byInitdb));

    for (const folder of [fromTarball, fromFolder]) {
      const again = new PGlite(folder);
      try {
        await again.exec(`CREATE TABLE public.notes (body text NOT NULL); INSERT INTO public.notes VALUES ('kept')`);
        expect((await again.query('SELECT body FROM public.notes')).rows).toEqual([{ body: 'kept' }]);
      } finally {
        await again.close();
      }
    }
  });

  it('tenantctl init makes a new embedded database from it', async () => {
    const folder = path.join(work, 'init-db');
    const init = await runCli(['init', '--catalog', 'examples/contoso/catalog.yaml', '--database', folder], {
      env: { TENANTCTL_DEBUG_TRACE: '1', TENANTCTL_OUTBOX_KEY: path.join(work, 'outbox.key') },
    });
    expect(init.stderr).toContain('tenantctl debug: embedded database: new, copied from the prebuilt cluster\n');
    expect(init.code).toBe(0);
    const plan = await runCli(['plan', '-c', 'examples/contoso', '--database', folder, '--detailed-exitcode'], { env: { TENANTCTL_DEBUG_TRACE: '1' } });
    expect(plan.stderr).not.toContain('embedded database: new');
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain('13 to create');

    const inMemory = await runCli(['init', '--catalog', 'examples/contoso/catalog.yaml', '--database', 'memory://'], {
      env: { TENANTCTL_DEBUG_TRACE: '1', TENANTCTL_OUTBOX_KEY: path.join(work, 'outbox.key') },
    });
    expect(inMemory.stderr).toContain("tenantctl debug: embedded database: new, from the prebuilt cluster's tarball\n");
    expect(inMemory.code).toBe(0);
  });
});
