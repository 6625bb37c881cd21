import { execFile, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { inject } from 'vitest';
import { parse } from 'yaml';
import { ROOT } from '../support/cli.js';
import { memoryTempDir } from './memory-dir.js';

/**
 * A copy of an example configuration repository from examples/gitops/, with
 * this checkout's tenantctl linked in as `npm ci` would install it there,
 * so the workflows' own `npx --no tenantctl …` lines run unchanged. In memory
 * where the machine has it, as the workflows' embedded database is written there.
 */
export function gitopsRepo(example: string): string {
  const repo = memoryTempDir('tenantctl-gitops-');
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

function stepProcess(repo: string, env: Record<string, string>): { outputFile: string; options: { cwd: string; env: NodeJS.ProcessEnv } } {
  const outputFile = path.join(repo, '.github-output');
  fs.writeFileSync(outputFile, '');
  return {
    outputFile,
    options: { cwd: repo, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? repo, GITHUB_OUTPUT: outputFile, TENANTCTL_QUIET: '1', ...env } },
  };
}

function stepOutputs(outputFile: string): Record<string, string> {
  return Object.fromEntries(
    fs
      .readFileSync(outputFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => line.split('=', 2) as [string, string]),
  );
}

const RUNNER_SHELL = ['--noprofile', '--norc', '-eo', 'pipefail', '-c'];

/** Runs one step's script as the runner does: `bash --noprofile --norc -eo pipefail`, in the repository. */
export function runStep(repo: string, step: WorkflowStep, env: Record<string, string>): StepRun {
  const { outputFile, options } = stepProcess(repo, env);
  const run = spawnSync('bash', [...RUNNER_SHELL, step.run], { ...options, encoding: 'utf8' });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr, outputs: stepOutputs(outputFile) };
}

/** runStep without blocking this process, for steps that talk to a server the test runs (an SMTP relay). */
export function runStepAsync(repo: string, step: WorkflowStep, env: Record<string, string>): Promise<StepRun> {
  const { outputFile, options } = stepProcess(repo, env);
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [...RUNNER_SHELL, step.run], options);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr, outputs: stepOutputs(outputFile) }));
  });
}

/** A GitLab CI job as it runs: its script lines (templates of `extends` and YAML aliases resolved). */
export interface GitlabJob {
  readonly name: string;
  readonly script: readonly string[];
}

/** A script's lines: GitLab flattens the arrays that YAML aliases (`- *gitlab-api`) nest in it. */
const flatten = (lines: readonly unknown[]): string[] => lines.flatMap((l) => (Array.isArray(l) ? flatten(l) : [String(l)]));

/** The jobs of a .gitlab-ci.yml (not the hidden `.templates`), with their resolved scripts. */
export function gitlabJobs(file: string): GitlabJob[] {
  const pipeline = parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  const keywords = new Set(['default', 'variables', 'stages', 'include', 'workflow', 'image', 'services', 'cache', 'before_script', 'after_script']);
  const scriptOf = (name: string): unknown[] => {
    const job = pipeline[name] as { script?: unknown[]; extends?: string | string[] } | undefined;
    if (!job) throw new Error(`${file}: no job or template named ${name}`);
    if (job.script) return job.script;
    const parents = typeof job.extends === 'string' ? [job.extends] : (job.extends ?? []);
    return parents.map(scriptOf).findLast((s) => s.length > 0) ?? [];
  };
  return Object.keys(pipeline)
    .filter((name) => !name.startsWith('.') && !keywords.has(name))
    .map((name) => ({ name, script: flatten(scriptOf(name)) }));
}

/** Where a shell script writes: the target of each `>`, `>>`, `>|` or `&>` (not `=>`, `->`, `2>&1`). */
export const redirectTargets = (script: string) =>
  [...script.matchAll(/(?<![=\-<>&])(?:\d|&)?>[>|]?\s*("[^"]*"|'[^']*'|&\d|[^\s;|&)<>]+)/g)].map((m) => m[1]!).filter((t) => !/^&\d$/.test(t));

const execFileAsync = promisify(execFile);

/** A command's stdout, without blocking this process (other work goes on meanwhile); rejects, with its stderr, if it fails. */
export async function commandOutput(file: string, args: readonly string[], cwd: string): Promise<string> {
  return (await execFileAsync(file, args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })).stdout;
}

/** A tarball `npm pack` made, and the files it says it packed. */
export interface PackedTarball {
  readonly tarball: string;
  readonly files: readonly string[];
}

/**
 * The packed tarball of this checkout (dist/ is fresh: the suite's global setup compiled it),
 * copied into `dir`. npm pack compresses some 50 MB (about 5 s of CPU), the same bytes for every
 * test file of a run: the first to ask packs into the run's scratch folder and publishes it there
 * (an atomic rename of its folder), later ones copy that. One that asks before any is published
 * packs its own.
 */
export async function packTenantctl(dir: string): Promise<PackedTarball> {
  const scratch = inject('contosoTemplates').scratch;
  const shared = path.join(scratch, 'packed-tenantctl');
  let from = shared;
  if (!fs.existsSync(path.join(shared, 'pack.json'))) {
    const mine = fs.mkdtempSync(path.join(scratch, 'packing-'));
    const json = await commandOutput('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', mine], ROOT);
    fs.writeFileSync(path.join(mine, 'pack.json'), json);
    try {
      fs.renameSync(mine, shared);
    } catch {
      from = mine; // another file published first
    }
  }
  const packed = JSON.parse(fs.readFileSync(path.join(from, 'pack.json'), 'utf8')) as { filename: string; files: { path: string }[] }[];
  const tarball = path.join(dir, packed[0]!.filename);
  fs.copyFileSync(path.join(from, packed[0]!.filename), tarball);
  return { tarball, files: packed[0]!.files.map((f) => f.path) };
}
