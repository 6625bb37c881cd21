// A merge request's files are untrusted, and any of them may be a symbolic
// link: `plan.md -> ~/.profile` had the plan job's redirect write the plan
// into the runner user's profile, which a shell runner runs in a later job.
// The jobs of examples/gitops/gitlab write their scratch files into a fresh
// private folder, and the artifacts (which GitLab wants in the project
// directory) as new files, never through a link. Each job's script runs here
// as GitLab's runner runs it (bash, -e and pipefail, in the project directory),
// against the local stand-in for GitLab's API.
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { GITLAB_PIPELINE as PIPELINE, GITLAB_PROJECT as PROJECT, gitlabProject, mergeRequestJobEnv, runGitlabScript, type GitlabJobRun } from './gitlab-job.js';
import { gitlabJobs, redirectTargets } from './gitops-repo.js';

const MR = 4;
const MERGE = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
const PROFILE = 'export PATH=/usr/bin\n';
/** Every file the jobs wrote in the project directory before: the scratch files and the artifacts. */
const WRITTEN = ['plan.md', 'plan.json', 'note.md', 'notes.json', 'notes.headers', 'validate.json', 'gl-code-quality-report.json', 'drift.md', 'issue.md', 'needs-approval'];

describe('the GitLab jobs, on a merge request whose files are symbolic links to a file of the runner user', { timeout: 120_000 }, () => {
  const project = gitlabProject('tenantctl-gitlab-outside-', 'gitlab_scratch_files');
  let victim: string;
  let tmp: string;

  beforeAll(() => {
    victim = path.join(project.outside, '.profile');
    fs.writeFileSync(victim, PROFILE);
    tmp = path.join(project.outside, 'tmp');
    fs.mkdirSync(tmp);
    for (const name of WRITTEN) fs.symlinkSync(victim, path.join(project.repo, name));
    project.api.heads.set(MR, MERGE);
  });

  function runJob(name: string, more: Record<string, string> = {}): Promise<GitlabJobRun> {
    const job = gitlabJobs(PIPELINE).find((j) => j.name === name)!;
    const pipeline = { apiUrl: project.api.url, database: project.db, mergeRequest: MR, shortSha: 'abcdef12', sha: MERGE, home: project.outside, tmp };
    return runGitlabScript(project.repo, job.script, mergeRequestJobEnv(pipeline, { XDG_CONFIG_HOME: path.join(project.outside, 'xdg'), ...more }));
  }

  /** Nothing was written through a link, the files the job keeps are regular files, and its scratch folder is gone. */
  const expectUntouched = (kept: readonly string[]) => {
    expect(fs.readFileSync(victim, 'utf8')).toBe(PROFILE);
    for (const name of kept) expect(fs.lstatSync(path.join(project.repo, name)).isFile(), name).toBe(true);
    expect(fs.readdirSync(tmp)).toEqual([]);
  };

  it('validate: the code-quality report replaces the link; validate.json stays out of the project', async () => {
    const run = await runJob('validate');
    expect(run.output).not.toMatch(/Error|refusing/);
    expect(run.status).toBe(0);
    expectUntouched(['gl-code-quality-report.json']);
    expect(JSON.parse(fs.readFileSync(path.join(project.repo, 'gl-code-quality-report.json'), 'utf8'))).toEqual([]);
    expect(fs.lstatSync(path.join(project.repo, 'validate.json')).isSymbolicLink()).toBe(true);
  });

  it('plan: plan.json and plan.md replace the links, the note is posted from the scratch folder', async () => {
    const run = await runJob('plan');
    expect(run.status, run.output).toBe(0);
    expectUntouched(['plan.json', 'plan.md']);
    expect(fs.readFileSync(path.join(project.repo, 'plan.md'), 'utf8')).toContain('megan.bowen@contoso.com');
    expect(project.api.writes()).toEqual([`POST /api/v4/projects/${PROJECT}/merge_requests/${MR}/notes`]);
    expect(project.api.notes.get(MR)?.[0]?.body).toContain('megan.bowen@contoso.com');
    for (const name of ['note.md', 'notes.json', 'notes.headers']) expect(fs.lstatSync(path.join(project.repo, name)).isSymbolicLink()).toBe(true);
  });

  it('apply: the saved plan is downloaded into the scratch folder; plan.json and needs-approval, its artifacts, replace the links', async () => {
    const artifact = path.join(project.outside, 'plan-job-artifact.json');
    fs.copyFileSync(path.join(project.repo, 'plan.json'), artifact);
    fs.rmSync(path.join(project.repo, 'plan.json'));
    fs.symlinkSync(victim, path.join(project.repo, 'plan.json'));
    project.api.merged.push({ iid: MR, mergeCommitSha: MERGE, pipeline: { id: 100, status: 'success' }, planJob: { id: 500, artifact } });
    const run = await runJob('apply');
    // The contoso plan buys seats: it stops for approval.
    expect(run.status, run.output).toBe(3);
    expect(run.output).toContain('run apply-approved');
    expectUntouched(['plan.json', 'needs-approval']);
    expect(fs.readFileSync(path.join(project.repo, 'plan.json'))).toEqual(fs.readFileSync(artifact));
  });

  it('drift: drift.md replaces the link', async () => {
    const run = await runJob('drift');
    expect(run.status, run.output).toBe(0);
    expectUntouched(['drift.md']);
    expect(fs.lstatSync(path.join(project.repo, 'issue.md')).isSymbolicLink()).toBe(true);
  });
  it('deliver: the private copy of the outbox key is removed however the job ends', async () => {
    // The File variable is missing (here: a path with nothing there), so copying it fails.
    const run = await runJob('deliver', { TENANTCTL_OUTBOX_KEY: path.join(project.outside, 'no-such-key') });
    expect(run.status).not.toBe(0);
    expect(run.output).toContain('no-such-key');
    expect(fs.readdirSync(tmp)).toEqual([]);
  });

  it('plan, failing: the note of the earlier plan is updated to say this commit has no plan; the next plan brings it back', async () => {
    const users = path.join(project.repo, 'tenant', 'users.yaml');
    const text = fs.readFileSync(users, 'utf8');
    const notes = `/api/v4/projects/${PROJECT}/merge_requests/${MR}/notes`;
    const [note] = project.api.notes.get(MR)!;
    fs.writeFileSync(users, text.replace('city: Utrecht', 'city: 5'));
    const failed = await runJob('plan');
    expect(failed.status).toBe(1);
    expect(failed.output).toContain('"city" must be text');
    expect(project.api.writes().at(-1)).toBe(`PUT ${notes}/${note!.id}`);
    expect(project.api.notes.get(MR)).toHaveLength(1);
    expect(note!.body).toBe(
      '<!-- tenantctl-plan -->\n### The plan for commit abcdef12 failed\n\n[The pipeline](https://gitlab.contoso.com/it/contoso-tenant/-/pipelines/100) made no plan for abcdef12; ' +
        'the log of its plan job says why (an invalid configuration, a refused plan, the database). The plan this note showed before was made for an earlier commit and no longer applies: ' +
        'merged as it is, this merge request would apply nothing, as its latest pipeline has no plan. Push a fix to plan again.\n',
    );
    expect(fs.readFileSync(victim, 'utf8')).toBe(PROFILE);
    expect(fs.readdirSync(tmp)).toEqual([]);

    fs.writeFileSync(users, text);
    const fixed = await runJob('plan');
    expect(fixed.status, fixed.output).toBe(0);
    expect(project.api.writes().at(-1)).toBe(`PUT ${notes}/${note!.id}`);
    expect(note!.body.startsWith('<!-- tenantctl-plan -->\n_Plan of abcdef12 ([pipeline](https://gitlab.contoso.com/it/contoso-tenant/-/pipelines/100)); applied as is when this merge request is merged._\n\n## tenantctl plan')).toBe(true);
    expect(note!.body).toContain('megan.bowen@contoso.com');
  });
});

