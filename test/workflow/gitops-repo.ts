import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { ROOT, tempDir } from '../support/cli.js';

/**
 * A copy of an example configuration repository from examples/gitops/, with
 * this checkout's tenantctl linked in as `npm ci` would install it there,
 * so the workflows' own `npx --no tenantctl …` lines run unchanged.
 */
export function gitopsRepo(example: string): string {
  const repo = tempDir('tenantctl-gitops-');
  fs.cpSync(path.join(ROOT, 'examples', 'gitops', example), repo, { recursive: true });
  fs.mkdirSync(path.join(repo, 'node_modules', '.bin'), { recursive: true });
  fs.symlinkSync(ROOT, path.join(repo, 'node_modules', 'tenantctl'), 'dir');
  const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { bin: { tenantctl: string } };
  // npm install makes the bin executable; the compiled file in dist/ is not.
  const bin = path.join(repo, 'node_modules', '.bin', 'tenantctl');
  fs.writeFileSync(bin, `#!/bin/sh\nexec '${process.execPath}' '${path.join(ROOT, manifest.bin.tenantctl)}' "$@"\n`, { mode: 0o755 });
  return repo;
}

export interface WorkflowStep {
  readonly job: string;
  readonly name: string;
  readonly run: string;
}

/** Every `run:` step of a GitHub workflow or GitLab job script that calls tenantctl, in file order. */
export function githubRunSteps(file: string): WorkflowStep[] {
  const workflow = parse(fs.readFileSync(file, 'utf8')) as { jobs: Record<string, { steps: { name?: string; run?: string }[] }> };
  return Object.entries(workflow.jobs).flatMap(([job, { steps }]) =>
    steps.filter((s) => s.run?.includes('tenantctl')).map((s) => ({ job, name: s.name ?? s.run ?? '', run: s.run ?? '' })),
  );
}

export interface StepRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** What the step wrote to $GITHUB_OUTPUT, as key=value pairs. */
  readonly outputs: Record<string, string>;
}

/** Runs one step's script as the runner does: `bash --noprofile --norc -eo pipefail`, in the repository. */
export function runStep(repo: string, step: WorkflowStep, env: Record<string, string>): StepRun {
  const outputFile = path.join(repo, '.github-output');
  fs.writeFileSync(outputFile, '');
  const run = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', step.run], {
    cwd: repo,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? repo, GITHUB_OUTPUT: outputFile, TENANTCTL_QUIET: '1', ...env },
  });
  const outputs = Object.fromEntries(
    fs
      .readFileSync(outputFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => line.split('=', 2) as [string, string]),
  );
  return { status: run.status, stdout: run.stdout, stderr: run.stderr, outputs };
}
