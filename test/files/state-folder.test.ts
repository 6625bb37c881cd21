// The folder an embedded database lives in (INTERFACE.md, "The embedded
// database's folder and files are private to their owner", README "Files"):
// .tenantctl/ must be a real folder of this user's with a .gitignore of `*`,
// and another parent must not be writable by others.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openDatabase } from '../../src/db/open-database.js';
import { prepareDatabaseParent } from '../../src/files/state-folder.js';
import { runCli, tempDir } from '../support/cli.js';

const IGNORED = '# tenantctl\'s embedded database and keys: never commit them.\n*\n';
const NOBODY = 65534;
const asRoot = process.geteuid?.() === 0;

describe('the embedded database\'s folder', () => {
  let dir: string;
  let n = 0;
  /** A fresh working folder, and the default database path in it. */
  const work = () => {
    const folder = path.join(dir, `w${n++}`);
    fs.mkdirSync(folder);
    return { folder, state: path.join(folder, '.tenantctl'), database: path.join(folder, '.tenantctl', 'db') };
  };
  beforeAll(() => {
    dir = tempDir('tenantctl-state-folder-');
  });
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('creates .tenantctl/ 0700 with a .gitignore of *', () => {
    const { state, database } = work();
    prepareDatabaseParent(database);
    expect(fs.statSync(state).mode & 0o777).toBe(0o700);
    expect(fs.readFileSync(path.join(state, '.gitignore'), 'utf8')).toBe(IGNORED);
  });

  it.each([['!db/\n*\n!db/\n'], [''], ['db.lock\n'], ['*\n!db\n']])('rewrites a .gitignore that is not just * (%j), so git never sees the database', (content) => {
    const { folder, state, database } = work();
    fs.mkdirSync(state, { mode: 0o700 });
    fs.writeFileSync(path.join(state, '.gitignore'), content);
    prepareDatabaseParent(database);
    expect(fs.readFileSync(path.join(state, '.gitignore'), 'utf8')).toBe(IGNORED);
    // git agrees: nothing under .tenantctl/ would be committed.
    fs.mkdirSync(database);
    fs.writeFileSync(path.join(database, 'PG_VERSION'), '18\n');
    execFileSync('git', ['init', '-q', folder]);
    expect(execFileSync('git', ['status', '--porcelain', '--untracked-files=all'], { cwd: folder, encoding: 'utf8' })).not.toContain('.tenantctl');
  });

  it('keeps a .gitignore that says * with other comments', () => {
    const { state, database } = work();
    fs.mkdirSync(state, { mode: 0o700 });
    fs.writeFileSync(path.join(state, '.gitignore'), '# mine\n\n*\n');
    prepareDatabaseParent(database);
    expect(fs.readFileSync(path.join(state, '.gitignore'), 'utf8')).toBe('# mine\n\n*\n');
  });

  it('refuses a .gitignore that is a symlink, and leaves its target alone', () => {
    const { folder, state, database } = work();
    fs.mkdirSync(state, { mode: 0o700 });
    const target = path.join(folder, 'elsewhere');
    fs.writeFileSync(target, '!db/\n');
    fs.symlinkSync(target, path.join(state, '.gitignore'));
    expect(() => prepareDatabaseParent(database)).toThrow(`refusing ${path.join(state, '.gitignore')}: it is a symbolic link; remove it`);
    expect(fs.readFileSync(target, 'utf8')).toBe('!db/\n');
  });

  it('refuses a .tenantctl that is a symlink, and writes nothing where it points', () => {
    const { folder, state, database } = work();
    const target = path.join(folder, 'docs');
    fs.mkdirSync(target);
    fs.symlinkSync(target, state);
    expect(() => prepareDatabaseParent(database)).toThrow(`refusing ${state}: it is a symbolic link (to ${target})`);
    expect(fs.readdirSync(target)).toEqual([]);
  });

  it('refuses a database folder in .tenantctl/ that is a symlink', () => {
    const { folder, state, database } = work();
    fs.mkdirSync(state, { mode: 0o700 });
    fs.mkdirSync(path.join(folder, 'real'));
    fs.symlinkSync(path.join(folder, 'real'), database);
    expect(() => prepareDatabaseParent(database)).toThrow(`refusing the embedded database ${database}: it is a symbolic link`);
  });

  it('makes a .tenantctl/ others may enter or write 0700', () => {
    const { state, database } = work();
    fs.mkdirSync(state);
    fs.chmodSync(state, 0o777);
    prepareDatabaseParent(database);
    expect(fs.statSync(state).mode & 0o777).toBe(0o700);
  });

  it.skipIf(!asRoot)('refuses a .tenantctl/, or a database folder, that belongs to another user', () => {
    const { state, database } = work();
    fs.mkdirSync(state, { mode: 0o700 });
    fs.chownSync(state, NOBODY, NOBODY);
    expect(() => prepareDatabaseParent(database)).toThrow(`refusing ${state}: it belongs to another user (uid ${NOBODY})`);
    expect(fs.existsSync(path.join(state, '.gitignore'))).toBe(false);
    fs.chownSync(state, 0, 0);
    fs.mkdirSync(database, { mode: 0o700 });
    fs.chownSync(database, NOBODY, NOBODY);
    expect(() => prepareDatabaseParent(database)).toThrow(`refusing the embedded database ${database}: it belongs to another user (uid ${NOBODY})`);
  });

  it('refuses another parent folder others may write, unless it is sticky, and never changes it', () => {
    const { folder } = work();
    const shared = path.join(folder, 'shared');
    fs.mkdirSync(shared);
    fs.chmodSync(shared, 0o777);
    expect(() => prepareDatabaseParent(path.join(shared, 'db'))).toThrow(`refusing the embedded database ${path.join(shared, 'db')}: others may write to its folder ${shared} (mode 0777)`);
    expect(fs.statSync(shared).mode & 0o777).toBe(0o777);
    fs.chmodSync(shared, 0o1777);
    prepareDatabaseParent(path.join(shared, 'db'));
    fs.chmodSync(shared, 0o755);
    prepareDatabaseParent(path.join(shared, 'db'));
    expect(fs.existsSync(path.join(shared, '.gitignore'))).toBe(false);
  });

  it('init refuses a .tenantctl symlink a repository carries, with one line, and writes nothing through it', { timeout: 60_000 }, async () => {
    const { folder, state } = work();
    const target = path.join(folder, 'config');
    fs.mkdirSync(target);
    fs.symlinkSync('config', state);
    const init = await runCli(['init'], { cwd: folder, env: { TENANTCTL_OUTBOX_KEY: path.join(dir, 'symlink.key') } });
    expect(init.code).toBe(1);
    expect(init.stderr).toBe(
      `Error: refusing ${state}: it is a symbolic link (to config), and tenantctl would write the embedded database and its .gitignore wherever it points; ` +
        'remove the link (run `tenantctl init` to create a real folder), or give --database the real folder\n',
    );
    expect(fs.readdirSync(target)).toEqual([]);
  });

  it('init fixes a .tenantctl/ others may write and a .gitignore that lets git see the database', { timeout: 60_000 }, async () => {
    const { state } = work();
    fs.mkdirSync(state);
    fs.chmodSync(state, 0o777);
    fs.writeFileSync(path.join(state, '.gitignore'), '!db/\n');
    const init = await runCli(['init'], { cwd: path.dirname(state), env: { TENANTCTL_OUTBOX_KEY: path.join(dir, 'fix.key') } });
    expect(init.stderr).toBe('');
    expect(init.code).toBe(0);
    expect(fs.statSync(state).mode & 0o777).toBe(0o700);
    expect(fs.readFileSync(path.join(state, '.gitignore'), 'utf8')).toBe(IGNORED);
  });
});

