import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { closestSibling } from '../../src/config/closest-sibling.js';
import { runCli, tempDir } from '../support/cli.js';

const folders: string[] = [];
afterAll(() => {
  for (const folder of folders) fs.rmSync(folder, { recursive: true, force: true });
});

/** A folder holding `names` (files), removed after the tests. */
function folderWith(names: readonly string[]): string {
  const dir = tempDir('tenantctl-sibling-');
  folders.push(dir);
  for (const name of names) fs.writeFileSync(path.join(dir, name), 'users: []\n');
  return dir;
}

describe('closestSibling', () => {
  it('offers the closest name beside a mistyped one, written with the folder as given', () => {
    const dir = folderWith(['tenant.yaml', 'catalog.yaml', 'README.md']);
    expect(closestSibling(path.join(dir, 'tenat.yaml'))).toBe(path.join(dir, 'tenant.yaml'));
    expect(closestSibling(`${path.join(dir, 'tenant.yml')}/`)).toBe(path.join(dir, 'tenant.yaml'));
  });

  it('offers nothing when no name is close, or the folder is missing', () => {
    const dir = folderWith(['tenant.yaml']);
    expect(closestSibling(path.join(dir, 'everything-else.yaml'))).toBeUndefined();
    expect(closestSibling(path.join(dir, 'no-such-folder', 'tenant.yaml'))).toBeUndefined();
  });

  it('looks at no more entries than its limit', () => {
    const dir = folderWith(['tenant.yaml']);
    expect(closestSibling(path.join(dir, 'tenat.yaml'), 1)).toBe(path.join(dir, 'tenant.yaml'));
    expect(closestSibling(path.join(dir, 'tenat.yaml'), 0)).toBeUndefined();
  });
});

describe('validate -c with a mistyped path', () => {
  it('suggests the existing sibling in the located CONFIG_NOT_FOUND line', async () => {
    const cwd = folderWith([]);
    fs.mkdirSync(path.join(cwd, 'config'));
    fs.writeFileSync(path.join(cwd, 'config', 'tenant.yaml'), 'users: []\n');
    const run = await runCli(['validate', '-c', 'config/tenat.yaml'], { cwd });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      'config/tenat.yaml: CONFIG_NOT_FOUND: config/tenat.yaml does not exist (did you mean config/tenant.yaml?); check the path given with -c\n1 error, 0 warnings\n',
    );
  });

  it('suggests a folder too, and shows a hostile sibling name escaped', async () => {
    const cwd = folderWith(['conf\u001big']);
    const run = await runCli(['validate', '-c', 'config'], { cwd });
    expect(run.code).toBe(1);
    expect(run.stdout).not.toContain('\u001b');
    expect(run.stdout).toContain('config: CONFIG_NOT_FOUND: config does not exist (did you mean conf\\u001big?); check the path given with -c\n');
  });
});
