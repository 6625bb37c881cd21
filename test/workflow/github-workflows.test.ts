import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT, runCli } from '../support/cli.js';
import { contosoDatabase } from '../support/contoso-database.js';
import { githubRunSteps, gitopsRepo, runStep, runStepAsync, type WorkflowStep } from './gitops-repo.js';
import { TlsSmtpRelay } from './tls-smtp-relay.js';

const WORKFLOWS = path.join(ROOT, 'examples/gitops/github/.github/workflows');
const VALIDATOR = path.join(ROOT, 'node_modules/.bin/action-validator');

describe('the GitHub Actions workflows of examples/gitops/github', () => {
  it.each(fs.readdirSync(WORKFLOWS))('%s passes action-validator (the official workflow schema)', (file) => {
    const run = spawnSync(VALIDATOR, [path.join(WORKFLOWS, file)], { encoding: 'utf8' });
    // It only warns that it does not check the globs of `paths:` filters.
    expect((run.stdout + run.stderr).replace(/^WARNING: Glob validation is not yet supported\..*$/gm, '').trim()).toBe('');
    expect(run.status).toBe(0);
  });

  it('each job connects as the least-privileged role of sql/roles.sql, and the README names every secret the workflows use', () => {
    // Each URL is set on the steps that run tenantctl (see below); a job's steps all use one.
    const databaseOf = (file: string) => {
      const workflow = parse(fs.readFileSync(path.join(WORKFLOWS, file), 'utf8')) as { jobs: Record<string, Job> };
      return Object.fromEntries(Object.entries(workflow.jobs).map(([job, { steps }]) => [job, [...new Set(steps.flatMap((step) => step.env?.TENANTCTL_DATABASE_URL ?? []))]]));
    };
    const secret = (name: string) => [`\${{ secrets.${name} }}`];
    // A pull request's configuration is untrusted: validate and plan run as tenantctl_reader, like drift.
    expect(databaseOf('plan.yml')).toEqual({ plan: secret('TENANTCTL_DATABASE_READONLY_URL') });
    expect(databaseOf('drift.yml')).toEqual({ drift: secret('TENANTCTL_DATABASE_READONLY_URL') });
    expect(databaseOf('apply.yml')).toEqual({
      apply: secret('TENANTCTL_DATABASE_WRITER_URL'),
      'apply-approved': secret('TENANTCTL_DATABASE_WRITER_URL'),
      deliver: secret('TENANTCTL_DATABASE_DELIVER_URL'),
    });
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const setup = readme.slice(readme.indexOf('## From an empty repository'), readme.indexOf('### The same on GitLab'));
    const used = new Set(fs.readdirSync(WORKFLOWS).flatMap((file) => [...fs.readFileSync(path.join(WORKFLOWS, file), 'utf8').matchAll(/secrets\.([A-Z_]+)/g)].map((m) => m[1] ?? '')));
    for (const name of used) expect(setup, name).toContain(`\`${name}\``);
  });

  it('action-validator does catch a broken workflow', () => {
    const broken = path.join(fs.mkdtempSync(path.join(ROOT, 'node_modules', '.tmp-workflow-')), 'broken.yml');
    fs.writeFileSync(broken, 'name: broken\non: [pull_request]\njobs:\n  plan:\n    runs-on: ubuntu-latest\n    step:\n      - run: echo\n');
    const run = spawnSync(VALIDATOR, [broken], { encoding: 'utf8' });
    fs.rmSync(path.dirname(broken), { recursive: true, force: true });
    expect(run.status).not.toBe(0);
  });
});

interface Job {
  readonly environment?: unknown;
  readonly env?: Record<string, string>;
  readonly steps: readonly { readonly run?: string; readonly env?: Record<string, string> }[];
}

const secretsIn = (value: unknown) => [...new Set([...JSON.stringify(value ?? null).matchAll(/secrets\.([A-Za-z0-9_]+)/g)].map((m) => m[1]))];

