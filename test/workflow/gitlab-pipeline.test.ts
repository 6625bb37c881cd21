// The GitLab pipeline of examples/gitops/gitlab, run by gitlab-ci-local
// (shell executor) in a copy of that configuration repository with this
// checkout's packed tarball installed, on PostgreSQL (where the suite's server
// runs: the variables are database URLs, as a real project's would be; the
// embedded engine has tests of its own), against a local stand-in for GitLab's API and a local TLS SMTP relay: merge request →
// one note, updated on the next push; merge → the saved plan applied after the
// manual approval, credentials delivered; schedule → one drift issue, closed
// when the drift is gone.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT, runCli } from '../support/cli.js';
import { contosoDatabase } from '../support/contoso-database.js';
import { commandOutput, gitlabJobs, packTenantctl } from './gitops-repo.js';
import { LocalGitlabApi } from './local-gitlab-api.js';
import { memoryTempDir } from './memory-dir.js';
import { TlsSmtpRelay } from './tls-smtp-relay.js';

const EXAMPLE = path.join(ROOT, 'examples/gitops/gitlab');
const GITLAB_CI_LOCAL = path.join(ROOT, 'node_modules/.bin/gitlab-ci-local');
const TOKEN = 'glpat-local-test-token';
const PROJECT = '7';
const MR = 4;
const MARKER = '<!-- tenantctl-plan -->';

interface PipelineRun {
  readonly code: number | null;
  readonly stdout: string;
  /** stdout and stderr together, as a job log reads. */
  readonly output: string;
  /** Each job's result as gitlab-ci-local's summary gives it: PASS, WARN (allowed failure) or FAIL. */
  readonly results: Record<string, string>;
}