describe('a --database folder inside a git work tree', () => {
  let repo: string;
  beforeAll(() => {
    repo = tempDir('tenantctl-db-in-git-');
    execFileSync('git', ['init', '-q', repo]);
  });
  afterAll(() => fs.rmSync(repo, { recursive: true, force: true }));

  it('is refused by init unless git ignores it; the default .tenantctl/db is ignored', async () => {
    const tracked = path.join(repo, 'tenantdb');
    const refused = await runCli(['init'], { cwd: repo, env: { TENANTCTL_DATABASE_URL: tracked, TENANTCTL_OUTBOX_KEY: path.join(tempDir(), 'outbox.key') } });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`refusing to create the embedded database at ${tracked}: it is inside the git work tree ${repo} and git does not ignore it; give --database a folder outside the repository, or have git ignore it`);
    expect(fs.existsSync(tracked)).toBe(false);
    // Nor the folders it would have been made in.
    const nested = path.join(repo, 'state', 'tenant', 'db');
    const refusedNested = await runCli(['init'], { cwd: repo, env: { TENANTCTL_DATABASE_URL: nested, TENANTCTL_OUTBOX_KEY: path.join(tempDir(), 'outbox.key') } });
    expect(refusedNested.code).toBe(1);
    expect(refusedNested.stderr).toContain(`refusing to create the embedded database at ${nested}: it is inside the git work tree ${repo}`);
    expect(fs.existsSync(path.join(repo, 'state'))).toBe(false);

    fs.writeFileSync(path.join(repo, '.gitignore'), 'tenantdb/\n');
    const ignored = await runCli(['init'], { cwd: repo, env: { TENANTCTL_DATABASE_URL: tracked, TENANTCTL_OUTBOX_KEY: path.join(tempDir(), 'outbox.key') } });
    expect(ignored.code, ignored.stderr).toBe(0);
    const byDefault = await runCli(['init'], { cwd: repo, env: { TENANTCTL_OUTBOX_KEY: path.join(tempDir(), 'outbox.key') } });
    expect(byDefault.code, byDefault.stderr).toBe(0);
    expect(execFileSync('git', ['status', '--porcelain', '--untracked-files=all'], { cwd: repo, encoding: 'utf8' })).toBe('?? .gitignore\n');
  });
});