describe('the GitLab drift job', () => {
  it('reports on the default branch\'s configuration only: a pipeline run by hand on another branch has no drift job', () => {
    const pipeline = parse(fs.readFileSync(PIPELINE, 'utf8')) as { drift: { rules: { if: string }[] } };
    expect(pipeline.drift.rules.map((r) => r.if)).toEqual(['($CI_PIPELINE_SOURCE == "schedule" || $CI_PIPELINE_SOURCE == "web") && $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH']);
  });
});

describe('the GitLab merge-request jobs', () => {
  it('are cancelled by a newer push\'s pipeline, so an older plan cannot put its note back over a newer one; no other job is', () => {
    const pipeline = parse(fs.readFileSync(PIPELINE, 'utf8')) as Record<string, { interruptible?: boolean; extends?: string }>;
    const interruptible = (name: string): boolean => pipeline[name]?.interruptible ?? (pipeline[name]?.extends ? interruptible(pipeline[name]!.extends!) : false);
    expect(gitlabJobs(PIPELINE).map((job) => job.name).filter(interruptible).sort()).toEqual(['plan', 'validate']);
  });
});

describe('where the scripts of the GitLab pipeline write', () => {
  it('only into their scratch folder, /dev/null, or an artifact removed first and created with noclobber', () => {
    const jobs = gitlabJobs(PIPELINE);
    let checked = 0;
    for (const job of jobs) {
      const script = job.script.join('\n');
      const targets = [
        ...redirectTargets(script),
        ...[...script.matchAll(/--(?:output|dump-header)\s+("[^"]*"|\S+)/g)].map((m) => m[1]!),
      ];
      for (const target of targets) {
        checked++;
        if (/^(?:"\$scratch\/[^"]+"|"\$key"|\/dev\/null)$/.test(target)) continue;
        // An artifact, which GitLab wants in the project directory: `rm -f` before, and noclobber on where it is written.
        const at = script.indexOf(`> ${target}`);
        const before = script.slice(0, at);
        expect(before, `${job.name}: ${target}`).toMatch(new RegExp(`rm -f [^\\n]*\\b${target.replace('.', '\\.')}\\b`));
        expect(before.lastIndexOf('set -o noclobber'), `${job.name}: ${target}`).toBeGreaterThan(before.lastIndexOf('set +o noclobber'));
      }
      // Node writes its files as new ones ("wx"), never through a link.
      for (const write of script.matchAll(/writeFileSync\(([^\n]*)\)/g)) expect(write[1], job.name).toContain('{ flag: "wx" }');
    }
    expect(checked).toBeGreaterThanOrEqual(10);
    // Nor does a script expand what the merge request's author wrote (title, description, branch
    // name, commit message): the scripts use only numbers and the pipeline's own URLs.
    for (const job of jobs) expect(job.script.join('\n'), job.name).not.toMatch(/\$\{?CI_(?:MERGE_REQUEST_(?:TITLE|DESCRIPTION|SOURCE_BRANCH_NAME|TARGET_BRANCH_NAME|LABELS)|COMMIT_(?:MESSAGE|TITLE|DESCRIPTION|REF_NAME|REF_SLUG|BRANCH|TAG|AUTHOR))\b/);
  });
});
