// A saved plan's file name is printed the way every untrusted name is: a line
// break in it cannot start a line of its own (a forged `::error::` line in a
// CI log), and the apply command `plan --out` suggests is one a shell runs.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contosoFolder } from '../support/contoso-database.js';
import { copyContoso, QUIET, ROOT, runCli, tempDir } from '../support/cli.js';

const CLI_PATH = path.join(ROOT, 'dist', 'cmd', 'tenantctl.js');

describe('plan file names', { timeout: 120_000 }, () => {
  let dir: string;
  const env = () => ({ TENANTCTL_DATABASE_URL: path.join(dir, 'db') });

  beforeAll(() => {
    dir = tempDir('tenantctl-plan-names-');
    contosoFolder('applied', path.join(dir, 'db'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('apply --plan names a file with a line break in one line, the break escaped', async () => {
    const file = path.join(dir, 'a\n::error::forged plan.json');
    fs.writeFileSync(file, '{\n  "formatVersion": tru\n}\n');
    const apply = await runCli(['apply', '--plan', file, '-c', 'examples/contoso', '--auto-approve'], { env: env() });
    expect(apply.code).toBe(1);
    const shown = path.join(dir, 'a\\u000a::error::forged plan.json');
    expect(apply.stderr).toBe(
      `Error: cannot read the plan ${shown}: ${shown}:2:20: not valid JSON: expected a value, found "t"; it is not a plan tenantctl wrote, or it was damaged (cut short or edited): make it again with \`tenantctl plan --out\`\n`,
    );
    const missing = await runCli(['apply', '--plan', `${file}.gone`, '-c', 'examples/contoso', '--auto-approve'], { env: env() });
    expect(missing).toMatchObject({ code: 1, stderr: `Error: cannot read the plan ${shown}.gone: no such file or folder (ENOENT)\n` });
  });

  it('plan --out suggests an apply command that a shell runs as printed, for paths with spaces and quotes', async () => {
    const config = path.join(dir, "tenant's config");
    fs.cpSync(copyContoso(), config, { recursive: true });
    const users = path.join(config, 'users.yaml');
    fs.writeFileSync(users, fs.readFileSync(users, 'utf8').replace('jobTitle: Sales Lead', 'jobTitle: Head of Sales'));
    const out = path.join(dir, 'saved plans', 'plan $1.json');
    fs.mkdirSync(path.dirname(out));
    const plan = await runCli(['plan', '-c', config, '--out', out], { env: env() });
    expect(plan.code, plan.stderr).toBe(0);
    const suggested = /apply exactly this plan with: tenantctl (apply .*)$/m.exec(plan.stderr)?.[1];
    expect(suggested).toBe(`apply --plan '${out}' -c '${config.replace("'", "'\\''")}'`);
    // Run by a shell as printed, with tenantctl standing for the built CLI.
    const stdout = execFileSync('/bin/sh', ['-c', `"$0" "$1" ${suggested} --auto-approve`, process.execPath, CLI_PATH], {
      cwd: ROOT,
      env: { ...process.env, ...QUIET, ...env(), NO_COLOR: '1' },
      encoding: 'utf8',
    });
    expect(stdout).toContain('changed (1): joep.devries@contoso.com');
  });

  it('plan --out suggests, for a path with invisible characters, a command that shows them and that bash still runs', async () => {
    const config = copyContoso();
    const users = path.join(config, 'users.yaml');
    fs.writeFileSync(users, fs.readFileSync(users, 'utf8').replace('jobTitle: Sales Lead', 'jobTitle: Sales Director'));
    const out = path.join(dir, 'plan\u200b\u202e.json');
    const plan = await runCli(['plan', '-c', config, '--out', out], { env: env() });
    expect(plan.code, plan.stderr).toBe(0);
    const suggested = /apply exactly this plan with: tenantctl (apply .*)$/m.exec(plan.stderr)?.[1];
    expect(suggested).toBe(`apply --plan $'${dir}/plan\\u200b\\u202e.json' -c ${config}`);
    const stdout = execFileSync('bash', ['-c', `"$0" "$1" ${suggested} --auto-approve`, process.execPath, CLI_PATH], {
      cwd: ROOT,
      env: { ...process.env, ...QUIET, ...env(), NO_COLOR: '1' },
      encoding: 'utf8',
    });
    expect(stdout).toContain('changed (1): joep.devries@contoso.com');
  });
});