describe('who can read the secrets of the GitHub workflows', () => {
  const workflows = fs.readdirSync(WORKFLOWS).map((file) => {
    const workflow = parse(fs.readFileSync(path.join(WORKFLOWS, file), 'utf8')) as { on: Record<string, unknown>; jobs: Record<string, Job> };
    return { file, on: Object.keys(workflow.on), jobs: Object.entries(workflow.jobs) };
  });

  // GitHub runs a pull request's workflows as its branch has them: whoever can push a branch can read what they may.
  it('a pull request\'s jobs get only the read-only role\'s URL', () => {
    const onPullRequests = workflows.filter((w) => w.on.some((event) => event.startsWith('pull_request')));
    expect(onPullRequests.map((w) => w.file)).toEqual(['plan.yml']);
    for (const { jobs } of onPullRequests) for (const [, job] of jobs) expect(secretsIn(job)).toEqual(['TENANTCTL_DATABASE_READONLY_URL']);
  });

  it('every other secret is an environment\'s, whose deployment branches the README limits to main', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const environments = new Set<string>();
    for (const { jobs } of workflows) {
      for (const [name, job] of jobs) {
        if (secretsIn(job).every((secret) => secret === 'TENANTCTL_DATABASE_READONLY_URL')) continue;
        expect(job.environment, `job ${name} uses ${secretsIn(job).join(', ')}`).toEqual(expect.any(String));
        environments.add(String(job.environment));
      }
    }
    expect([...environments].sort()).toEqual(['tenant-apply', 'tenant-approvals', 'tenant-deliver']);
    expect(readme).toContain('`tenant-apply`, `tenant-approvals` and\n   `tenant-deliver`, each with deployment branches limited to `main`');
  });

  it('npm ci runs no install script and sees no secret: each is given to the step that runs tenantctl', () => {
    for (const { file, jobs } of workflows) {
      for (const [name, job] of jobs) {
        expect(secretsIn(job.env), `${file}: job ${name}'s env`).toEqual([]);
        const installs = job.steps.filter((step) => step.run?.includes('npm ci'));
        expect(installs.length, `${file}: job ${name}`).toBeLessThanOrEqual(1);
        for (const step of installs) {
          expect(step.run).toContain('--ignore-scripts');
          expect(secretsIn(step.env)).toEqual([]);
        }
      }
    }
    const gitlab = parse(fs.readFileSync(path.join(ROOT, 'examples/gitops/gitlab/.gitlab-ci.yml'), 'utf8')) as { default: { before_script: string[] } };
    expect(gitlab.default.before_script.filter((line) => line.includes('npm ci'))).toEqual([expect.stringContaining('--ignore-scripts')]);
  });
});

