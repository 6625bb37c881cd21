import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT, runCli } from '../support/cli.js';
import { contosoDatabase } from '../support/contoso-database.js';
import { githubRunSteps, gitopsRepo, redirectTargets, runStep, runStepAsync, type WorkflowStep } from './gitops-repo.js';
import { TlsSmtpRelay } from './tls-smtp-relay.js';

const WORKFLOWS = path.join(ROOT, 'examples/gitops/github/.github/workflows');
const VALIDATOR = path.join(ROOT, 'node_modules/.bin/action-validator');

/** The files of $RUNNER_TEMP a shell step writes: a redirect into it, or tenantctl's --out. */
const shellWrites = (run: string): string[] =>
  [...redirectTargets(run), ...[...run.matchAll(/--out ("[^"]+")/g)].map((m) => m[1]!)].flatMap((target) => /^"\$RUNNER_TEMP\/([^"]+)"$/.exec(target)?.[1] ?? []);

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
    expect(databaseOf('plan.yml')).toEqual({ plan: secret('TENANTCTL_DATABASE_READONLY_URL'), comment: [] });
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

  it('the README\'s walkthrough names the workflows\' jobs, artifacts, tenantctl command lines and approval flags as they are', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const setup = readme.slice(readme.indexOf('## From an empty repository'), readme.indexOf('### The same on GitLab')).replace(/```[\s\S]*?```/g, '');
    // Code spans, a span broken over lines read as one line.
    const spans = [...setup.replace(/\n\s*/g, ' ').matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
    const workflows = fs.readdirSync(WORKFLOWS).map((file) => parse(fs.readFileSync(path.join(WORKFLOWS, file), 'utf8')) as { jobs: Record<string, { steps: { uses?: string; run?: string; with?: Record<string, unknown> }[] }> });
    const jobs = workflows.flatMap((w) => Object.keys(w.jobs));
    expect([...new Set([...setup.replace(/\n\s*/g, ' ').matchAll(/\bjob `([\w-]+)`/g)].map((m) => m[1]!))].sort()).toEqual([...jobs].sort());
    const steps = workflows.flatMap((w) => Object.values(w.jobs).flatMap((job) => job.steps));
    const artifacts = [...new Set(steps.filter((step) => step.uses?.startsWith('actions/upload-artifact@')).map((step) => String(step.with?.name)))];
    expect(spans.filter((span) => /^tenantctl-plan[\w-]*$/.test(span)).sort()).toEqual([...artifacts].sort());
    // Each command the walkthrough quotes is, as it is, one that a step runs.
    const runs = steps.flatMap((step) => step.run?.split('\n') ?? []).flatMap((line) => /npx --no tenantctl (.*)$/.exec(line)?.[1] ?? []);
    const quoted = spans.filter((span) => /^(?:validate|plan|apply|drift|deliver)(?: |$)/.test(span));
    expect(quoted.length).toBeGreaterThanOrEqual(5);
    for (const command of quoted) expect(runs.some((run) => run.startsWith(command)), command).toBe(true);
    // And the flags that let CI buy seats, grant admin roles and delete many users, only where apply-approved passes them.
    expect(spans).toContain('--approve-purchases --approve-privileged --approve-deletions');
    expect(runs.filter((run) => run.includes('--approve-purchases'))).toEqual([expect.stringContaining('--approve-purchases --approve-privileged --approve-deletions')]);
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
    // The job that posts the comment runs nothing of the pull request's and needs no secret.
    for (const { jobs } of onPullRequests) for (const [name, job] of jobs) expect(secretsIn(job)).toEqual(name === 'comment' ? [] : ['TENANTCTL_DATABASE_READONLY_URL']);
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

describe('what a hostile pull request can make the GitHub workflows do', () => {
  interface Step {
    readonly uses?: string;
    readonly run?: string;
    readonly with?: Record<string, unknown>;
  }
  interface HardenedJob {
    readonly permissions?: Record<string, string>;
    readonly steps: readonly Step[];
  }
  const workflows = fs.readdirSync(WORKFLOWS).map((file) => {
    const workflow = parse(fs.readFileSync(path.join(WORKFLOWS, file), 'utf8')) as { on: Record<string, unknown>; permissions?: unknown; jobs: Record<string, HardenedJob> };
    return { file, workflow, jobs: Object.entries(workflow.jobs) };
  });
  const steps = () => workflows.flatMap(({ file, jobs }) => jobs.flatMap(([job, { steps }]) => steps.map((step) => ({ where: `${file}: job ${job}`, step }))));

  it('no step writes into the checkout, where any file may be a symbolic link: only to $RUNNER_TEMP, $GITHUB_OUTPUT or /dev/null', () => {
    const targets = steps().flatMap(({ where, step }) => redirectTargets(step.run ?? '').map((target) => ({ where, target })));
    expect(targets.length).toBeGreaterThanOrEqual(5);
    for (const { where, target } of targets) expect(target, where).toMatch(/^(?:"\$RUNNER_TEMP\/[^"]+"|"\$GITHUB_OUTPUT"|\/dev\/null)$/);
    // Actions that write files (download-artifact) write into a folder of the runner's temporary one; upload-artifact reads from there.
    for (const { where, step } of steps().filter(({ step }) => /^actions\/(?:down|up)load-artifact@/.test(step.uses ?? ''))) {
      expect(String(step.with?.path), where).toMatch(/^\$\{\{ runner\.temp \}\}\/[\w.-]+$/);
    }
    // Scripts of github-script read the files of $RUNNER_TEMP, never a relative path.
    for (const { where, step } of steps().filter(({ step }) => step.uses?.startsWith('actions/github-script@'))) {
      for (const read of String(step.with?.script).matchAll(/(?:readFileSync|openSync)\((.+?), '(?:utf8|r)'\)/g)) expect(read[1], where).toMatch(/^path\.join\(process\.env\.RUNNER_TEMP, /);
    }
  });

  it('no ${{ }} expression is pasted into a script (shell or github-script): data reaches them through env', () => {
    for (const { where, step } of steps()) {
      expect(step.run ?? '', where).not.toContain('${{');
      if (step.uses?.startsWith('actions/github-script@')) expect(String(step.with?.script), where).not.toContain('${{');
    }
  });

  it('each job gets only the token permissions it uses: none by default, and no write where the pull request\'s code runs', () => {
    for (const { file, workflow, jobs } of workflows) {
      expect(Object.keys(workflow.on), file).not.toContain('pull_request_target');
      expect(Object.keys(workflow.on), file).not.toContain('workflow_run');
      if (file !== 'drift.yml') expect(workflow.permissions, file).toEqual({});
      for (const [name, job] of jobs) {
        const checkouts = job.steps.filter((step) => step.uses?.startsWith('actions/checkout@'));
        // The token stays out of .git/config, where every later step (npm ci, tenantctl) could read it.
        for (const step of checkouts) expect(step.with?.['persist-credentials'], `${file}: job ${name}`).toBe(false);
        if (file === 'plan.yml' && checkouts.length > 0) expect(job.permissions, `${file}: job ${name}`).toEqual({ contents: 'read' });
      }
    }
    // The plan comment is posted by a job that checks nothing out and runs no script.
    const plan = workflows.find((w) => w.file === 'plan.yml')!;
    const writers = plan.jobs.filter(([, job]) => Object.values(job.permissions ?? {}).includes('write'));
    expect(writers.map(([name]) => name)).toEqual(['comment']);
    for (const [, job] of writers) {
      expect(job.permissions).toEqual({ 'pull-requests': 'write' });
      expect(job.steps.map((step) => step.uses?.replace(/@.*/, ''))).toEqual(['actions/download-artifact', 'actions/github-script']);
    }
  });

  it('a comment GitHub refuses (an API error) fails only its job, not the run whose plan apply takes; the plan job still fails the run', () => {
    const plan = workflows.find((w) => w.file === 'plan.yml')!;
    const allowedToFail = plan.jobs.filter(([, job]) => (job as { 'continue-on-error'?: boolean })['continue-on-error'] === true).map(([name]) => name);
    expect(allowedToFail).toEqual(['comment']);
  });

  it('drift reports on the default branch\'s configuration only, never a branch run by hand', () => {
    const drift = workflows.find((w) => w.file === 'drift.yml')!;
    expect(Object.keys(drift.workflow.on).sort()).toEqual(['schedule', 'workflow_dispatch']);
    expect((drift.workflow.jobs.drift as { if?: string }).if).toBe("github.event_name == 'schedule' || github.ref_name == github.event.repository.default_branch");
  });

  it('each file a step reads is one an earlier step of its job wrote, or an artifact another job uploaded under that name, from where it was written', () => {
    // Where a step names a file of $RUNNER_TEMP: in a shell ("$RUNNER_TEMP/a/b"), in an action's path (${{ runner.temp }}/a/b), in github-script (path.join(process.env.RUNNER_TEMP, 'a', 'b')).
    const shellFiles = (text: string) => [...text.matchAll(/"\$RUNNER_TEMP\/([^"]+)"/g)].map((m) => m[1]!);
    const scriptFiles = (text: string) => [...text.matchAll(/path\.join\(process\.env\.RUNNER_TEMP, ([^)]+)\)/g)].map((m) => [...m[1]!.matchAll(/'([^']+)'/g)].map((part) => part[1]).join('/'));
    const actionPath = (step: Step) => String(step.with?.path).replace(/^\$\{\{ runner\.temp \}\}\//, '');
    const uploads = new Map<string, { where: string; file: string }>();
    for (const { file, jobs } of workflows) {
      for (const [job, { steps: jobSteps }] of jobs) {
        for (const [index, step] of jobSteps.entries()) {
          if (!step.uses?.startsWith('actions/upload-artifact@')) continue;
          const where = `${file}: job ${job}`;
          const uploaded = actionPath(step);
          // What is uploaded was written by an earlier step of the job.
          expect(jobSteps.slice(0, index).flatMap((earlier) => shellWrites(earlier.run ?? '')), where).toContain(uploaded);
          uploads.set(String(step.with?.name), { where, file: uploaded });
        }
      }
    }
    const read: string[] = [];
    for (const { file, jobs } of workflows) {
      for (const [job, { steps: jobSteps }] of jobs) {
        const where = `${file}: job ${job}`;
        const available = new Set<string>();
        for (const step of jobSteps) {
          const reads = step.uses?.startsWith('actions/github-script@') ? scriptFiles(String(step.with?.script)) : shellFiles(step.run ?? '');
          if (step.uses?.startsWith('actions/download-artifact@')) {
            const upload = uploads.get(String(step.with?.name));
            expect(upload, `${where}: artifact ${String(step.with?.name)}`).toBeDefined();
            // A single file's artifact holds the file by its name alone; it is downloaded into the folder of `path`.
            available.add(`${actionPath(step)}/${path.basename(upload!.file)}`);
            continue;
          }
          for (const needed of reads.filter((name) => !shellWrites(step.run ?? '').includes(name))) {
            expect([...available], `${where} reads ${needed}`).toContain(needed);
            read.push(`${where}: ${needed}`);
          }
          for (const written of step.run === undefined ? [] : shellWrites(step.run)) available.add(written);
        }
      }
    }
    // Each file a later step needs: the saved plan, the plan's markdown, the drift report.
    expect(read.sort()).toEqual([
      'apply.yml: job apply-approved: saved-plan/plan.json',
      'apply.yml: job apply: saved-plan/plan.json',
      'drift.yml: job drift: drift.md',
      'plan.yml: job comment: comment/plan.md',
    ]);
  });

  it('apply finds the plan run of the merged pull request\'s head commit (what actions/github-script runs, with a stand-in API)', async () => {
    const apply = workflows.find((w) => w.file === 'apply.yml')!;
    const [, job] = apply.jobs.find(([name]) => name === 'apply')!;
    const script = String(job.steps.find((step) => step.uses?.startsWith('actions/github-script@'))!.with?.script);
    // The download that follows takes the run id this step outputs, and the artifact plan.yml uploads.
    const download = job.steps.find((step) => step.uses?.startsWith('actions/download-artifact@'))!;
    expect(download.with).toMatchObject({ name: 'tenantctl-plan', 'run-id': '${{ steps.saved.outputs.run-id }}' });
    const run = async (pulls: object[], runs: object[]) => {
      const asked: object[] = [];
      const result: { output?: Record<string, string>; failed?: string } = {};
      const github = {
        rest: {
          repos: { listPullRequestsAssociatedWithCommit: async (query: object) => (asked.push(query), { data: pulls }) },
          actions: { listWorkflowRuns: async (query: object) => (asked.push(query), { data: { workflow_runs: runs } }) },
        },
      };
      const core = { setOutput: (key: string, value: string) => (result.output = { ...result.output, [key]: value }), setFailed: (message: string) => (result.failed = message) };
      const context = { repo: { owner: 'contoso', repo: 'tenant' }, sha: 'merge-sha' };
      await new Function('github', 'context', 'core', `return (async () => {\n${script}\n})();`)(github, context, core);
      return { ...result, asked };
    };
    const merged = { number: 7, merged_at: '2026-12-06T09:00:00Z', head: { sha: 'head-sha' } };
    expect(await run([{ number: 6, merged_at: null, head: { sha: 'other' } }, merged], [{ id: 42 }, { id: 41 }])).toEqual({
      output: { 'run-id': '42' },
      asked: [
        { owner: 'contoso', repo: 'tenant', commit_sha: 'merge-sha' },
        { owner: 'contoso', repo: 'tenant', workflow_id: 'plan.yml', head_sha: 'head-sha', status: 'success' },
      ],
    });
    expect((await run([], [])).failed).toBe('merge-sha was not merged from a pull request: change the tenant through one');
    expect((await run([merged], [])).failed).toBe('no successful plan for head-sha of pull request #7');
  });

  describe('the plan comment (what actions/github-script runs in the comment job, with a stand-in API)', () => {
    const MARKER = '<!-- tenantctl-plan -->';
    const LIMIT = 65_536;
    const plan = workflows.find((w) => w.file === 'plan.yml')!;
    const [, job] = plan.jobs.find(([name]) => name === 'comment')!;
    const scriptStep = job.steps.find((step) => step.uses?.startsWith('actions/github-script@'))! as Step & { env?: Record<string, string> };
    const script = String(scriptStep.with?.script);
    const download = job.steps.find((step) => step.uses?.startsWith('actions/download-artifact@'))! as Step & { if?: string };

    /** GitHub's issue comments of one pull request: its paging, its author check, its size limit. */
    class StandInApi {
      readonly comments: { id: number; user: { login: string }; body: string }[] = [];
      /** The pull request's head now: a push after the run's may have moved it. */
      head = 'c0ffee1d2e3f405162738495a6b7c8d9e0f1a2b3';
      readonly writes: string[] = [];
      readonly notices: string[] = [];
      private nextId = 1;
      add(login: string, body: string) {
        this.comments.push({ id: this.nextId++, user: { login }, body });
      }
      private checked(body: string) {
        // GitHub counts characters, and refuses a longer body with 422.
        if ([...body].length > LIMIT) throw Object.assign(new Error('Validation Failed: body is too long (maximum is 65536 characters)'), { status: 422 });
        return body;
      }
      readonly github = {
        paginate: async (list: (query: object) => Promise<{ data: unknown[] }>, query: object) => {
          const all: unknown[] = [];
          for (let page = 1; ; page++) {
            const { data } = await list({ ...query, page, per_page: 30 });
            all.push(...data);
            if (data.length < 30) return all;
          }
        },
        rest: {
          pulls: { get: async ({ pull_number }: { pull_number: number }) => ({ data: { number: pull_number, head: { sha: this.head } } }) },
          issues: {
            listComments: async ({ page = 1, per_page = 30 }: { page?: number; per_page?: number }) => ({ data: this.comments.slice((page - 1) * per_page, page * per_page).map((c) => ({ ...c })) }),
            updateComment: async ({ comment_id, body }: { comment_id: number; body: string }) => {
              const comment = this.comments.find((c) => c.id === comment_id)!;
              if (comment.user.login !== 'github-actions[bot]') throw Object.assign(new Error('Forbidden'), { status: 403 });
              comment.body = this.checked(body);
              this.writes.push(`update ${comment_id}`);
            },
            createComment: async ({ body }: { body: string }) => {
              this.add('github-actions[bot]', this.checked(body));
              this.writes.push('create');
            },
          },
        },
      };
    }

    const HEAD = 'c0ffee1d2e3f405162738495a6b7c8d9e0f1a2b3';
    const RUN = 'https://github.com/contoso/tenant/actions/runs/4242';
    /** Runs the comment job as GitHub would after a plan job with this result (and, on success, that plan's markdown). */
    const commentJob = async (api: StandInApi, result: string, planMarkdown?: string) => {
      const runnerTemp = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantctl-comment-job-'));
      try {
        if (result === 'success') {
          fs.mkdirSync(path.join(runnerTemp, 'comment'));
          fs.writeFileSync(path.join(runnerTemp, 'comment', 'plan.md'), planMarkdown ?? '');
        }
        const printed: unknown[] = [];
        const core = { notice: (message: string) => api.notices.push(message) };
        const console = { log: (...args: unknown[]) => printed.push(args), error: (...args: unknown[]) => printed.push(args), warn: (...args: unknown[]) => printed.push(args), info: (...args: unknown[]) => printed.push(args) };
        const context = { repo: { owner: 'contoso', repo: 'tenant' }, serverUrl: 'https://github.com', runId: 4242, payload: { pull_request: { number: 7, head: { sha: HEAD } } } };
        const process = { env: { RUNNER_TEMP: runnerTemp, PLAN_RESULT: result } };
        await new Function('github', 'context', 'core', 'require', 'process', 'console', `return (async () => {\n${script}\n})();`)(api.github, context, core, createRequire(import.meta.url), process, console);
        // Nothing of the plan reaches the log, where a line could be a workflow command.
        expect(printed).toEqual([]);
      } finally {
        fs.rmSync(runnerTemp, { recursive: true, force: true });
      }
    };

    it('a newer push cancels an older push\'s run, but a run re-run by hand never cancels a newer one', () => {
      // The group is the pull request's; a re-run cancelling the head's run would leave apply.yml no plan to take on merge.
      const workflow = parse(fs.readFileSync(path.join(WORKFLOWS, 'plan.yml'), 'utf8')) as { concurrency: Record<string, unknown> };
      expect(workflow.concurrency).toEqual({
        group: 'tenantctl-plan-${{ github.event.pull_request.number }}',
        'cancel-in-progress': "${{ github.run_attempt == '1' }}",
      });
    });

    it('the comment job runs after a failed plan job too (not a cancelled run), is told its result, and downloads only a successful one\'s artifact', () => {
      expect((job as { if?: string }).if).toBe('${{ !cancelled() }}');
      expect(download.if).toBe("needs.plan.result == 'success'");
      expect(scriptStep.env).toEqual({ PLAN_RESULT: '${{ needs.plan.result }}' });
    });

    it('a failed plan job turns the plan comment of an earlier push into one that says the plan of this commit failed; a later plan restores it', async () => {
      const api = new StandInApi();
      api.add('alice', `${MARKER}\nquoted by a reviewer`);
      for (let i = 0; i < 40; i++) api.add('bob', 'looks good');
      api.add('github-actions[bot]', `${MARKER}\n_Plan of 1111111; applied as is when this pull request is merged._\n\n| users to create | 1 |`);
      const id = api.comments.at(-1)!.id;

      await commentJob(api, 'failure');
      expect(api.writes).toEqual([`update ${id}`]);
      const failed = api.comments.at(-1)!.body;
      expect(failed.startsWith(`${MARKER}\n### The plan for commit c0ffee1 failed\n`)).toBe(true);
      expect(failed).toContain(`[The run](${RUN})`);
      expect(failed).toContain('no longer applies');
      expect(failed).not.toContain('users to create');
      expect(api.comments[0]!.body).toBe(`${MARKER}\nquoted by a reviewer`);

      await commentJob(api, 'success', '## tenantctl plan\n\n| users to create | 2 |\n');
      expect(api.writes).toEqual([`update ${id}`, `update ${id}`]);
      expect(api.comments.at(-1)!.body).toBe(`${MARKER}\n_Plan of c0ffee1 ([run](${RUN})); applied as is when this pull request is merged._\n\n## tenantctl plan\n\n| users to create | 2 |\n`);
    });

    it('a run of an earlier push (re-run, or finishing late) leaves the comment of the pull request\'s head alone', async () => {
      const api = new StandInApi();
      api.add('github-actions[bot]', `${MARKER}\n_Plan of 2222222 ([run](${RUN})); applied as is when this pull request is merged._\n\n| users to create | 3 |`);
      api.head = '2222222aaaabbbbccccddddeeeeffff000011112';
      await commentJob(api, 'success', '| users to create | 2 |\n');
      await commentJob(api, 'failure');
      expect(api.writes).toEqual([]);
      expect(api.comments[0]!.body).toContain('| users to create | 3 |');
      expect(api.notices).toEqual(['not commenting: the pull request is at 2222222 now, this run planned c0ffee1', 'not commenting: the pull request is at 2222222 now, this run planned c0ffee1']);
    });

    it('a pull request whose first plan fails gets a comment saying so', async () => {
      const api = new StandInApi();
      await commentJob(api, 'failure');
      expect(api.writes).toEqual(['create']);
      expect(api.comments[0]!.body).toMatch(/^<!-- tenantctl-plan -->\n### The plan for commit c0ffee1 failed\n/);
    });

    it('a plan\'s markdown (the pull request\'s own tenantctl writes it) can neither push the comment over GitHub\'s limit nor hide the lines naming its commit', async () => {
      const api = new StandInApi();
      // 70 KB, in characters of 1 to 4 bytes, opening a comment and a code block it never closes.
      const hostile = `<!--\n\`\`\`\n::set-output name=made::false\n::add-mask::x\n@contoso/admins <img src=x>\n${'é€𝄞a\n'.repeat(14_000)}`;
      expect([...hostile].length).toBeGreaterThan(70_000);
      await commentJob(api, 'success', hostile);
      expect(api.writes).toEqual(['create']);
      const body = api.comments[0]!.body;
      expect([...body].length).toBeLessThanOrEqual(LIMIT);
      expect(body.startsWith(`${MARKER}\n_Plan of c0ffee1 ([run](${RUN})); applied as is when this pull request is merged._\n\n<!--\n`)).toBe(true);
      expect(body).toMatch(/\n\n… \(cut to fit a comment: the saved plan, the artifact tenantctl-plan of \[the run\]\(https:\/\/github\.com\/contoso\/tenant\/actions\/runs\/4242\), has all of it\)$/);
      // No character is cut in half.
      expect(body).not.toContain('\ufffd');
    });
  });

  it('the redirect check sees what it must', () => {
    expect(redirectTargets('a > plan.md\nb >>"$GITHUB_OUTPUT" 2>&1\nc 2> err.log >&2\nd &> all.log\n(x) => x\ne >| "$RUNNER_TEMP/x"')).toEqual(['plan.md', '"$GITHUB_OUTPUT"', 'err.log', 'all.log', '"$RUNNER_TEMP/x"']);
  });
});

describe('every tenantctl line of the GitHub workflows, run against the contoso example', { timeout: 120_000 }, () => {
  let repo: string;
  let database: string;
  let relay: TlsSmtpRelay;
  // The runner's temporary folder: outside the checkout, as on GitHub.
  let runnerTemp: string;
  /** A file the runner's user may write, that a pull request's symbolic links point at. */
  let victim: string;
  const env = () => ({ TENANTCTL_DATABASE_URL: database, NO_COLOR: '1', XDG_CONFIG_HOME: path.join(repo, '.xdg'), GITHUB_SHA: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678', RUNNER_TEMP: runnerTemp });
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
    runnerTemp = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantctl-runner-temp-'));
    victim = path.join(runnerTemp, '..', `${path.basename(runnerTemp)}-profile`);
    fs.writeFileSync(victim, 'export PATH=/usr/bin\n');
    // The pull request (or a merged one) adds symbolic links where the workflows once wrote.
    for (const name of ['plan.md', 'plan.json', 'drift.md']) fs.symlinkSync(victim, path.join(repo, name));
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
    fs.rmSync(runnerTemp, { recursive: true, force: true });
    fs.rmSync(victim, { force: true });
  });

  it('pull request: validate passes, plan writes the comment and the plan file', () => {
    const validate = run('plan.yml', 'Validate');
    expect(validate.stderr).toBe('');
    expect(validate.status).toBe(0);
    const plan = run('plan.yml', 'Plan');
    expect(plan.status).toBe(0);
    expect(plan.outputs).toEqual({ made: 'true' });
    expect(fs.readFileSync(path.join(runnerTemp, 'plan.md'), 'utf8')).toContain('megan.bowen@contoso.com');
    expect(JSON.parse(fs.readFileSync(path.join(runnerTemp, 'plan.json'), 'utf8'))).toMatchObject({ formatVersion: expect.any(String) });
    // The links the pull request added were not written through.
    expect(fs.readFileSync(victim, 'utf8')).toBe('export PATH=/usr/bin\n');
    // What download-artifact does in apply.yml: the artifact into a fresh folder of $RUNNER_TEMP.
    fs.mkdirSync(path.join(runnerTemp, 'saved-plan'));
    fs.copyFileSync(path.join(runnerTemp, 'plan.json'), path.join(runnerTemp, 'saved-plan', 'plan.json'));
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
    const deliverTemp = fs.mkdtempSync(path.join(runnerTemp, 'deliver-'));
    executed.add("apply.yml: Deliver the new users' credentials");
    const deliver = await runStepAsync(repo, step('apply.yml', "Deliver the new users' credentials"), {
      ...env(),
      OUTBOX_KEY: fs.readFileSync(process.env.TENANTCTL_OUTBOX_KEY!, 'utf8'),
      TENANTCTL_SMTP_URL: relay.url,
      NODE_EXTRA_CA_CERTS: relay.caFile,
      RUNNER_TEMP: deliverTemp,
    });
    expect(deliver.stderr).toBe('');
    expect(deliver.status).toBe(0);
    expect(deliver.stdout).toMatch(/^Delivered 13 of 13 notification\(s\) via smtp:\/\/tenantctl:\*+@127\.0\.0\.1:\d+\.$/m);
    expect(relay.received.length).toBeGreaterThanOrEqual(13);
    expect(fs.readdirSync(deliverTemp)).toEqual([]);
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
    expect(fs.readFileSync(path.join(runnerTemp, 'drift.md'), 'utf8')).toContain('Chief Everything Officer');
    expect(fs.readFileSync(victim, 'utf8')).toBe('export PATH=/usr/bin\n');
  });

  it('ran every step of the workflows that calls tenantctl', () => {
    const all = fs.readdirSync(WORKFLOWS).flatMap((file) => steps(file).map((s) => `${file}: ${s.name}`));
    expect(all.length).toBeGreaterThanOrEqual(5);
    expect([...executed].sort()).toEqual([...new Set(all)].sort());
  });
});
