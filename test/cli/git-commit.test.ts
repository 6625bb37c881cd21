import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CI_COMMIT_VARIABLES } from '../../src/workflow/git-commit.js';
import { copyContoso, runCli, tempDir } from '../support/cli.js';
import { contosoDatabase } from '../support/contoso-database.js';

/** No CI variable, so tenantctl has to ask git (the path under attack). */
const NO_CI = Object.fromEntries(CI_COMMIT_VARIABLES.map((name) => [name, undefined]));

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.org', '-c', 'init.defaultBranch=main', ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' },
  }).trim();
}

/**
 * Turns `folder` into what finding 2 describes: a pull request adds HEAD,
 * config (with core.fsmonitor), objects/ and refs/ so that git, run inside
 * the folder, takes it for a repository and runs the command. Returns the
 * marker file the command creates.
 */
function plantRepository(folder: string): string {
  const marker = path.join(os.tmpdir(), `pwned-${randomBytes(6).toString('hex')}`);
  const scratch = tempDir('tenantctl-plant-');
  git(scratch, 'init', '-q', '--bare', path.join(scratch, 'bare.git'));
  fs.writeFileSync(path.join(scratch, 'x'), 'x');
  git(scratch, '--git-dir', 'bare.git', '--work-tree', '.', 'add', 'x');
  git(scratch, '--git-dir', 'bare.git', '--work-tree', '.', 'commit', '-q', '-m', 'x');
  for (const name of ['HEAD', 'objects', 'refs']) fs.cpSync(path.join(scratch, 'bare.git', name), path.join(folder, name), { recursive: true });
  fs.writeFileSync(
    path.join(folder, 'config'),
    `[core]\n\trepositoryformatversion = 0\n\tbare = false\n\tworktree = .\n\tfsmonitor = "touch ${marker}"\n`,
  );
  fs.rmSync(scratch, { recursive: true, force: true });
  return marker;
}

/** The attack works against plain git: proves the planted folder is a real threat. */
function plainGitRunsTheCommand(folder: string, marker: string): boolean {
  try {
    execFileSync('git', ['status', '--porcelain'], { cwd: folder, stdio: 'ignore', env: { ...process.env, GIT_CEILING_DIRECTORIES: path.dirname(folder) } });
  } catch {
    // the command ran or not; the marker says
  }
  const ran = fs.existsSync(marker);
  fs.rmSync(marker, { force: true });
  return ran;
}

const savedCommit = (file: string) => (JSON.parse(fs.readFileSync(file, 'utf8')) as { gitCommit?: string | null }).gitCommit;

