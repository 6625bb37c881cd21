// `drift --out reports/2026/drift.md` into a folder that did not exist failed
// (`its folder … does not exist`) where `plan --out plans/2026/plan.json` makes
// its folders. drift --out makes them the same way now: never through a folder
// of a git work tree that is a symbolic link, and removed again when the
// report cannot be written.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../support/cli.js';
import { contosoFolder } from '../support/contoso-database.js';

const dir = tempDir('tenantctl-drift-out-');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('drift --out into folders that do not exist', { timeout: 120_000 }, () => {
  const env = { TENANTCTL_DATABASE_URL: contosoFolder('applied', path.join(dir, 'db')) };

  it('makes them as plan --out does, and writes the report there', async () => {
    for (const [command, file] of [
      ['plan', path.join(dir, 'plans', '2026', 'plan.json')],
      ['drift', path.join(dir, 'reports', '2026', 'drift.md')],
    ] as const) {
      const run = await runCli([command, '-c', 'examples/contoso', '--format', 'markdown', '--out', file], { env });
      expect(run.code, run.stderr).toBe(0);
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    }
    expect(fs.readFileSync(path.join(dir, 'reports', '2026', 'drift.md'), 'utf8')).toContain('drift');
  });

  it('removes the folders it made when the report cannot be written, and says why in one line', async () => {
    const file = path.join(dir, 'cut', 'short', `${'x'.repeat(300)}.md`);
    const run = await runCli(['drift', '-c', 'examples/contoso', '--out', file], { env });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`Error: cannot write ${file}: the name is too long (ENAMETOOLONG)\n`);
    expect(fs.existsSync(path.join(dir, 'cut'))).toBe(false);
  });

  it('never makes them through a folder of a git work tree that is a symbolic link', async () => {
    const repo = path.join(dir, 'repo');
    fs.mkdirSync(repo);
    execFileSync('git', ['init', '-q', repo]);
    const elsewhere = path.join(dir, 'elsewhere');
    fs.mkdirSync(elsewhere);
    fs.symlinkSync(elsewhere, path.join(repo, 'reports'));
    const run = await runCli(['drift', '-c', 'examples/contoso', '--out', path.join(repo, 'reports', '2026', 'drift.txt')], { env });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `Error: refusing to write ${path.join(repo, 'reports', '2026', 'drift.txt')}: the folder ${path.join(repo, 'reports')} on its path is a symbolic link ` +
        `inside the git work tree ${repo} (a checked-out repository may carry one); name the real folder\n`,
    );
    expect(fs.readdirSync(elsewhere)).toEqual([]);
  });
});