describe('the GitLab pipeline of examples/gitops/gitlab, run by gitlab-ci-local', { timeout: 180_000 }, () => {
  let work: string;
  let repo: string;
  let db: string;
  let api: LocalGitlabApi;
  let relay: TlsSmtpRelay;
  let npmCache: string;
  const ran = new Set<string>();
  // gitlab-ci-local checks .gitlab-ci.yml against GitLab's JSON schema (~0.6 s of CPU a run): the
  // first run does, and must pass; the file does not change after it, so later runs skip the check.
  let schemaValidated = false;

  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.email=ci@contoso.com', '-c', 'user.name=CI', ...args], { cwd: repo, encoding: 'utf8' }).trim();
  const cli = (args: string[]) => runCli(args, { cwd: repo, env: { TENANTCTL_DATABASE_URL: db } });
  const editUsers = (from: string, to: string) => {
    const users = path.join(repo, 'tenant', 'users.yaml');
    const text = fs.readFileSync(users, 'utf8');
    expect(text).toContain(from);
    fs.writeFileSync(users, text.replace(from, to));
  };

  /** One gitlab-ci-local run (async: the API and the relay answer from this process). */
  function pipeline(args: string[], variables: Record<string, string>): Promise<PipelineRun> {
    const predefined = ['CI_PIPELINE_SOURCE', 'CI_API_V4_URL', 'CI_MERGE_REQUEST_IID', 'CI_PROJECT_ID'];
    const all: Record<string, string> = {
      CI_API_V4_URL: api.url,
      CI_PROJECT_ID: PROJECT,
      TENANTCTL_GITLAB_TOKEN: TOKEN,
      // The jobs' npm ci finds tenantctl's dependencies in this machine's npm cache, as a runner's cache would.
      npm_config_cache: npmCache,
      ...variables,
    };
    const argv = [
      '--force-shell-executor', '--no-color', '--concurrency', '1', '--home', path.join(work, 'gcl-home'),
      ...(schemaValidated ? ['--no-json-schema-validation'] : []),
      ...Object.entries(all).flatMap(([k, v]) => ['--variable', `${k}=${v}`]),
      ...args,
    ];
    // Nothing of the machine's own CI (were it GitLab) or database leaks into the jobs.
    const inherited = Object.entries(process.env).filter(([k]) => !/^(CI_|GITLAB_|TENANTCTL_DATABASE_URL$)/.test(k));
    const env: NodeJS.ProcessEnv = { ...Object.fromEntries(inherited), GCL_IGNORE_PREDEFINED_VARS: predefined.join(','), TENANTCTL_QUIET: '1' };
    return new Promise((resolve, reject) => {
      const child = spawn(GITLAB_CI_LOCAL, argv, { cwd: repo, env });
      let output = '';
      let stdout = '';
      child.stdout.on('data', (c: Buffer) => ((stdout += c.toString()), (output += c.toString())));
      child.stderr.on('data', (c: Buffer) => (output += c.toString()));
      child.on('error', reject);
      child.on('close', (code) => {
        const results = Object.fromEntries([...output.matchAll(/^ (PASS|WARN|FAIL) +(\S+)/gm)].map((m) => [m[2]!, m[1]!]));
        if (code === 0 && /^json schema validated in /m.test(output)) schemaValidated = true;
        for (const [job, result] of Object.entries(results)) if (result !== 'FAIL') ran.add(job);
        resolve({ code, stdout, output, results });
      });
    });
  }
  const mergeRequestPipeline = (args: string[] = []) => {
    // The pushed commit is the merge request's head, as for a pipeline of the latest push.
    api.heads.set(MR, git('rev-parse', 'HEAD'));
    return pipeline(args, { CI_PIPELINE_SOURCE: 'merge_request_event', CI_MERGE_REQUEST_IID: String(MR), TENANTCTL_DATABASE_READONLY_URL: db });
  };
  const driftPipeline = () => pipeline(['drift'], { CI_PIPELINE_SOURCE: 'schedule', TENANTCTL_DATABASE_READONLY_URL: db });
  const botNotes = () => (api.notes.get(MR) ?? []).filter((n) => n.author.id === api.botUserId);

  beforeAll(async () => {
    // In memory where the machine has it: every job's npm ci rewrites node_modules.
    work = memoryTempDir('tenantctl-gitlab-');
    repo = path.join(work, 'contoso-tenant');
    fs.cpSync(EXAMPLE, repo, { recursive: true });
    // The database is made from catalog.yaml alone (tenantctl of this checkout), while the
    // repository gets its tarball installed: that catalog is the contoso example's (see the
    // last test), so the database is a copy of the contoso one made by init. On PostgreSQL, a
    // tenantctl process costs a third of one that starts the embedded database (some 20 here).
    db = await contosoDatabase('initialised', 'gitlab_pipeline', path.join(work, 'db'));

    // As the README says: the packed tarball in vendor/, installed, package-lock.json committed.
    const { tarball } = await packTenantctl(work);
    const manifest = JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8')) as { devDependencies: { tenantctl: string } };
    const vendored = path.join(repo, manifest.devDependencies.tenantctl.replace(/^file:/, ''));
    fs.mkdirSync(path.dirname(vendored));
    fs.renameSync(tarball, vendored);
    // The lockfile as npm writes it by default, each package with its resolved URL (this machine's
    // npmrc omits them, which made every job's npm ci read 44 package documents to find them).
    // Only the lockfile, byte for byte the one `npm install` writes: the repository commits no
    // node_modules, and every job's npm ci replaces it (unpacking it here cost about 3 s of CPU).
    await commandOutput('npm', ['install', '--package-lock-only', '--prefer-offline', '--no-audit', '--no-fund', '--no-omit-lockfile-registry-resolved'], repo);
    npmCache = (await commandOutput('npm', ['config', 'get', 'cache'], repo)).trim();

    // main, as GitLab's origin has it; rules:changes compare with origin/main.
    git('init', '-q', '-b', 'main');
    git('add', '-A');
    git('commit', '-qm', 'Contoso tenant');
    git('remote', 'add', 'origin', 'git@gitlab.contoso.com:it/contoso-tenant.git');
    git('update-ref', 'refs/remotes/origin/main', 'HEAD');
    git('symbolic-ref', 'refs/remotes/origin/HEAD', 'refs/remotes/origin/main');

    api = new LocalGitlabApi(TOKEN, PROJECT);
    await api.start();
    relay = new TlsSmtpRelay(work);
    await relay.start();
  }, 300_000);
  afterAll(async () => {
    await api?.stop();
    await relay?.stop();
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('merge request: validate and plan pass, the plan is kept as an artifact and posted as one note', async () => {
    git('checkout', '-qb', 'onboard');
    editUsers('jobTitle: IT Director', 'jobTitle: Director of IT');
    git('commit', '-qam', 'Megan directs IT');
    // Reviewers' notes, one even quoting the marker: only the bot's own note counts, and
    // with 150 of them it is on the second page of the notes.
    api.addForeignNotes(MR, 150);

    const run = await mergeRequestPipeline();
    expect(run.output).not.toMatch(/FAIL/);
    expect(run.code).toBe(0);
    expect(run.output).toMatch(/^json schema validated in /m);
    expect(run.results).toEqual({ validate: 'PASS', plan: 'PASS' });
    expect(JSON.parse(fs.readFileSync(path.join(repo, 'gl-code-quality-report.json'), 'utf8'))).toEqual([]);

    const saved = path.join(repo, '.gitlab-ci-local/artifacts/plan/plan.json');
    expect(JSON.parse(fs.readFileSync(saved, 'utf8'))).toMatchObject({ formatVersion: '2.2', approvals: expect.arrayContaining(['purchase']) });
    expect(api.writes()).toEqual([`POST /api/v4/projects/${PROJECT}/merge_requests/${MR}/notes`]);
    const [note] = botNotes();
    // Its own lines first, where nothing in the plan's markdown can hide them.
    expect(note?.body.startsWith(`${MARKER}\n_Plan of ${git('rev-parse', '--short=8', 'HEAD')} ([pipeline](`)).toBe(true);
    expect(note?.body).toContain('\n## tenantctl plan');
    expect(note?.body).toContain('Director of IT');
  });

  it('merge request, next push: the same note is updated (PUT), never a second one', async () => {
    editUsers('jobTitle: Director of IT', 'jobTitle: Head of IT');
    git('commit', '-qam', 'Megan heads IT');
    const first = botNotes()[0]!.id;

    // Only the plan job this time (validate ran on the first push): one pipeline run per scenario.
    const run = await mergeRequestPipeline(['plan']);
    expect(run.code).toBe(0);
    expect(run.results).toEqual({ plan: 'PASS' });
    expect(api.writes()).toEqual([
      `POST /api/v4/projects/${PROJECT}/merge_requests/${MR}/notes`,
      `PUT /api/v4/projects/${PROJECT}/merge_requests/${MR}/notes/${first}`,
    ]);
    expect(botNotes().map((n) => n.id)).toEqual([first]);
    expect(botNotes()[0]!.body).toContain('Head of IT');
    expect(botNotes()[0]!.body).not.toContain('Director of IT');
    // It looked past the first page of notes.
    expect(api.requests.some((r) => r.path.endsWith('/notes') && r.method === 'GET' && r.query.get('page') === '2')).toBe(true);
  });

  it('merge request, a push with a mistake: validate and plan fail, and the note says this commit has no plan; the fix brings the plan back', async () => {
    editUsers('jobTitle: Head of IT', 'jobTitle: 5');
    git('commit', '-qam', 'a mistake');
    const broken = git('rev-parse', '--short=8', 'HEAD');
    const first = botNotes()[0]!.id;

    const failed = await mergeRequestPipeline();
    expect(failed.code).not.toBe(0);
    // plan runs after a failed validate: otherwise the plan of the push before stays up as if current.
    expect(failed.results).toEqual({ validate: 'FAIL', plan: 'FAIL' });
    expect(botNotes().map((n) => n.id)).toEqual([first]);
    expect(botNotes()[0]!.body.startsWith(`${MARKER}\n### The plan for commit ${broken} failed\n`)).toBe(true);
    expect(botNotes()[0]!.body).toContain('no longer applies');
    expect(botNotes()[0]!.body).not.toContain('Head of IT');

    editUsers('jobTitle: 5', 'jobTitle: Head of IT');
    git('commit', '-qam', 'the mistake fixed');
    const fixed = await mergeRequestPipeline(['plan']);
    expect(fixed.results).toEqual({ plan: 'PASS' });
    expect(botNotes().map((n) => n.id)).toEqual([first]);
    expect(botNotes()[0]!.body.startsWith(`${MARKER}\n_Plan of ${git('rev-parse', '--short=8', 'HEAD')} `)).toBe(true);
    expect(botNotes()[0]!.body).toContain('Head of IT');
  });

  it('merge: apply stops for approval (exit 3), the manual approved job applies exactly the saved plan, credentials are delivered', async () => {
    // GitLab keeps the plan job's artifact; the merge pipeline downloads it through the API.
    const artifact = path.join(work, 'plan-job-artifact.json');
    fs.copyFileSync(path.join(repo, '.gitlab-ci-local/artifacts/plan/plan.json'), artifact);
    fs.rmSync(path.join(repo, 'plan.json'));
    git('checkout', '-q', 'main');
    git('merge', '-q', '--no-ff', '-m', 'Merge branch onboard', 'onboard');
    const merge = git('rev-parse', 'HEAD');
    api.merged.push({ iid: MR, mergeCommitSha: merge, pipeline: { id: 100, status: 'success' }, planJob: { id: 500, artifact } });

    // Nothing is approved by default: the approval is a manual job, optional so that a plan
    // needing none does not block the pipeline; no merge-request or schedule job runs here.
    const listed = JSON.parse((await pipeline(['--list-json'], {})).stdout) as { name: string; when: string; allow_failure: unknown }[];
    const when = Object.fromEntries(listed.map((j) => [j.name, j.when]));
    expect(when).toEqual({ validate: 'never', plan: 'never', apply: 'on_success', 'apply-approved': 'manual', deliver: 'on_success', 'deliver-approved': 'on_success', drift: 'never' });
    expect(listed.find((j) => j.name === 'apply-approved')?.allow_failure).toBe(true);

    const run = await pipeline(['--manual', 'apply-approved'], {
      TENANTCTL_DATABASE_WRITER_URL: db,
      TENANTCTL_DATABASE_DELIVER_URL: db,
      TENANTCTL_OUTBOX_KEY: process.env.TENANTCTL_OUTBOX_KEY!,
      TENANTCTL_SMTP_URL: relay.url,
      NODE_EXTRA_CA_CERTS: relay.caFile,
    });
    expect(run.code).toBe(0);
    expect(run.results).toEqual({ apply: 'WARN', 'apply-approved': 'PASS', deliver: 'PASS', 'deliver-approved': 'PASS' });
    expect(run.output).toContain('This plan needs approval (a purchase, a privileged change or deletions): run apply-approved.');
    expect(run.output).toMatch(/Apply #1 complete/);
    expect(fs.readFileSync(path.join(repo, 'plan.json'))).toEqual(fs.readFileSync(artifact));

    expect((await cli(['plan', '-c', 'tenant', '--detailed-exitcode'])).code).toBe(0);
    const history = await cli(['history', '--format', 'json']);
    expect(history.stdout).toContain(merge);
    expect(run.output).toMatch(/Delivered 13 of 13 notification\(s\) via smtp:\/\/tenantctl:\*+@127\.0\.0\.1/);
    expect(relay.received.length).toBeGreaterThanOrEqual(13);
    expect(run.output).not.toContain('relay-password');
  });

  it('schedule: drift opens one issue, updates it while drift lasts, closes it when drift is gone', async () => {
    const edited = path.join(work, 'edited');
    fs.cpSync(path.join(repo, 'tenant'), edited, { recursive: true });
    const users = path.join(edited, 'users.yaml');
    fs.writeFileSync(users, fs.readFileSync(users, 'utf8').replace('jobTitle: Head of IT', 'jobTitle: Chief Everything Officer'));
    expect((await cli(['apply', '-c', edited, '--auto-approve'])).code).toBe(0);

    const issues = `/api/v4/projects/${PROJECT}/issues`;
    const opened = await driftPipeline();
    expect(opened.code).toBe(0);
    expect(opened.results).toEqual({ drift: 'PASS' });
    expect(api.issues).toHaveLength(1);
    expect(api.issues[0]).toMatchObject({ iid: 1, state: 'opened', labels: ['tenantctl-drift'], title: 'The tenant drifted from its configuration' });
    expect(api.issues[0]!.description).toContain('Chief Everything Officer');

    fs.writeFileSync(users, fs.readFileSync(users, 'utf8').replace('jobTitle: Chief Everything Officer', 'jobTitle: Chief of Everything'));
    expect((await cli(['apply', '-c', edited, '--auto-approve'])).code).toBe(0);
    const updated = await driftPipeline();
    expect(updated.code).toBe(0);
    expect(api.issues).toHaveLength(1);
    expect(api.issues[0]!.description).toContain('Chief of Everything');
    expect(api.issues[0]!.description).not.toContain('Chief Everything Officer');

    expect((await cli(['apply', '-c', 'tenant', '--auto-approve'])).code).toBe(0);
    const closed = await driftPipeline();
    expect(closed.code).toBe(0);
    expect(api.issues).toHaveLength(1);
    expect(api.issues[0]).toMatchObject({ state: 'closed', notes: [expect.stringMatching(/^No drift any more/)] });
    expect(api.writes().filter((w) => w.includes('/issues'))).toEqual([`POST ${issues}`, `PUT ${issues}/1`, `POST ${issues}/1/notes`, `PUT ${issues}/1`]);
  });

  it('a token GitLab refuses fails the plan job, naming the refusal, and posts nothing', async () => {
    const plan = gitlabJobs(path.join(EXAMPLE, '.gitlab-ci.yml')).find((j) => j.name === 'plan')!;
    const writes = api.writes().length;
    // As GitLab's runner runs a job's script: bash, -e and pipefail, in the project directory.
    const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', plan.script.join('\n')], {
      cwd: repo,
      env: {
        ...process.env, TENANTCTL_DATABASE_URL: db, NO_COLOR: '1', TENANTCTL_QUIET: '1', TENANTCTL_GITLAB_TOKEN: 'glpat-revoked',
        CI_API_V4_URL: api.url, CI_PROJECT_ID: PROJECT, CI_MERGE_REQUEST_IID: String(MR), CI_COMMIT_SHORT_SHA: 'abcdef12',
      },
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(status).toBe(22);
    expect(stderr).toContain('The requested URL returned error: 401');
    expect(api.writes()).toHaveLength(writes);
  });

  it("merge request with a mistake: the validate job's script exits 1, naming it in the log and in the code-quality report", () => {
    const validate = gitlabJobs(path.join(EXAMPLE, '.gitlab-ci.yml')).find((j) => j.name === 'validate')!;
    editUsers('city: Utrecht', 'city: 5');
    const line = fs.readFileSync(path.join(repo, 'tenant', 'users.yaml'), 'utf8').split('\n').indexOf('    city: 5') + 1;
    // As GitLab's runner runs a job's script: bash, -e and pipefail, in the project directory.
    const run = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', validate.script.join('\n')], {
      cwd: repo,
      encoding: 'utf8',
      env: { ...process.env, TENANTCTL_DATABASE_URL: db, NO_COLOR: '1', TENANTCTL_QUIET: '1' },
    });
    git('checkout', '--', 'tenant');
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`tenant/users.yaml:${line}:11: SCHEMA_TYPE: "city" must be text, not the number 5`);
    expect(JSON.parse(fs.readFileSync(path.join(repo, 'gl-code-quality-report.json'), 'utf8'))).toEqual([
      {
        description: expect.stringMatching(/^SCHEMA_TYPE: "city" must be text/),
        check_name: 'SCHEMA_TYPE',
        severity: 'major',
        fingerprint: expect.stringMatching(/^[0-9a-f]{64}$/),
        location: { path: 'tenant/users.yaml', lines: { begin: line } },
      },
    ]);
  });

  it('ran every job of the pipeline that calls tenantctl, each as the pipeline expects', () => {
    const jobs = gitlabJobs(path.join(EXAMPLE, '.gitlab-ci.yml')).filter((j) => j.script.some((line) => line.includes('tenantctl ')));
    expect(jobs.map((j) => j.name).sort()).toEqual(['apply', 'apply-approved', 'deliver', 'deliver-approved', 'drift', 'plan', 'validate']);
    expect([...ran].filter((job) => jobs.some((j) => j.name === job)).sort()).toEqual(jobs.map((j) => j.name).sort());
  });
});

