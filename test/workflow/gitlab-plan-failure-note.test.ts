// The GitLab plan job says on the merge request that a commit has no plan, however its plan
// fails: not only when tenantctl refuses, but when the install fails (before_script) or the merge
// request commits a folder where the job writes an artifact. A job that ends before the note is
// updated leaves an earlier push's plan up, reading as current. Each run is the plan job as
// GitLab's runner runs it: before_script and script in one bash, -e and pipefail, in the project.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT, tempDir } from '../support/cli.js';
import { contosoDatabase } from '../support/contoso-database.js';
import { gitlabJobs, gitopsRepo } from './gitops-repo.js';
import { LocalGitlabApi } from './local-gitlab-api.js';

const PIPELINE = path.join(ROOT, 'examples/gitops/gitlab/.gitlab-ci.yml');
const TOKEN = 'glpat-local-test-token';
const PROJECT = '7';
const MR = 5;
const MARKER = '<!-- tenantctl-plan -->';

describe('the GitLab plan job, when the plan cannot be made', { timeout: 120_000 }, () => {
  let repo: string;
  let outside: string;
  let db: string;
  let api: LocalGitlabApi;

  beforeAll(async () => {
    repo = gitopsRepo('gitlab');
    outside = tempDir('tenantctl-gitlab-failure-');
    db = await contosoDatabase('initialised', 'gitlab_plan_failure_note', path.join(outside, 'db'));
    api = new LocalGitlabApi(TOKEN, PROJECT);
    await api.start();
  });
  afterAll(async () => {
    await api?.stop();
    if (repo) fs.rmSync(repo, { recursive: true, force: true });
    if (outside) fs.rmSync(outside, { recursive: true, force: true });
  });

  /**
   * The plan job's script, after its before_script (its own, or the default's) when `install`:
   * here tenantctl is linked into node_modules already, and npm ci would look for it online.
   */
  function planJob(sha: string, install: boolean, head = sha.repeat(5)): Promise<{ status: number | null; output: string }> {
    api.heads.set(MR, head);
    const pipeline = parse(fs.readFileSync(PIPELINE, 'utf8')) as { default: { before_script: string[] }; plan: { before_script?: string[] } };
    const before = install ? (pipeline.plan.before_script ?? pipeline.default.before_script) : [];
    const script = gitlabJobs(PIPELINE).find((j) => j.name === 'plan')!.script;
    const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', [...before, ...script].join('\n')], {
      cwd: repo,
      env: {
        PATH: process.env.PATH, HOME: outside, TMPDIR: outside,
        TENANTCTL_DATABASE_URL: db, NO_COLOR: '1', TENANTCTL_QUIET: '1', TENANTCTL_GITLAB_TOKEN: TOKEN,
        CI_API_V4_URL: api.url, CI_PROJECT_ID: PROJECT, CI_MERGE_REQUEST_IID: String(MR), CI_COMMIT_SHORT_SHA: sha, CI_COMMIT_SHA: sha.repeat(5),
        CI_PIPELINE_URL: 'https://gitlab.contoso.com/it/contoso-tenant/-/pipelines/100',
      },
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    return new Promise((resolve) => child.on('close', (status) => resolve({ status, output })));
  }

  const note = () => api.notes.get(MR)?.[0]?.body ?? '';

  it('a plan made first: the note shows it', async () => {
    const run = await planJob('aaaaaaa1', false);
    expect(run.status, run.output).toBe(0);
    expect(note().startsWith(`${MARKER}\n_Plan of aaaaaaa1 `)).toBe(true);
  });

  it('the install fails (.npm committed as a link): the job fails, and the note says this commit has no plan', async () => {
    fs.symlinkSync(path.join(outside, 'elsewhere'), path.join(repo, '.npm'));
    try {
      const run = await planJob('bbbbbbb2', true);
      expect(run.status).toBe(1);
      expect(run.output).toContain('.npm is a symbolic link');
      expect(note().startsWith(`${MARKER}\n### The plan for commit bbbbbbb2 failed\n`), note()).toBe(true);
      expect(api.notes.get(MR)).toHaveLength(1);
    } finally {
      fs.rmSync(path.join(repo, '.npm'));
    }
  });

  it('plan.md committed as a folder: the job fails, and the note says this commit has no plan', async () => {
    fs.rmSync(path.join(repo, 'plan.md'), { force: true });
    fs.mkdirSync(path.join(repo, 'plan.md'));
    fs.writeFileSync(path.join(repo, 'plan.md', 'README'), 'not a plan\n');
    try {
      const run = await planJob('ccccccc3', false);
      expect(run.status, run.output).toBe(1);
      expect(note().startsWith(`${MARKER}\n### The plan for commit ccccccc3 failed\n`), note()).toBe(true);
      expect(api.notes.get(MR)).toHaveLength(1);
    } finally {
      fs.rmSync(path.join(repo, 'plan.md'), { recursive: true });
    }
  });

  it('a pipeline of an earlier push (its plan job retried) leaves the note to the head, whose plan apply takes', async () => {
    const before = note();
    const writes = api.writes().length;
    const run = await planJob('ddddddd4', false, 'eeeeeee5'.repeat(5));
    expect(run.status, run.output).toBe(0);
    expect(run.output).toContain(`not updating the note: merge request !${MR} is at eeeeeee5 now, this pipeline planned ddddddd4`);
    expect(note()).toBe(before);
    expect(api.writes()).toHaveLength(writes);
  });
});