describe('plan never runs a command planted in the configuration folder', () => {
  let dir: string;
  let database: string;
  const env = (extra: Record<string, string | undefined> = {}) => ({ TENANTCTL_DATABASE_URL: database, ...NO_CI, ...extra });

  beforeAll(async () => {
    dir = tempDir();
    database = await contosoDatabase('initialised', 'git_commit', path.join(dir, 'db'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('a configuration folder that is a planted repository, outside any work tree', async () => {
    const config = copyContoso();
    const marker = plantRepository(config);
    expect(plainGitRunsTheCommand(config, marker)).toBe(true);
    const planFile = path.join(dir, 'planted.json');
    const plan = await runCli(['plan', '-c', config, '--out', planFile], { env: env() });
    expect(plan.code).toBe(0);
    expect(fs.existsSync(marker)).toBe(false);
    expect(savedCommit(planFile)).toBeNull();
    fs.rmSync(config, { recursive: true, force: true });
  });

  it('a planted repository inside a real work tree: git is not asked, and says why', async () => {
    const repo = tempDir('tenantctl-repo-');
    git(repo, 'init', '-q');
    const config = path.join(repo, 'tenant');
    fs.cpSync(copyContoso(), config, { recursive: true });
    const marker = plantRepository(config);
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'a pull request');
    expect(plainGitRunsTheCommand(config, marker)).toBe(true);
    const planFile = path.join(dir, 'planted-in-repo.json');
    const plan = await runCli(['plan', '-c', config, '--out', planFile], { env: env() });
    expect(plan.code).toBe(0);
    expect(fs.existsSync(marker)).toBe(false);
    expect(plan.stderr).toContain(`${fs.realpathSync(config)} looks like a git repository of its own`);
    expect(savedCommit(planFile)).toBeNull();
    fs.rmSync(repo, { recursive: true, force: true });
  });

  it('an ordinary work tree gives its commit; fsmonitor in its own config does not run either', async () => {
    const repo = tempDir('tenantctl-repo-');
    git(repo, 'init', '-q');
    const config = path.join(repo, 'tenant');
    fs.cpSync(copyContoso(), config, { recursive: true });
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'configuration');
    const head = git(repo, 'rev-parse', 'HEAD');
    const marker = path.join(os.tmpdir(), `pwned-${randomBytes(6).toString('hex')}`);
    git(repo, 'config', 'core.fsmonitor', `touch ${marker}`);
    const planFile = path.join(dir, 'ordinary.json');
    expect((await runCli(['plan', '-c', config, '--out', planFile], { env: env() })).code).toBe(0);
    expect(savedCommit(planFile)).toBe(head);
    expect(fs.existsSync(marker)).toBe(false);
    fs.appendFileSync(path.join(config, 'users.yaml'), '\n');
    expect((await runCli(['plan', '-c', config, '--out', planFile], { env: env() })).code).toBe(0);
    expect(savedCommit(planFile)).toBe(`${head}+dirty`);
    // The CI's variable names the commit, and git still says the configuration was edited after checkout.
    const sha = 'b'.repeat(40);
    expect((await runCli(['plan', '-c', config, '--out', planFile], { env: env({ GITHUB_SHA: sha }) })).code).toBe(0);
    expect(savedCommit(planFile)).toBe(`${sha}+dirty`);
    expect(fs.existsSync(marker)).toBe(false);
    git(repo, '-c', 'core.fsmonitor=false', 'commit', '-q', '-am', 'edited');
    expect((await runCli(['plan', '-c', config, '--out', planFile], { env: env({ GITHUB_SHA: sha }) })).code).toBe(0);
    expect(savedCommit(planFile)).toBe(sha);
    // A plan written into the folder is not configuration; a new YAML file there is.
    const inFolder = path.join(config, 'plan.json');
    expect((await runCli(['plan', '-c', config, '--out', inFolder], { env: env({ GITHUB_SHA: sha }) })).code).toBe(0);
    expect(savedCommit(inFolder)).toBe(sha);
    fs.writeFileSync(path.join(config, 'extra.yaml'), 'users: []\n');
    await runCli(['plan', '-c', config, '--out', planFile], { env: env({ GITHUB_SHA: sha }) });
    expect(savedCommit(planFile)).toBe(`${sha}+dirty`);
    expect(fs.existsSync(marker)).toBe(false);
    fs.rmSync(repo, { recursive: true, force: true });
  });

  // apply holds the password.fromEnv variables, deliver the SMTP URL: git would hand them on to whatever it starts.
  it('git is given none of the job\'s secrets in its environment, and still names the commit', async () => {
    const repo = tempDir('tenantctl-repo-');
    git(repo, 'init', '-q');
    const config = path.join(repo, 'tenant');
    fs.cpSync(copyContoso(), config, { recursive: true });
    fs.writeFileSync(path.join(repo, '.gitignore'), 'keys/\n');
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'configuration');
    const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
    const wrapper = tempDir('tenantctl-git-wrapper-');
    const seen = path.join(wrapper, 'environments');
    fs.writeFileSync(path.join(wrapper, 'git'), `#!/bin/sh\necho "git $*" >> '${seen}'\nenv >> '${seen}'\nexec '${realGit}' "$@"\n`, { mode: 0o755 });
    const secrets = { KEEPER_PASSWORD: 'Kq4#Wn8!secretA', TENANTCTL_SMTP_URL: 'smtp://mailer:Sm7p!secretB@relay.example.org:587' };
    const withWrapper = env({ ...secrets, PATH: `${wrapper}${path.delimiter}${process.env.PATH ?? ''}` });
    const planFile = path.join(dir, 'secrets.json');
    expect((await runCli(['plan', '-c', config, '--out', planFile], { env: withWrapper })).code).toBe(0);
    expect(savedCommit(planFile)).toBe(git(repo, 'rev-parse', 'HEAD'));
    const init = await runCli(['init', '--database', 'memory://', '--outbox-key', path.join(repo, 'keys', 'outbox.key')], { env: withWrapper });
    expect(init.code, init.stderr).toBe(0);
    const environments = fs.readFileSync(seen, 'utf8');
    // Both ways tenantctl runs git: for the commit (plan), and whether it ignores a secret's path (init).
    expect(environments).toMatch(/^git .*rev-parse/m);
    expect(environments).toMatch(/^git .*check-ignore/m);
    expect(environments).not.toMatch(/secretA|secretB|KEEPER_PASSWORD|TENANTCTL_/);
    fs.rmSync(repo, { recursive: true, force: true });
    fs.rmSync(wrapper, { recursive: true, force: true });
  });

  it('the CI variable or --commit give the commit, and a planted repository still runs nothing; a malformed --commit is refused', async () => {
    const config = copyContoso();
    const marker = plantRepository(config);
    const planFile = path.join(dir, 'ci.json');
    const sha = 'a'.repeat(40);
    expect((await runCli(['plan', '-c', config, '--out', planFile], { env: env({ CI_COMMIT_SHA: sha }) })).code).toBe(0);
    expect(savedCommit(planFile)).toBe(sha);
    expect((await runCli(['plan', '-c', config, '--out', planFile, '--commit', 'ABCDEF1'], { env: env({ GITHUB_SHA: sha }) })).code).toBe(0);
    expect(savedCommit(planFile)).toBe('abcdef1');
    const bad = await runCli(['plan', '-c', config, '--commit', '$(touch x)'], { env: env() });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--commit takes a git commit id (7 to 64 hexadecimal digits), got "$(touch x)"');
    expect(fs.existsSync(marker)).toBe(false);
    fs.rmSync(config, { recursive: true, force: true });
  });
});
