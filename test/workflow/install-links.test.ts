// `npm ci` empties node_modules before it installs, and a node_modules that is
// a symbolic link has it empty the folder the link points to (npm writes its
// cache through a .npm link likewise): a pull request that commits
// `node_modules -> ~` had the install step of every workflow delete the runner
// user's files. Each install step refuses such a link before npm runs; here
// each runs, as the runner runs it, with real npm on a package of no
// dependencies (no network).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT, tempDir } from '../support/cli.js';

const WORKFLOWS = path.join(ROOT, 'examples/gitops/github/.github/workflows');
const PIPELINE = path.join(ROOT, 'examples/gitops/gitlab/.gitlab-ci.yml');

/** Every install step: each GitHub job's `npm ci` step, and GitLab's before_script. */
function installSteps(): { where: string; script: string }[] {
  const github = fs.readdirSync(WORKFLOWS).flatMap((file) => {
    const workflow = parse(fs.readFileSync(path.join(WORKFLOWS, file), 'utf8')) as { jobs: Record<string, { steps: { run?: string }[] }> };
    return Object.entries(workflow.jobs).flatMap(([job, { steps }]) => steps.filter((s) => s.run?.includes('npm ci')).map((s) => ({ where: `${file}: ${job}`, script: s.run! })));
  });
  const gitlab = parse(fs.readFileSync(PIPELINE, 'utf8')) as { default: { before_script: string[] } };
  return [...github, { where: '.gitlab-ci.yml: before_script', script: gitlab.default.before_script.join('\n') }];
}

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** A project of no dependencies, with `link` committed as a symbolic link to a folder of the runner user's. */
function project(link: string): { dir: string; victim: string } {
  const dir = tempDir('tenantctl-install-links-');
  made.push(dir);
  const repo = path.join(dir, 'repo');
  const victim = path.join(dir, 'home');
  fs.mkdirSync(repo);
  fs.mkdirSync(path.join(victim, '.ssh'), { recursive: true });
  fs.writeFileSync(path.join(victim, '.ssh', 'authorized_keys'), 'ssh-ed25519 AAAA admin\n');
  fs.writeFileSync(path.join(repo, 'package.json'), '{"name":"contoso-tenant","version":"1.0.0","private":true}\n');
  fs.writeFileSync(
    path.join(repo, 'package-lock.json'),
    '{"name":"contoso-tenant","version":"1.0.0","lockfileVersion":3,"requires":true,"packages":{"":{"name":"contoso-tenant","version":"1.0.0"}}}\n',
  );
  fs.symlinkSync(victim, path.join(repo, link));
  return { dir: repo, victim };
}

const run = (cwd: string, script: string) =>
  spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, npm_config_cache: path.join(cwd, '.npm'), npm_config_offline: 'true', CI_PROJECT_DIR: cwd },
  });

describe('the install step of every workflow, on a branch that commits node_modules or .npm as a symbolic link', { timeout: 60_000 }, () => {
  const steps = installSteps();
  it('there are the four install steps of the GitHub jobs that run tenantctl, and GitLab\'s', () => {
    expect(steps.map((s) => s.where)).toEqual(['apply.yml: apply', 'apply.yml: apply-approved', 'apply.yml: deliver', 'drift.yml: drift', 'plan.yml: plan', '.gitlab-ci.yml: before_script']);
  });

  it.each(steps.map((s) => [s.where, s.script]))('%s refuses a node_modules link and leaves its folder alone', (_where, script) => {
    const { dir, victim } = project('node_modules');
    const result = run(dir, script);
    expect(result.status).toBe(1);
    expect(result.stdout + result.stderr).toContain('node_modules is a symbolic link');
    expect(fs.readFileSync(path.join(victim, '.ssh', 'authorized_keys'), 'utf8')).toBe('ssh-ed25519 AAAA admin\n');
  });

  it('GitLab\'s refuses a .npm link (its npm cache is in the project directory)', () => {
    const { dir, victim } = project('.npm');
    const result = run(dir, steps.at(-1)!.script);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('.npm is a symbolic link');
    expect(fs.readdirSync(victim)).toEqual(['.ssh']);
  });

  it('without a link, the same step installs', () => {
    const dir = tempDir('tenantctl-install-links-');
    made.push(dir);
    fs.writeFileSync(path.join(dir, 'package.json'), '{"name":"contoso-tenant","version":"1.0.0","private":true}\n');
    fs.writeFileSync(path.join(dir, 'package-lock.json'), '{"name":"contoso-tenant","version":"1.0.0","lockfileVersion":3,"requires":true,"packages":{"":{"name":"contoso-tenant","version":"1.0.0"}}}\n');
    const result = run(dir, steps[0]!.script);
    expect(result.stderr).not.toMatch(/ERR!/);
    expect(result.status).toBe(0);
  });
});