describe('the configuration repositories of examples/gitops', () => {
  // Their .gitignore lists what the pipelines really write into the checkout, and no scratch file
  // (those go to $RUNNER_TEMP, or a folder from mktemp -d): npm's install and cache, the embedded
  // database of `tenantctl init`, gitlab-ci-local's folder, and GitLab's artifacts.
  it.each(['github', 'gitlab'])('%s: .gitignore lists what the pipeline writes into the checkout, nothing else', (example) => {
    const dir = path.join(ROOT, 'examples/gitops', example);
    const listed = fs.readFileSync(path.join(dir, '.gitignore'), 'utf8').split('\n').filter((line) => line && !line.startsWith('#'));
    if (example === 'github') {
      expect(listed).toEqual(['node_modules/', '.tenantctl/']);
      return;
    }
    const pipeline = parse(fs.readFileSync(path.join(dir, '.gitlab-ci.yml'), 'utf8')) as Record<string, { paths?: string[]; cache?: { paths: string[] }; artifacts?: { paths?: string[]; reports?: Record<string, string> } }>;
    const cached = pipeline.default!.cache!.paths;
    const artifacts = Object.values(pipeline).flatMap((job) => [...(job?.artifacts?.paths ?? []), ...Object.values(job?.artifacts?.reports ?? {})]);
    expect(listed.sort()).toEqual([...new Set(['node_modules/', '.tenantctl/', '.gitlab-ci-local/', ...cached, ...artifacts])].sort());
  });

  // They are the contoso example, with the schema taken from the installed package.
  it.each(['github', 'gitlab'])('%s holds the contoso example as it is', (example) => {
    const dir = path.join(ROOT, 'examples/gitops', example);
    const contoso = (file: string) => fs.readFileSync(path.join(ROOT, 'examples/contoso', file), 'utf8');
    const schema = (text: string) => text.replace('$schema=../../schemas/', '$schema=../node_modules/tenantctl/schemas/');
    expect(fs.readFileSync(path.join(dir, 'catalog.yaml'), 'utf8')).toBe(contoso('catalog.yaml'));
    for (const file of ['tenant.yaml', 'users.yaml']) expect(fs.readFileSync(path.join(dir, 'tenant', file), 'utf8')).toBe(schema(contoso(file)));
    expect(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).toBe(fs.readFileSync(path.join(ROOT, 'examples/gitops/github/package.json'), 'utf8'));
  });
});
