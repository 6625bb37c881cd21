// A job of examples/gitops/gitlab run as GitLab's runner runs it, for a merge request
// pipeline, in a copy of that example against the local stand-in for GitLab's API.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { ROOT, tempDir } from '../support/cli.js';
import { contosoDatabase } from '../support/contoso-database.js';
import { gitopsRepo } from './gitops-repo.js';
import { LocalGitlabApi } from './local-gitlab-api.js';

export const GITLAB_PIPELINE = path.join(ROOT, 'examples/gitops/gitlab/.gitlab-ci.yml');
/** The token and project the local GitLab API accepts. */
export const GITLAB_TOKEN = 'glpat-local-test-token';
export const GITLAB_PROJECT = '7';

/** A project for GitLab jobs to run in; its fields are set once the describe's tests start. */
export interface GitlabProject {
  /** A git repository holding examples/gitops/gitlab. */
  readonly repo: string;
  /** A private folder outside it, for HOME, scratch files and the embedded database. */
  readonly outside: string;
  /** The contoso directory, initialised. */
  readonly db: string;
  /** The local GitLab API, started. */
  readonly api: LocalGitlabApi;
}

/**
 * The project of the enclosing describe's tests: made before the first (`outsidePrefix` names
 * the outside folder, `databaseLabel` the PostgreSQL database), all removed after the last.
 */
export function gitlabProject(outsidePrefix: string, databaseLabel: string): GitlabProject {
  const project: { -readonly [K in keyof GitlabProject]?: GitlabProject[K] } = {};
  beforeAll(async () => {
    project.repo = gitopsRepo('gitlab');
    project.outside = tempDir(outsidePrefix);
    project.db = await contosoDatabase('initialised', databaseLabel, path.join(project.outside, 'db'));
    project.api = new LocalGitlabApi(GITLAB_TOKEN, GITLAB_PROJECT);
    await project.api.start();
  });
  afterAll(async () => {
    await project.api?.stop();
    if (project.repo) fs.rmSync(project.repo, { recursive: true, force: true });
    if (project.outside) fs.rmSync(project.outside, { recursive: true, force: true });
  });
  return project as GitlabProject;
}

/** What a merge request pipeline's job gets from GitLab, and where its tenantctl keeps its files. */
export interface MergeRequestPipeline {
  readonly apiUrl: string;
  readonly database: string;
  readonly mergeRequest: number;
  /** CI_COMMIT_SHORT_SHA and CI_COMMIT_SHA. */
  readonly shortSha: string;
  readonly sha: string;
  readonly home: string;
  readonly tmp: string;
}

/** The job's whole environment: nothing of the test's own but PATH. */
export function mergeRequestJobEnv(pipeline: MergeRequestPipeline, more: Record<string, string> = {}): Record<string, string | undefined> {
  return {
    PATH: process.env.PATH, HOME: pipeline.home, TMPDIR: pipeline.tmp,
    TENANTCTL_DATABASE_URL: pipeline.database, NO_COLOR: '1', TENANTCTL_QUIET: '1', TENANTCTL_GITLAB_TOKEN: GITLAB_TOKEN,
    CI_API_V4_URL: pipeline.apiUrl, CI_PROJECT_ID: GITLAB_PROJECT, CI_MERGE_REQUEST_IID: String(pipeline.mergeRequest),
    CI_COMMIT_SHORT_SHA: pipeline.shortSha, CI_COMMIT_SHA: pipeline.sha,
    CI_PIPELINE_URL: 'https://gitlab.contoso.com/it/contoso-tenant/-/pipelines/100',
    ...more,
  };
}

export interface GitlabJobRun {
  readonly status: number | null;
  /** stdout and stderr as they came, as the job log shows them. */
  readonly output: string;
}

/** Script lines (before_script and script) as GitLab's runner runs them: one bash, -e and pipefail, in the project directory. */
export function runGitlabScript(repo: string, lines: readonly string[], env: Record<string, string | undefined>): Promise<GitlabJobRun> {
  const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', lines.join('\n')], { cwd: repo, env });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  return new Promise((resolve) => child.on('close', (status) => resolve({ status, output })));
}
