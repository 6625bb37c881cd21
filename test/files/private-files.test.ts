// Files private by construction (issue 9, findings 3 and 5): the embedded
// database, plans, exports, .eml files and keys are 0600/0700 whatever the
// umask, never written through a planted symlink, and never where git would
// commit them.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { TenantctlError } from '../../src/diagnostics/tenantctl-error.js';
import { writePrivateFile, writePrivateFiles } from '../../src/files/write-private-file.js';
import { runCli, tempDir, type CliResult } from '../support/cli.js';
import { openDatabase } from '../../src/db/open-database.js';
import { pickupFileName } from '../../src/outbox/pickup-transport.js';
import { contosoDatabase } from '../support/contoso-database.js';
import { TEST_OUTBOX_KEY_FILE } from '../support/outbox-key.js';

const CATALOG = path.resolve('examples/contoso/catalog.yaml');
const CONFIG = path.resolve('examples/contoso');
const APPLY = ['apply', '-c', CONFIG, '--auto-approve', '--approve-purchases', '--approve-privileged'];

function ok(run: CliResult): CliResult {
  expect(run.stderr).not.toMatch(/^Error/m);
  expect(run.code).toBe(0);
  return run;
}

/** Every path under `root` whose mode is not 0700 (folders) or 0600 (files). */
function notPrivate(root: string): string[] {
  const found: string[] = [];
  const walk = (p: string) => {
    const stat = fs.lstatSync(p);
    if (stat.isDirectory()) {
      if ((stat.mode & 0o777) !== 0o700) found.push(`${p} ${(stat.mode & 0o777).toString(8)}`);
      for (const name of fs.readdirSync(p)) walk(path.join(p, name));
    } else if ((stat.mode & 0o777) !== 0o600) {
      found.push(`${p} ${(stat.mode & 0o777).toString(8)}`);
    }
  };
  walk(root);
  return found;
}

const mode = (file: string) => fs.statSync(file).mode & 0o777;

/** A folder's entries as they are: each file's mode and bytes, each link's target, by name. */
function folderState(folder: string): Record<string, string> {
  const state: Record<string, string> = {};
  for (const name of fs.readdirSync(folder).sort()) {
    const entry = path.join(folder, name);
    const stat = fs.lstatSync(entry);
    if (stat.isSymbolicLink()) state[name] = `link to ${fs.readlinkSync(entry)}`;
    else if (stat.isFile()) state[name] = `file ${(stat.mode & 0o777).toString(8)} ${fs.readFileSync(entry).toString('base64')}`;
    else state[name] = 'other';
  }
  return state;
}