// helper-120: the folders to remove were those missing before the database's parent was made, so a folder
// another process made meanwhile (an empty state/ it was about to fill) was removed with tenantctl's own.
describe('a refused database folder in a git work tree, while another process makes folders', () => {
  let repo: string;
  beforeAll(() => {
    repo = tempDir('tenantctl-db-race-');
    execFileSync('git', ['init', '-q', repo]);
  });
  afterAll(() => {
    vi.restoreAllMocks();
    fs.rmSync(repo, { recursive: true, force: true });
  });

  it('removes only the folders tenantctl made', async () => {
    const theirs = path.join(repo, 'state');
    const database = path.join(theirs, 'tenant', 'db');
    const mkdir = fs.mkdirSync.bind(fs);
    vi.spyOn(fs, 'mkdirSync').mockImplementation(((folder: fs.PathLike, options?: fs.MakeDirectoryOptions) => {
      // The other process makes state/ just before tenantctl makes state/tenant/ in it.
      if (folder === path.dirname(database) && !fs.existsSync(theirs)) mkdir(theirs);
      return mkdir(folder, options);
    }) as typeof fs.mkdirSync);
    await expect(openDatabase({ url: database, actor: 'test', lockTimeoutMs: 1_000, create: true })).rejects.toThrow(
      `refusing to create the embedded database at ${database}: it is inside the git work tree`,
    );
    vi.restoreAllMocks();
    expect(fs.existsSync(path.join(theirs, 'tenant'))).toBe(false);
    expect(fs.statSync(theirs).isDirectory()).toBe(true);
  });
});