describe('every tenantctl line of the GitHub workflows, run against the contoso example', { timeout: 120_000 }, () => {
  let repo: string;
  let database: string;
  let relay: TlsSmtpRelay;
  const env = () => ({ TENANTCTL_DATABASE_URL: database, NO_COLOR: '1', XDG_CONFIG_HOME: path.join(repo, '.xdg'), GITHUB_SHA: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678' });
  const steps = (file: string) => githubRunSteps(path.join(WORKFLOWS, file));
  const step = (file: string, name: string): WorkflowStep => {
    const found = steps(file).find((s) => s.name === name);
    if (!found) throw new Error(`${file} has no step "${name}"`);
    return found;
  };
  const executed = new Set<string>();
  const run = (file: string, name: string) => {
    executed.add(`${file}: ${name}`);
    return runStep(repo, step(file, name), env());
  };

  beforeAll(async () => {
    repo = gitopsRepo('github');
    // What `init --catalog catalog.yaml` makes: that catalog is the contoso example's (see
    // gitlab-pipeline.test.ts), so a copy of the contoso database after init. On PostgreSQL
    // where the suite's server runs (the workflows, not the engine, are the subject; its URL is
    // what the workflows' secrets hold): a tenantctl process there costs a third of one that
    // starts the embedded database.
    database = await contosoDatabase('initialised', 'github_workflows', path.join(repo, '.tenantctl', 'db'));
    relay = new TlsSmtpRelay(repo);
    await relay.start();
  });
  afterAll(async () => {
    await relay?.stop();
    fs.rmSync(repo, { recursive: true, force: true });
  });

  it('pull request: validate passes, plan writes the comment and the plan file', () => {
    const validate = run('plan.yml', 'Validate');
    expect(validate.stderr).toBe('');
    expect(validate.status).toBe(0);
    const plan = run('plan.yml', 'Plan');
    expect(plan.status).toBe(0);
    expect(plan.outputs).toEqual({ made: 'true' });
    expect(fs.readFileSync(path.join(repo, 'plan.md'), 'utf8')).toContain('megan.bowen@contoso.com');
    expect(JSON.parse(fs.readFileSync(path.join(repo, 'plan.json'), 'utf8'))).toMatchObject({ formatVersion: expect.any(String) });
  });

  it('merge: the saved plan stops for approval (exit 3 → needs-approval), then the approved job applies it, then deliver sends the credentials', async () => {
    const first = run('apply.yml', 'Apply the saved plan, without approvals');
    expect(first.status).toBe(0);
    expect(first.outputs).toEqual({ 'needs-approval': 'true' });
    expect(first.stderr).toContain('--approve-purchases');
    expect((await runCli(['plan', '-c', 'tenant', '--detailed-exitcode'], { cwd: repo, env: env() })).code).toBe(2);

    const approved = run('apply.yml', 'Apply the saved plan, approved');
    expect(approved.stderr).not.toMatch(/Error:/);
    expect(approved.status).toBe(0);
    expect((await runCli(['plan', '-c', 'tenant', '--detailed-exitcode'], { cwd: repo, env: env() })).code).toBe(0);
    const history = await runCli(['history', '--format', 'json', '--limit', '1'], { cwd: repo, env: env() });
    expect(history.stdout).toContain(env().GITHUB_SHA);

    // The deliver job: the key comes from a secret (its text), the relay's URL from another.
    const runnerTemp = fs.mkdtempSync(path.join(repo, '.runner-temp-'));
    executed.add("apply.yml: Deliver the new users' credentials");
    const deliver = await runStepAsync(repo, step('apply.yml', "Deliver the new users' credentials"), {
      ...env(),
      OUTBOX_KEY: fs.readFileSync(process.env.TENANTCTL_OUTBOX_KEY!, 'utf8'),
      TENANTCTL_SMTP_URL: relay.url,
      NODE_EXTRA_CA_CERTS: relay.caFile,
      RUNNER_TEMP: runnerTemp,
    });
    expect(deliver.stderr).toBe('');
    expect(deliver.status).toBe(0);
    expect(deliver.stdout).toMatch(/^Delivered 13 of 13 notification\(s\) via smtp:\/\/tenantctl:\*+@127\.0\.0\.1:\d+\.$/m);
    expect(relay.received.length).toBeGreaterThanOrEqual(13);
    expect(fs.readdirSync(runnerTemp)).toEqual([]);
  });

  it('nightly: no drift says drift=false; a change behind git\'s back says drift=true with the report', async () => {
    const clean = run('drift.yml', 'Drift');
    expect(clean.status).toBe(0);
    expect(clean.outputs).toEqual({ drift: 'false' });

    // Someone changes a job title outside tenantctl: here, by applying an edited copy.
    const edited = path.join(repo, 'edited');
    fs.cpSync(path.join(repo, 'tenant'), edited, { recursive: true });
    const users = path.join(edited, 'users.yaml');
    fs.writeFileSync(users, fs.readFileSync(users, 'utf8').replace('jobTitle: IT Director', 'jobTitle: Chief Everything Officer'));
    expect((await runCli(['apply', '-c', edited, '--auto-approve'], { cwd: repo, env: env() })).code).toBe(0);

    const drifted = run('drift.yml', 'Drift');
    expect(drifted.status).toBe(0);
    expect(drifted.outputs).toEqual({ drift: 'true' });
    expect(fs.readFileSync(path.join(repo, 'drift.md'), 'utf8')).toContain('Chief Everything Officer');
  });

  it('ran every step of the workflows that calls tenantctl', () => {
    const all = fs.readdirSync(WORKFLOWS).flatMap((file) => steps(file).map((s) => `${file}: ${s.name}`));
    expect(all.length).toBeGreaterThanOrEqual(5);
    expect([...executed].sort()).toEqual([...new Set(all)].sort());
  });
});