describe('writePrivateFile', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir('tenantctl-write-');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes 0600 even under umask 000, and replaces an existing file\'s looser mode', () => {
    const previous = process.umask(0);
    try {
      const file = path.join(dir, 'plan.json');
      fs.writeFileSync(file, 'old', { mode: 0o666 });
      fs.chmodSync(file, 0o666);
      writePrivateFile(file, 'new');
      expect(fs.readFileSync(file, 'utf8')).toBe('new');
      expect(mode(file)).toBe(0o600);
    } finally {
      process.umask(previous);
    }
  });

  it('refuses a symlink planted at the target and leaves what it points to alone', () => {
    const victim = path.join(dir, 'victim');
    fs.writeFileSync(victim, 'precious');
    const target = path.join(dir, 'out.json');
    fs.symlinkSync(victim, target);
    expect(() => writePrivateFile(target, 'attack')).toThrow(/refusing to write .*out\.json: it is a symbolic link/);
    expect(fs.readFileSync(victim, 'utf8')).toBe('precious');
  });

  it('refuses a folder on the path that is a symbolic link inside a git work tree, wherever it points', () => {
    const repo = path.join(dir, 'repo');
    const victim = path.join(dir, 'victim-folder');
    const other = path.join(dir, 'other-repo');
    fs.mkdirSync(path.join(repo, 'deep'), { recursive: true });
    fs.mkdirSync(victim);
    fs.mkdirSync(path.join(other, '.git'), { recursive: true });
    execFileSync('git', ['init', '-q', repo]);
    // What a checkout may carry: a link to a folder of the runner, and one into another repository.
    fs.symlinkSync(victim, path.join(repo, 'reports'));
    fs.symlinkSync(other, path.join(repo, 'deep', 'elsewhere'));
    const viaLink = path.join(repo, 'reports', 'plan.json');
    expect(() => writePrivateFile(viaLink, 'attack')).toThrow(
      `refusing to write ${viaLink}: the folder ${path.join(repo, 'reports')} on its path is a symbolic link inside the git work tree ${repo}`,
    );
    const intoRepo = path.join(repo, 'deep', 'elsewhere', 'plan.json');
    expect(() => writePrivateFile(intoRepo, 'attack')).toThrow(`the folder ${path.join(repo, 'deep', 'elsewhere')} on its path is a symbolic link`);
    expect(fs.readdirSync(victim)).toEqual([]);
    expect(fs.readdirSync(other)).toEqual(['.git']);

    // Outside any work tree a linked folder is the machine's own layout, and is followed.
    const linked = path.join(dir, 'linked');
    fs.symlinkSync(victim, linked);
    writePrivateFile(path.join(linked, 'plan.json'), 'fine');
    expect(fs.readFileSync(path.join(victim, 'plan.json'), 'utf8')).toBe('fine');
  });

  it('writes text given in pieces as the same bytes, however the pieces fall around its buffer', () => {
    const file = path.join(dir, 'pieces.json');
    // Multi-byte characters, pieces that fill the 1 MiB buffer unevenly, and one larger than it.
    const pieces = ['{"a": "é🎉', 'x'.repeat(349_525), '\u2028', 'ü'.repeat(400_000), '😀'.repeat(600_000), '"}', '', '\n'];
    writePrivateFile(file, pieces.values());
    const written = fs.readFileSync(file);
    const expected = Buffer.from(pieces.join(''), 'utf8');
    expect(written.length).toBe(expected.length);
    // Buffer.equals: a deep comparison of 4 MB byte by byte is slow.
    expect(written.equals(expected)).toBe(true);
    expect(mode(file)).toBe(0o600);
  });

  it('writes pieces of text and bytes mixed in their order, small ones gathered and large ones written directly', () => {
    const file = path.join(dir, 'bytes.json');
    const utf8 = (text: string) => Buffer.from(text, 'utf8');
    // A large byte piece after buffered text must not overtake it; small ones after it must follow it.
    const pieces: (string | Uint8Array)[] = [
      '{"a": "é',
      utf8('🎉'.repeat(10)),
      utf8('b'.repeat(600_000)),
      'ü'.repeat(100_000),
      new Uint8Array(utf8('c'.repeat(1_200_000))),
      utf8('d'.repeat(700_000)),
      utf8('e'.repeat(700_000)),
      new Uint8Array(0),
      '"}\n',
    ];
    writePrivateFile(file, pieces.values());
    const expected = Buffer.concat(pieces.map((piece) => (typeof piece === 'string' ? utf8(piece) : piece)));
    expect(fs.readFileSync(file).equals(expected)).toBe(true);
    expect(mode(file)).toBe(0o600);
  });

  it('leaves no file behind when producing a piece fails', () => {
    const file = path.join(dir, 'failing.json');
    function* failing(): Generator<string> {
      yield 'x'.repeat(2_000_000);
      throw new Error('boom');
    }
    expect(() => writePrivateFile(file, failing())).toThrow('boom');
    expect(fs.existsSync(file)).toBe(false);
    expect(fs.readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('names the file asked for, not its temporary name, when the operating system refuses it', () => {
    const missing = path.join(dir, 'no-such-folder', 'plan.json');
    expect(() => writePrivateFile(missing, '{}')).toThrow(
      new TenantctlError(`cannot write ${missing}: its folder ${path.dirname(missing)} does not exist; create it, or name another file`),
    );
    const blocker = path.join(dir, 'a-file');
    fs.writeFileSync(blocker, '');
    const under = path.join(blocker, 'plan.json');
    expect(() => writePrivateFile(under, '{}')).toThrow(new TenantctlError(`cannot write ${under}: a part of the path is a file, not a folder (ENOTDIR)`));
  });

  it('does not create over an existing file when asked not to replace', () => {
    const file = path.join(dir, 'key');
    expect(writePrivateFile(file, 'first', { replace: false })).toBe(true);
    expect(writePrivateFile(file, 'second', { replace: false })).toBe(false);
    expect(fs.readFileSync(file, 'utf8')).toBe('first');
    expect(fs.readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });
});

describe('writePrivateFiles', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir('tenantctl-write-all-');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** A fresh folder holding an old a.yaml and c.yaml: what a failed write must leave exactly as it was. */
  function folderWithOldFiles(name: string): string {
    const folder = path.join(dir, name);
    fs.mkdirSync(folder);
    fs.writeFileSync(path.join(folder, 'a.yaml'), 'old a\n', { mode: 0o644 });
    fs.writeFileSync(path.join(folder, 'c.yaml'), 'old c\n', { mode: 0o640 });
    return folder;
  }

  it('refuses every target before writing any: a symlink among them leaves the folder as it was', () => {
    const folder = folderWithOldFiles('symlink');
    const victim = path.join(dir, 'victim');
    fs.writeFileSync(victim, 'precious');
    fs.symlinkSync(victim, path.join(folder, 'b.yaml'));
    const before = folderState(folder);
    const files = ['a.yaml', 'b.yaml', 'c.yaml', 'd.yaml'].map((name) => ({ target: path.join(folder, name), content: `new ${name}\n` }));
    expect(() => writePrivateFiles(files)).toThrow(`refusing to write ${path.join(folder, 'b.yaml')}: it is a symbolic link`);
    expect(folderState(folder)).toEqual(before);
    expect(fs.readFileSync(victim, 'utf8')).toBe('precious');
  });

  it('writes nothing when producing one file fails', () => {
    const folder = folderWithOldFiles('failing');
    const before = folderState(folder);
    function* failing(): Generator<string> {
      yield 'half of b';
      throw new Error('boom');
    }
    const files = [
      { target: path.join(folder, 'a.yaml'), content: 'new a\n' },
      { target: path.join(folder, 'b.yaml'), content: failing() },
      { target: path.join(folder, 'c.yaml'), content: 'new c\n' },
    ];
    expect(() => writePrivateFiles(files)).toThrow('boom');
    expect(folderState(folder)).toEqual(before);
  });

  it('puts the files already placed back as they were when the last cannot be placed', () => {
    const folder = folderWithOldFiles('rename');
    const before = folderState(folder);
    // Producing c.yaml turns d.yaml into a folder after the checks: a, b and c are in place when d fails.
    function* thenBlockD(): Generator<string> {
      fs.mkdirSync(path.join(folder, 'd.yaml'));
      yield 'new c\n';
    }
    const files = [
      { target: path.join(folder, 'a.yaml'), content: 'new a\n' },
      { target: path.join(folder, 'b.yaml'), content: 'new b\n' },
      { target: path.join(folder, 'c.yaml'), content: thenBlockD() },
      { target: path.join(folder, 'd.yaml'), content: 'new d\n' },
    ];
    expect(() => writePrivateFiles(files)).toThrow(`refusing to write ${path.join(folder, 'd.yaml')}: it exists and is not a regular file`);
    expect(folderState(folder)).toEqual({ ...before, 'd.yaml': 'other' });
  });

  it('without replace, reports the existing targets and writes none; one appearing meanwhile undoes the others', () => {
    const folder = folderWithOldFiles('no-replace');
    const before = folderState(folder);
    const fresh = (names: string[]) => names.map((name) => ({ target: path.join(folder, name), content: `new ${name}\n` }));
    expect(writePrivateFiles(fresh(['b.yaml', 'c.yaml', 'd.yaml']), { replace: false })).toEqual([path.join(folder, 'c.yaml')]);
    expect(folderState(folder)).toEqual(before);

    function* thenCreateF(): Generator<string> {
      fs.writeFileSync(path.join(folder, 'f.yaml'), 'theirs');
      yield 'new e\n';
    }
    const racing = [...fresh(['b.yaml', 'd.yaml']), { target: path.join(folder, 'e.yaml'), content: thenCreateF() }, ...fresh(['f.yaml'])];
    expect(writePrivateFiles(racing, { replace: false })).toEqual([path.join(folder, 'f.yaml')]);
    expect(folderState(folder)).toEqual({ ...before, 'f.yaml': folderState(folder)['f.yaml'] });
    expect(fs.readFileSync(path.join(folder, 'f.yaml'), 'utf8')).toBe('theirs');
  });

  describe('where the file system refuses hard links (FAT, a share, another user\'s file under protected_hardlinks)', () => {
    // The fallback cannot be reached on this machine's file system: link() is made to fail as those do.
    afterEach(() => {
      vi.restoreAllMocks();
    });
    const noHardLinks = () =>
      vi.spyOn(fs, 'linkSync').mockImplementation(() => {
        throw Object.assign(new Error('EPERM: operation not permitted, link'), { code: 'EPERM' });
      });

    it('moves each old file aside instead, and leaves nothing else behind', () => {
      const folder = folderWithOldFiles('no-links');
      const link = noHardLinks();
      const files = ['a.yaml', 'b.yaml', 'c.yaml'].map((name) => ({ target: path.join(folder, name), content: `new ${name}\n` }));
      expect(writePrivateFiles(files)).toEqual([]);
      expect(link).toHaveBeenCalled();
      expect(fs.readdirSync(folder).sort()).toEqual(['a.yaml', 'b.yaml', 'c.yaml']);
      for (const { target, content } of files) expect(fs.readFileSync(target, 'utf8')).toBe(content);
    });

    it('still puts the old files back when a later one cannot be placed', () => {
      const folder = folderWithOldFiles('no-links-rollback');
      const before = folderState(folder);
      noHardLinks();
      function* thenBlockD(): Generator<string> {
        fs.mkdirSync(path.join(folder, 'd.yaml'));
        yield 'new c\n';
      }
      const files = [
        { target: path.join(folder, 'a.yaml'), content: 'new a\n' },
        { target: path.join(folder, 'c.yaml'), content: thenBlockD() },
        { target: path.join(folder, 'd.yaml'), content: 'new d\n' },
      ];
      expect(() => writePrivateFiles(files)).toThrow(`refusing to write ${path.join(folder, 'd.yaml')}: it exists and is not a regular file`);
      expect(folderState(folder)).toEqual({ ...before, 'd.yaml': 'other' });
    });
  });

  it('writes them all, 0600, replacing the old ones and leaving nothing else behind', () => {
    const folder = folderWithOldFiles('success');
    const files = ['a.yaml', 'b.yaml', 'c.yaml'].map((name) => ({ target: path.join(folder, name), content: `new ${name}\n` }));
    expect(writePrivateFiles(files)).toEqual([]);
    expect(fs.readdirSync(folder).sort()).toEqual(['a.yaml', 'b.yaml', 'c.yaml']);
    for (const { target, content } of files) {
      expect(fs.readFileSync(target, 'utf8')).toBe(content);
      expect(mode(target)).toBe(0o600);
    }
  });
});

describe('the CLI writes only private files', { timeout: 120_000 }, () => {
  let work: string;
  let keyFile: string;
  /** The default embedded database, .tenantctl/db under `work`, made by init and apply under umask 000. */
  let embeddedEnv: Record<string, string | undefined>;
  /**
   * For the files the commands write, whatever the engine: the contoso example after its first
   * apply, on the test server when it runs (a CLI process there costs a third of one that starts
   * the embedded database), with the key its credentials are sealed for.
   */
  let env: Record<string, string | undefined>;

  beforeAll(async () => {
    work = tempDir('tenantctl-private-');
    const keys = tempDir('tenantctl-private-key-');
    keyFile = path.join(keys, 'outbox.key');
    embeddedEnv = { TENANTCTL_OUTBOX_KEY: keyFile };
    const testKey = path.join(keys, 'test-outbox.key');
    fs.copyFileSync(TEST_OUTBOX_KEY_FILE, testKey);
    const [database] = await Promise.all([
      contosoDatabase('applied', 'private_files', path.join(keys, 'db')),
      (async () => {
        ok(await runCli(['init', '--catalog', CATALOG], { cwd: work, env: embeddedEnv, umask: 0 }));
        ok(await runCli(APPLY, { cwd: work, env: embeddedEnv, umask: 0 }));
      })(),
    ]);
    env = { TENANTCTL_DATABASE_URL: database, TENANTCTL_OUTBOX_KEY: testKey };
  });
  afterAll(() => {
    fs.rmSync(work, { recursive: true, force: true });
    fs.rmSync(path.dirname(keyFile), { recursive: true, force: true });
  });

  /** A git checkout (`PREFIXcheckout`) whose `reports` folder is a symbolic link to a runner's folder. */
  function linkedCheckout(prefix: string): { repo: string; runnerFolder: string } {
    const repo = path.join(work, `${prefix}checkout`);
    const runnerFolder = path.join(work, `${prefix}runner-folder`);
    fs.mkdirSync(repo);
    fs.mkdirSync(runnerFolder);
    execFileSync('git', ['init', '-q', repo]);
    fs.symlinkSync(runnerFolder, path.join(repo, 'reports'));
    return { repo, runnerFolder };
  }

  it('the embedded database, its WAL included, is 0700/0600 under umask 000, and .tenantctl/ ignores itself', async () => {
    const state = path.join(work, '.tenantctl');
    expect(fs.readFileSync(path.join(state, '.gitignore'), 'utf8')).toMatch(/^\*$/m);
    expect(fs.readdirSync(path.join(state, 'db', 'pg_wal')).length).toBeGreaterThan(0);
    expect(notPrivate(path.join(state, 'db'))).toEqual([]);
    expect(mode(keyFile)).toBe(0o600);
    // git agrees: nothing under .tenantctl/ would be committed.
    execFileSync('git', ['init', '-q', work]);
    expect(execFileSync('git', ['status', '--porcelain', '--untracked-files=all'], { cwd: work, encoding: 'utf8' })).not.toContain('.tenantctl');
    fs.rmSync(path.join(work, '.git'), { recursive: true, force: true });
  });

  it('an existing database with loose modes is made private when opened', async () => {
    const table = path.join(work, '.tenantctl', 'db', 'PG_VERSION');
    fs.chmodSync(table, 0o666);
    ok(await runCli(['history'], { cwd: work, env: embeddedEnv }));
    expect(mode(table)).toBe(0o600);
  });

  it('plan --out and export --out write 0600 under umask 000, and refuse a planted symlink', async () => {
    const victim = path.join(work, 'victim.txt');
    fs.writeFileSync(victim, 'precious');
    const plan = path.join(work, 'plan.json');
    ok(await runCli(['plan', '-c', CONFIG, '--out', plan], { cwd: work, env, umask: 0 }));
    expect(mode(plan)).toBe(0o600);
    const exported = path.join(work, 'export.yaml');
    ok(await runCli(['export', '--out', exported], { cwd: work, env, umask: 0 }));
    expect(mode(exported)).toBe(0o600);

    for (const args of [['plan', '-c', CONFIG, '--out', 'link.json'], ['export', '--out', 'link.yaml', '--force']]) {
      const link = path.join(work, args.includes('link.json') ? 'link.json' : 'link.yaml');
      fs.symlinkSync(victim, link);
      const run = await runCli(args, { cwd: work, env });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`refusing to write ${link}: it is a symbolic link`);
      expect(fs.readFileSync(victim, 'utf8')).toBe('precious');
    }
  });

  it('export --split --force refused for one symlinked target writes none of its files', async () => {
    const victim = path.join(work, 'split-victim.yaml');
    fs.writeFileSync(victim, 'precious');
    const folder = path.join(work, 'split');
    fs.mkdirSync(folder);
    // What --force would have replaced, a file of an earlier export it would not write, and the planted link.
    fs.writeFileSync(path.join(folder, 'tenant.yaml'), '# an earlier export\n', { mode: 0o644 });
    fs.writeFileSync(path.join(folder, 'users-finance.yaml'), 'users: []\n');
    fs.writeFileSync(path.join(folder, 'users-sales-old.yaml'), 'users: []\n');
    fs.symlinkSync(victim, path.join(folder, 'users-it.yaml'));
    const before = folderState(folder);
    const run = await runCli(['export', '--split', 'department', '--out', folder, '--force'], { cwd: work, env });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`Error: refusing to write ${path.join(folder, 'users-it.yaml')}: it is a symbolic link (remove it, or name the real file)\n`);
    expect(folderState(folder)).toEqual(before);
    expect(fs.readFileSync(victim, 'utf8')).toBe('precious');

    // A folder created for the export is removed again when nothing was written.
    const { repo, runnerFolder } = linkedCheckout('split-');
    const linked = await runCli(['export', '--split', 'department', '--out', path.join(repo, 'reports', 'config')], { cwd: work, env });
    expect(linked.code).toBe(1);
    expect(linked.stderr).toContain('on its path is a symbolic link');
    expect(fs.readdirSync(runnerFolder)).toEqual([]);

    // With the link gone the same export writes every file, and names the one it left alone.
    fs.rmSync(path.join(folder, 'users-it.yaml'));
    const done = ok(await runCli(['export', '--split', 'department', '--out', folder, '--force'], { cwd: work, env }));
    expect(fs.readdirSync(folder).filter((n) => n.startsWith('.'))).toEqual([]);
    expect(fs.readFileSync(path.join(folder, 'tenant.yaml'), 'utf8')).toContain('Exported by tenantctl');
    expect(done.stderr).toContain(`Note: ${folder} also holds users-sales-old.yaml`);

    // A name found in the folder is anyone's: its escape sequence is shown, not sent to the terminal.
    fs.writeFileSync(path.join(folder, 'users-\u001b]52;c;b3duZWQ=\u0007.yaml'), 'users: []\n');
    const shown = ok(await runCli(['export', '--split', 'department', '--out', folder, '--force'], { cwd: work, env }));
    expect(shown.stderr).toContain('users-\\u001b]52;c;b3duZWQ=\\u0007.yaml');
    expect(shown.stderr).not.toContain('\u001b');
  });

  it('plan --out refuses a folder of the checkout that is a symbolic link', async () => {
    const { repo, runnerFolder } = linkedCheckout('');
    const run = await runCli(['plan', '-c', CONFIG, '--out', 'reports/plan.json'], { cwd: repo, env });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`refusing to write ${path.join(repo, 'reports', 'plan.json')}: the folder ${path.join(repo, 'reports')} on its path is a symbolic link`);
    expect(fs.readdirSync(runnerFolder)).toEqual([]);
  });

  it('a path the operating system refuses is one line naming it, exit 1, and one JSON document under --format json', async () => {
    const missing = path.join(work, 'no-such-folder');
    const blocker = path.join(work, 'not-a-folder');
    fs.writeFileSync(blocker, '');
    const refusals: [string[], string][] = [
      [['plan', '-c', CONFIG, '--out', path.join(blocker, 'plans', 'plan.json')], `cannot create the folder ${path.join(blocker, 'plans')}: a part of the path is a file, not a folder (ENOTDIR)`],
      [['drift', '-c', CONFIG, '--out', path.join(blocker, 'drift.md')], `cannot write ${path.join(blocker, 'drift.md')}: a part of the path is a file, not a folder (ENOTDIR)`],
      [['export', '--out', path.join(blocker, 'tenant.yaml')], `cannot look at ${path.join(blocker, 'tenant.yaml')}: a part of the path is a file, not a folder (ENOTDIR)`],
      [['export', '--split', 'department', '--out', path.join(blocker, 'config')], `cannot create the folder ${path.join(blocker, 'config')}: a part of the path is a file, not a folder (ENOTDIR)`],
      [['deliver', '--pickup', path.join(blocker, 'outbox')], `cannot look at ${path.join(blocker, 'outbox')}: a part of the path is a file, not a folder (ENOTDIR)`],
    ];
    for (const [args, message] of refusals) {
      const run = await runCli(args, { cwd: work, env });
      expect(run.code, args.join(' ')).toBe(1);
      expect(run.stderr).toBe(`Error: ${message}\n`);
    }
    // The plan is saved before it is shown: a plan that cannot be saved leaves only the error's document on stdout.
    const json = await runCli(['plan', '-c', CONFIG, '--format', 'json', '--out', path.join(blocker, 'plan.json')], { cwd: work, env });
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout).diagnostics).toEqual([
      expect.objectContaining({ code: 'FAILED', message: `cannot write ${path.join(blocker, 'plan.json')}: a part of the path is a file, not a folder (ENOTDIR)` }),
    ]);
    expect(fs.existsSync(missing)).toBe(false);
  });

  it('plan --out and export --out both create a folder that does not exist yet', async () => {
    const plans = path.join(work, 'new-plans', '2026');
    const plan = await runCli(['plan', '-c', CONFIG, '--out', path.join(plans, 'plan.json')], { cwd: work, env });
    expect(plan.code, plan.stderr).toBe(0);
    expect(JSON.parse(fs.readFileSync(path.join(plans, 'plan.json'), 'utf8'))).toMatchObject({ formatVersion: expect.any(String) });
    expect(mode(path.join(plans, 'plan.json'))).toBe(0o600);
    const exported = path.join(work, 'new-export', 'config');
    const run = await runCli(['export', '--out', path.join(exported, 'tenant.yaml')], { cwd: work, env });
    expect(run.code, run.stderr).toBe(0);
    expect(fs.existsSync(path.join(exported, 'tenant.yaml'))).toBe(true);
    fs.rmSync(path.join(work, 'new-plans'), { recursive: true });
    fs.rmSync(path.join(work, 'new-export'), { recursive: true });
  });

  it('plan --out creates no folder through a symbolic link of the checkout', async () => {
    const { repo, runnerFolder } = linkedCheckout('nested-');
    const run = await runCli(['plan', '-c', CONFIG, '--out', 'reports/2026/plan.json'], { cwd: repo, env });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`refusing to write ${path.join(repo, 'reports', '2026', 'plan.json')}: the folder ${path.join(repo, 'reports')} on its path is a symbolic link`);
    expect(fs.readdirSync(runnerFolder)).toEqual([]);
  });

  it('deliver --pickup refuses a folder git would commit or others may write, and ignores planted symlinks', async () => {
    const repo = path.join(work, 'repo');
    fs.mkdirSync(repo);
    execFileSync('git', ['init', '-q', repo]);
    const tracked = await runCli(['deliver', '--pickup', path.join(repo, 'outbox')], { cwd: work, env });
    expect(tracked.code).toBe(1);
    // The folder is named, not the file git was asked about.
    expect(tracked.stderr).toBe(`Error: refusing the pickup folder ${path.join(repo, 'outbox')}: it is inside the git work tree ${repo} and git does not ignore it; pick a folder outside the repository, or have git ignore it\n`);
    expect(fs.existsSync(path.join(repo, 'outbox'))).toBe(false);

    const open = path.join(work, 'open-outbox');
    fs.mkdirSync(open);
    fs.chmodSync(open, 0o777);
    const writable = await runCli(['deliver', '--pickup', open], { cwd: work, env });
    expect(writable.code).toBe(1);
    expect(writable.stderr).toContain(`refusing the pickup folder ${open}: others may write to it (mode 0777)`);
    expect(fs.readdirSync(open)).toEqual([]);

    // The predictable temporary name the old writer used, and the first target, both planted.
    const pickup = path.join(work, 'outbox');
    fs.mkdirSync(pickup, { mode: 0o700 });
    const victim = path.join(work, 'stolen.eml');
    fs.writeFileSync(victim, '');
    const db = await openDatabase({ url: env.TENANTCTL_DATABASE_URL ?? '', actor: 'test', lockTimeoutMs: 5_000 });
    const [first] = await db.query<{ user_id: string }>('SELECT user_id::text FROM credential_notifications WHERE id = 1').finally(() => db.close());
    const target = pickupFileName({ notificationId: 1, userId: first?.user_id ?? '' });
    for (const name of [`.${target}.12345.tmp`, target]) fs.symlinkSync(victim, path.join(pickup, name));
    const deliver = await runCli(['deliver', '--pickup', pickup], { cwd: work, env, umask: 0 });
    expect(deliver.code).toBe(1);
    expect(deliver.stdout).toContain('refusing to write');
    expect(fs.readFileSync(victim, 'utf8')).toBe('');
    const written = fs.readdirSync(pickup).filter((n) => /^credentials-\d+\.[0-9a-f-]{36}\.eml$/.test(n) && !fs.lstatSync(path.join(pickup, n)).isSymbolicLink());
    expect(written.length).toBe(12);
    for (const name of written) expect(mode(path.join(pickup, name))).toBe(0o600);

    // git ignores the folder: allowed.
    fs.writeFileSync(path.join(repo, '.gitignore'), 'outbox/\n');
    ok(await runCli(['deliver', '--pickup', path.join(repo, 'outbox')], { cwd: work, env }));
  });
});
