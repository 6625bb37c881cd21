// The GitLab validate job prints each diagnostic of `validate --format json` to
// the job log and into the code-quality widget. JSON.parse gives back what the
// merge request wrote (a UPN holding ESC, CR and LF; a file named with them),
// and GitLab's log renders ANSI escapes: what reaches the log must be shown,
// never obeyed, while the report still names the real file.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, tempDir } from '../support/cli.js';
import { rawDangers } from '../support/hostile-strings.js';
import { gitlabJobs } from './gitops-repo.js';

const EXAMPLE = path.join(ROOT, 'examples/gitops/gitlab');

/** Erases the line, returns to its start and writes a line of its own; then a second forged line, in green. */
const FORGED = '\u001b[2K\rJob succeeded\n\u001b[32;1mvalidate passed';
/** A file name can hold ESC (tenantctl reads no file whose name holds CR or LF). */
const HOSTILE_FILE = 'users\u001b[2K\u001b[32;1mJob succeeded.yaml';

interface Diagnostics {
  readonly diagnostics: readonly { readonly code: string; readonly message: string; readonly file: string | null }[];
}

interface CodeQuality {
  readonly description: string;
  readonly location: { readonly path: string };
}

let repo: string;

beforeAll(() => {
  repo = tempDir('tenantctl-gitlab-validate-');
  fs.mkdirSync(path.join(repo, 'tenant'));
  fs.writeFileSync(path.join(repo, 'tenant', 'tenant.yaml'), 'defaults:\n  usageLocation: NL\n');
  const upn = JSON.stringify(`x${FORGED}@contoso.com`);
  fs.writeFileSync(path.join(repo, 'tenant', HOSTILE_FILE), `users:\n  - userPrincipalName: ${upn}\n    displayName: X\n`);
  // The job runs `npx --no tenantctl …`: here that is this checkout's build.
  const bin = path.join(repo, 'bin');
  fs.mkdirSync(bin);
  fs.writeFileSync(path.join(bin, 'npx'), `#!/bin/sh\n[ "$1" = --no ] && shift\n[ "$1" = tenantctl ] && shift\nexec "${process.execPath}" "${path.join(ROOT, 'dist/cmd/tenantctl.cjs')}" "$@"\n`, { mode: 0o755 });
});

afterAll(() => {
  if (repo) fs.rmSync(repo, { recursive: true, force: true });
});

function runValidateJob(): { status: number | null; stderr: string } {
  const validate = gitlabJobs(path.join(EXAMPLE, '.gitlab-ci.yml')).find((j) => j.name === 'validate')!;
  // As GitLab's runner runs a job's script: bash, -e and pipefail, in the project directory.
  const run = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', validate.script.join('\n')], {
    cwd: repo,
    encoding: 'utf8',
    env: { ...process.env, PATH: `${path.join(repo, 'bin')}:${process.env.PATH}`, TENANTCTL_DATABASE_URL: path.join(repo, 'no-database'), NO_COLOR: '1', TENANTCTL_QUIET: '1' },
  });
  return { status: run.status, stderr: run.stderr };
}

describe('the GitLab validate job, on a merge request that writes escapes into a UPN and a file name', () => {
  it('validate --format json quotes the UPN in its message as the text format does, and keeps the file exact', () => {
    // What the job's first line runs; it keeps that JSON in a scratch folder outside the project.
    const run = spawnSync(process.execPath, [path.join(ROOT, 'dist/cmd/tenantctl.cjs'), 'validate', '-c', 'tenant', '--format', 'json'], {
      cwd: repo,
      encoding: 'utf8',
      env: { ...process.env, TENANTCTL_DATABASE_URL: path.join(repo, 'no-database'), NO_COLOR: '1', TENANTCTL_QUIET: '1' },
    });
    expect(run.status).toBe(1);
    const { diagnostics } = JSON.parse(run.stdout) as Diagnostics;
    const invalid = diagnostics.find((d) => d.code === 'UPN_INVALID');
    expect(invalid?.message).toContain('"x\\u001b[2K\\u000dJob succeeded\\u000a\\u001b[32;1mvalidate passed@contoso.com"');
    expect(invalid?.file).toBe(`tenant/${HOSTILE_FILE}`);
    for (const d of diagnostics) expect(rawDangers(d.message)).toEqual([]);
  });

  it('writes one visible line per problem to the log, and a report that names the real file', () => {
    const { status, stderr } = runValidateJob();
    expect(status).toBe(1);
    expect(rawDangers(stderr)).toEqual([]);
    // tenantctl's own note (no database here to check domains against) aside, one line per problem.
    const lines = stderr.trimEnd().split('\n').filter((line) => !line.startsWith('note: '));
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).toMatch(/^tenant\/users\\u001b\[2K\\u001b\[32;1mJob succeeded\.yaml:\d+:\d+: [A-Z_]+: /);
    const report = JSON.parse(fs.readFileSync(path.join(repo, 'gl-code-quality-report.json'), 'utf8')) as CodeQuality[];
    expect(report).toHaveLength(lines.length);
    for (const entry of report) {
      expect(rawDangers(entry.description)).toEqual([]);
      expect(entry.location.path).toBe(`tenant/${HOSTILE_FILE}`);
    }
  });
});
