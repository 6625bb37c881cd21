// `tenantctl init` refused because the default outbox-key folder is inside a git
// work tree (a home folder kept in git) checks that only once the database is
// open, as a database with a key makes no new one: on the embedded database it
// left the new database behind (.tenantctl/db, its files, its .gitignore), or
// the folders made for --database. A refused init leaves nothing now, and a
// folder that was there, empty, stays as it was.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, runCli, tempDir } from '../support/cli.js';

const CATALOG = path.join(ROOT, 'examples', 'contoso', 'catalog.yaml');
const dir = tempDir('tenantctl-init-refused-');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Every path under `folder` but git's own. */
function tree(folder: string): string[] {
  return (fs.readdirSync(folder, { recursive: true }) as string[]).filter((name) => !name.startsWith('.git/') && name !== '.git').sort();
}

describe('init refused after opening the embedded database leaves nothing behind', { timeout: 120_000 }, () => {
  const repo = path.join(dir, 'home');
  fs.mkdirSync(repo);
  execFileSync('git', ['init', '-q', repo]);
  // The default key folder (~/.config/tenantctl/outbox) in a home folder kept in git.
  const env = { XDG_CONFIG_HOME: path.join(repo, '.config'), TENANTCTL_OUTBOX_KEY: undefined };
  const refusal =
    `Error: refusing to write the outbox key into ${path.join(repo, '.config', 'tenantctl', 'outbox')}: it is inside the git work tree ${repo} ` +
    'and git does not ignore it; name a file outside the repository with --outbox-key or TENANTCTL_OUTBOX_KEY, or have git ignore it\n';

  it.each([
    ['the default .tenantctl/db', [] as string[], () => path.join(repo, '.tenantctl')],
    ['a --database folder whose parents it made', ['--database', path.join(dir, 'made', 'for', 'db')], () => path.join(dir, 'made')],
  ])('%s: no database, no folder', async (_name, args, made) => {
    const refused = await runCli(['init', '--catalog', CATALOG, ...args], { env, cwd: repo });
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toBe(refusal);
    expect(fs.existsSync(made())).toBe(false);
    expect(tree(repo)).toEqual([]);
  });

  it('a --database folder that was there, empty, stays there, empty', async () => {
    const folder = path.join(dir, 'empty');
    fs.mkdirSync(folder, { mode: 0o700 });
    const refused = await runCli(['init', '--catalog', CATALOG, '--database', folder], { env, cwd: repo });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(refusal);
    expect(fs.readdirSync(folder)).toEqual([]);
    expect(fs.existsSync(`${folder}.lock`)).toBe(false);
  });

  it('once git ignores the key folder, init creates the database in the folder it left alone', async () => {
    fs.writeFileSync(path.join(repo, '.gitignore'), '.config/\n');
    const accepted = await runCli(['init', '--catalog', CATALOG], { env, cwd: repo });
    expect(accepted.code, accepted.stderr).toBe(0);
    expect(accepted.stdout).toContain('Schema: migrated from version 0 to ');
    expect(fs.existsSync(path.join(repo, '.tenantctl', 'db', 'PG_VERSION'))).toBe(true);
  });

  it('refusals checked before the database is opened (a bad catalog, a key path in the repository) make nothing either', async () => {
    const bad = path.join(dir, 'bad-catalog.yaml');
    fs.writeFileSync(bad, 'domains: 3\n');
    const other = path.join(dir, 'second');
    fs.mkdirSync(other);
    execFileSync('git', ['init', '-q', other]);
    for (const args of [['--catalog', bad], ['--outbox-key', path.join(other, 'keys', 'outbox.key')]]) {
      const refused = await runCli(['init', ...args], { env, cwd: other });
      expect(refused.code, refused.stderr).toBe(1);
      expect(tree(other)).toEqual([]);
    }
  });
});
