// createFoldersFor (plan --out, export --out): mkdir -p, undone when the
// write fails. Node 20's recursive mkdirSync spins forever where an existing
// folder refuses a new entry with ENOENT (/proc/self), so `plan --out
// /proc/self/x/plan.json` hung at full CPU instead of failing.
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { createFoldersFor } from '../../src/files/create-folders.js';
import { tempDir } from '../support/cli.js';

describe('createFoldersFor', () => {
  it('creates the missing folders and removes again only those it created', () => {
    const root = tempDir('tenantctl-create-folders-');
    fs.mkdirSync(path.join(root, 'kept'));
    const undo = createFoldersFor([path.join(root, 'kept', 'a', 'b', 'plan.json')]);
    expect(fs.statSync(path.join(root, 'kept', 'a', 'b')).isDirectory()).toBe(true);
    undo();
    expect(fs.existsSync(path.join(root, 'kept', 'a'))).toBe(false);
    expect(fs.existsSync(path.join(root, 'kept'))).toBe(true);
  });

  it('fails, leaving nothing behind, where a file is on the way', () => {
    const root = tempDir('tenantctl-create-folders-');
    fs.writeFileSync(path.join(root, 'file'), '');
    expect(() => createFoldersFor([path.join(root, 'new', 'x', 'plan.json'), path.join(root, 'file', 'x', 'plan.json')])).toThrow(/ENOTDIR/);
    expect(fs.readdirSync(root)).toEqual(['file']);
  });

  it.skipIf(!fs.existsSync('/proc/self'))('fails at once under /proc, where mkdir answers ENOENT, instead of spinning', () => {
    // The build, as runCli runs it: a synchronous spin cannot be timed out in this process.
    const module = new URL('../../dist/src/files/create-folders.js', import.meta.url).pathname;
    const run = spawnSync(
      process.execPath,
      ['--input-type=module', '-e', `import(${JSON.stringify(module)}).then((m) => m.createFoldersFor(['/proc/self/x/y/plan.json'])).catch((e) => { console.log(e.code); })`],
      { encoding: 'utf8', timeout: 20_000 },
    );
    expect(run.signal).toBeNull();
    expect(run.stdout.trim()).toBe('ENOENT');
  }, 30_000);
});
