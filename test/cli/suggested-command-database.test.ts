// The commands tenantctl suggests running next (plan --out's apply line, export's
// `Next:`, init's rotation advice) dropped --database: copied, they ran against
// $TENANTCTL_DATABASE_URL or the default .tenantctl/db instead of the database
// just read. They name it now, quoted for a shell, and never with its password.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateIdentity } from '../../src/outbox/outbox-key.js';
import { copyContoso, QUIET, ROOT, runCli, tempDir } from '../support/cli.js';
import { contosoFolder, contosoPostgres } from '../support/contoso-database.js';
import { TEST_OUTBOX_IDENTITY, TEST_OUTBOX_RECIPIENT } from '../support/outbox-key.js';
import { describePostgres } from '../support/postgres.js';

const CLI_PATH = path.join(ROOT, 'dist', 'cmd', 'tenantctl.js');
const dir = tempDir('tenantctl-suggested-db-');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Runs a suggested command (`tenantctl …` as printed) through a shell, with another database in the variable. */
function runSuggested(command: string, env: Record<string, string>): string {
  return execFileSync('/bin/sh', ['-c', `"$0" "$1" ${command.replace(/^tenantctl /, '')}`, process.execPath, CLI_PATH], {
    cwd: dir,
    env: { ...process.env, ...QUIET, NO_COLOR: '1', ...env },
    encoding: 'utf8',
  });
}

/** Where the variable points: no database at all, so a command that dropped --database fails. */
const elsewhere = () => ({ TENANTCTL_DATABASE_URL: path.join(dir, 'no database here') });

describe('a suggested next command names the --database it was given', { timeout: 180_000 }, () => {
  it.each([['after the command'], ['before the command']])('plan --out with --database %s suggests an apply that runs against it', async (where) => {
    const database = contosoFolder('applied', path.join(dir, `tenant's db ${where}`));
    const config = copyContoso();
    const users = path.join(config, 'users.yaml');
    fs.writeFileSync(users, fs.readFileSync(users, 'utf8').replace('jobTitle: Sales Lead', 'jobTitle: Head of Sales'));
    const out = path.join(dir, `plan ${where}.json`);
    const args = where === 'after the command' ? ['plan', '-c', config, '--out', out, '--database', database] : ['--database', database, 'plan', '-c', config, '--out', out];
    const plan = await runCli(args, { env: elsewhere(), cwd: dir });
    expect(plan.code, plan.stderr).toBe(0);
    const suggested = /apply exactly this plan with: (tenantctl apply .*)$/m.exec(plan.stderr)?.[1];
    expect(suggested).toBe(`tenantctl apply --plan '${out}' -c ${config} --database '${database.replace("'", "'\\''")}'`);
    expect(runSuggested(`${suggested} --auto-approve`, elsewhere())).toContain('changed (1): joep.devries@contoso.com');
  });

  it('export --out with --database suggests a plan that runs against it', async () => {
    const database = contosoFolder('applied', path.join(dir, 'export db'));
    const out = path.join(dir, 'exported.yaml');
    const exported = await runCli(['export', '--out', out, '--database', database], { env: elsewhere(), cwd: dir });
    expect(exported.code, exported.stderr).toBe(0);
    const next = /Next: (tenantctl plan .*?)   \(/m.exec(exported.stderr)?.[1];
    expect(next).toBe(`tenantctl plan -c ${out} --database '${database}'`);
    expect(runSuggested(next ?? '', elsewhere())).toContain('No changes');
  });

  it('without --database (the variable names it) the suggestion names none, as the variable reaches the next command too', async () => {
    const env = { TENANTCTL_DATABASE_URL: contosoFolder('applied', path.join(dir, 'variable db')) };
    const out = path.join(dir, 'plan-variable.json');
    const plan = await runCli(['plan', '-c', 'examples/contoso', '--out', out], { env });
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stderr).toContain(`apply exactly this plan with: tenantctl apply --plan ${out} -c examples/contoso\n`);
  });

  it("init's advice to rotate a key file holding two keys names the --database", async () => {
    const database = contosoFolder('applied', path.join(dir, 'two keys db'));
    const other = await generateIdentity();
    const keyFile = path.join(dir, 'two.key');
    fs.writeFileSync(keyFile, `# public key: ${TEST_OUTBOX_RECIPIENT}\n${TEST_OUTBOX_IDENTITY}\n# public key: ${other.recipient}\n${other.identity}\n`, { mode: 0o600 });
    const init = await runCli(['init', '--database', database, '--outbox-key', keyFile], { env: elsewhere(), cwd: dir });
    expect(init.code, init.stderr).toBe(0);
    expect(init.stdout).toContain(`run \`tenantctl init --rotate-outbox-key --database '${database}'\` to seal every queued credential`);
  });
});

describePostgres('a suggested --database holding a password', { timeout: 120_000 }, () => {
  it('names the server with the password masked, says how to give it, and prints the password nowhere', async () => {
    const owner = new URL(await contosoPostgres('applied', 'suggested_password'));
    // The test server trusts every login: the password only has to be there, not be right.
    owner.password = 'Sup3r$ecret';
    const url = owner.toString();
    const out = path.join(dir, 'plan-postgres.json');
    const plan = await runCli(['plan', '-c', 'examples/contoso', '--out', out, '--database', url]);
    expect(plan.code, plan.stderr).toBe(0);
    expect(`${plan.stdout}${plan.stderr}`).not.toContain('Sup3r');
    const masked = url.replace('Sup3r$ecret', '****');
    expect(plan.stderr).toContain(
      `apply exactly this plan with: tenantctl apply --plan ${out} -c examples/contoso --database '${masked}' ` +
        '(the password is not shown: give --database the URL with its password as before, or set TENANTCTL_DATABASE_URL to it and leave --database out)\n',
    );
  });
});
