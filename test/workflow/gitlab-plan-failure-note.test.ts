// The GitLab plan job says on the merge request that a commit has no plan, however its plan
// fails: not only when tenantctl refuses, but when the install fails (before_script) or the merge
// request commits a folder where the job writes an artifact. A job that ends before the note is
// updated leaves an earlier push's plan up, reading as current. Each run is the plan job as
// GitLab's runner runs it: before_script and script in one bash, -e and pipefail, in the project.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { GITLAB_PIPELINE as PIPELINE, gitlabProject, mergeRequestJobEnv, runGitlabScript, type GitlabJobRun } from './gitlab-job.js';
import { gitlabJobs } from './gitops-repo.js';

const MR = 5;
const MARKER = '<!-- tenantctl-plan -->';

describe('the GitLab plan job, when the plan cannot be made', { timeout: 120_000 }, () => {
  const project = gitlabProject('tenantctl-gitlab-failure-', 'gitlab_plan_failure_note');

  /**
   * The plan job's script, after its before_script (its own, or the default's) when `install`:
   * here tenantctl is linked into node_modules already, and npm ci would look for it online.
   */
  function planJob(sha: string, install: boolean, head = sha.repeat(5)): Promise<GitlabJobRun> {
    project.api.heads.set(MR, head);
    const pipeline = parse(fs.readFileSync(PIPELINE, 'utf8')) as { default: { before_script: string[] }; plan: { before_script?: string[] } };
    const before = install ? (pipeline.plan.before_script ?? pipeline.default.before_script) : [];
    const script = gitlabJobs(PIPELINE).find((j) => j.name === 'plan')!.script;
    const env = mergeRequestJobEnv({ apiUrl: project.api.url, database: project.db, mergeRequest: MR, shortSha: sha, sha: sha.repeat(5), home: project.outside, tmp: project.outside });
    return runGitlabScript(project.repo, [...before, ...script], env);
  }

  const note = () => project.api.notes.get(MR)?.[0]?.body ?? '';

  it('a plan made first: the note shows it', async () => {
    const run = await planJob('aaaaaaa1', false);
    expect(run.status, run.output).toBe(0);
    expect(note().startsWith(`${MARKER}\n_Plan of aaaaaaa1 `)).toBe(true);
  });

  it('the install fails (.npm committed as a link): the job fails, and the note says this commit has no plan', async () => {
    fs.symlinkSync(path.join(project.outside, 'elsewhere'), path.join(project.repo, '.npm'));
    try {
      const run = await planJob('bbbbbbb2', true);
      expect(run.status).toBe(1);
      expect(run.output).toContain('.npm is a symbolic link');
      expect(note().startsWith(`${MARKER}\n### The plan for commit bbbbbbb2 failed\n`), note()).toBe(true);
      expect(project.api.notes.get(MR)).toHaveLength(1);
    } finally {
      fs.rmSync(path.join(project.repo, '.npm'));
    }
  });

  it('plan.md committed as a folder: the job fails, and the note says this commit has no plan', async () => {
    fs.rmSync(path.join(project.repo, 'plan.md'), { force: true });
    fs.mkdirSync(path.join(project.repo, 'plan.md'));
    fs.writeFileSync(path.join(project.repo, 'plan.md', 'README'), 'not a plan\n');
    try {
      const run = await planJob('ccccccc3', false);
      expect(run.status, run.output).toBe(1);
      expect(note().startsWith(`${MARKER}\n### The plan for commit ccccccc3 failed\n`), note()).toBe(true);
      expect(project.api.notes.get(MR)).toHaveLength(1);
    } finally {
      fs.rmSync(path.join(project.repo, 'plan.md'), { recursive: true });
    }
  });

  it('a pipeline of an earlier push (its plan job retried) leaves the note to the head, whose plan apply takes', async () => {
    const before = note();
    const writes = project.api.writes().length;
    const run = await planJob('ddddddd4', false, 'eeeeeee5'.repeat(5));
    expect(run.status, run.output).toBe(0);
    expect(run.output).toContain(`not updating the note: merge request !${MR} is at eeeeeee5 now, this pipeline planned ddddddd4`);
    expect(note()).toBe(before);
    expect(project.api.writes()).toHaveLength(writes);
  });
});
