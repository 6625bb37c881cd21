// The smaller findings of issue 12, each as a user meets it: the CLI as a
// process on a database of its own (an empty one initialised without a
// catalog, or a copy of the contoso example), on PostgreSQL when the test
// server runs, else embedded: the engine is not the subject here.
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { copyContoso, runCli, tempDir } from '../support/cli.js';
import { contosoDatabase } from '../support/contoso-database.js';
import { postgresTestUrl } from '../support/postgres.js';

const NO_CATALOG = 'Error: no catalog is loaded: run tenantctl init --catalog FILE\n';

describe('a database without a catalog says so in one line', () => {
  let database: string;
  beforeAll(async () => {
    database = (await postgresTestUrl('lifecycle_no_catalog')) ?? path.join(tempDir(), 'db');
    const init = await runCli(['init', '--database', database]);
    expect(init.code).toBe(0);
    expect(init.stdout).toContain('Catalog: no catalog is loaded: run tenantctl init --catalog FILE');
  });

  it('at plan and apply: exit 1, that line and nothing else', async () => {
    for (const args of [['plan', '-c', 'examples/contoso'], ['apply', '-c', 'examples/contoso', '--auto-approve']]) {
      const run = await runCli([...args, '--database', database]);
      expect(run).toMatchObject({ code: 1, stdout: '', stderr: NO_CATALOG });
    }
  });

  it('at drift: exit 1 and that line, not an unknown-domain error for every user', async () => {
    const run = await runCli(['drift', '-c', 'examples/contoso', '--database', database]);
    expect(run).toMatchObject({ code: 1, stdout: '', stderr: NO_CATALOG });
    const json = await runCli(['drift', '-c', 'examples/contoso', '--format', 'json', '--database', database]);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout).diagnostics).toEqual([expect.objectContaining({ code: 'FAILED', message: NO_CATALOG.slice('Error: '.length, -1) })]);
  });

  it('at validate: the configuration is checked without the catalog, and the note says why', async () => {
    const run = await runCli(['validate', '-c', 'examples/contoso', '--database', database]);
    expect(run.code).toBe(0);
    expect(run.stderr.trim().split('\n')).toEqual([
      "note: checked only the schema and the rules that need no database: the tenant's domains, subscriptions and service plans were not checked (no catalog is loaded: run tenantctl init --catalog FILE)",
    ]);
  });
});

describe('password variables, notifications and Global administrators', () => {
  let database: string;
  let config: string;
  const cli = (args: string[], env: Record<string, string> = {}) => runCli([...args, '--database', database], { env });
  const users = () => path.join(config, 'users.yaml');

  beforeAll(async () => {
    // The example applied already: the apply below creates Femke alone (each created user's password is hashed).
    database = await contosoDatabase('applied', 'lifecycle_findings', path.join(tempDir(), 'db'));
    config = copyContoso();
    // Femke's temporary password comes from FEMKE_PASSWORD; she must change it at her next sign-in.
    fs.appendFileSync(
      users(),
      '\n  - userPrincipalName: femke.jansen@contoso.com\n    displayName: Femke Jansen\n    roles: [Service administrator]\n    password:\n      fromEnv: FEMKE_PASSWORD\n',
    );
    const applied = await cli(['apply', '-c', config, '--auto-approve', '--approve-purchases', '--approve-privileged'], { FEMKE_PASSWORD: 'Gr4nd#Tour2016' });
    expect(applied.code, applied.stderr).toBe(0);
  }, 120_000);

  it('a password variable matters only for a user created or reset: drift and plan ignore a weak one for an existing user', async () => {
    const drift = await cli(['drift', '-c', config], { FEMKE_PASSWORD: 'x' });
    expect(drift.code).toBe(0);
    expect(drift.stderr).not.toContain('PASSWORD');
    const plan = await cli(['plan', '-c', config, '--detailed-exitcode'], { FEMKE_PASSWORD: 'x' });
    expect(plan.code, plan.stderr).toBe(0);
    // For a user the plan resets, the weak password is refused, naming the variable, never the value.
    fs.writeFileSync(users(), fs.readFileSync(users(), 'utf8').replace('      fromEnv: FEMKE_PASSWORD\n', '      fromEnv: FEMKE_PASSWORD\n      reset: 2026-12-01\n'));
    const reset = await cli(['plan', '-c', config], { FEMKE_PASSWORD: 'x' });
    expect(reset.code).toBe(1);
    expect(reset.stderr).toContain('PASSWORD_POLICY: the password in FEMKE_PASSWORD for femke.jansen@contoso.com (who has its password reset) breaks the password policy');
  }, 60_000);

  it('the notification of a reset says it is a reset, and asks for a change at sign-in only when required', async () => {
    const pickup = tempDir('tenantctl-pickup-');
    expect((await cli(['deliver', '--pickup', pickup])).code).toBe(0);
    for (const file of fs.readdirSync(pickup)) fs.rmSync(path.join(pickup, file));
    fs.writeFileSync(users(), fs.readFileSync(users(), 'utf8').replace('      reset: 2026-12-01\n', '      reset: 2026-12-01\n      forceChangePasswordNextSignIn: false\n'));
    // femke holds an admin role: her temporary password goes where the configuration says, so the reset is privileged.
    const refused = await cli(['apply', '-c', config, '--auto-approve'], { FEMKE_PASSWORD: 'N3w#Start2016' });
    expect(refused.code, refused.stderr).toBe(3);
    expect(refused.stderr).toContain('resets the password of femke.jansen@contoso.com, who holds an admin role');
    const applied = await cli(['apply', '-c', config, '--auto-approve', '--approve-privileged'], { FEMKE_PASSWORD: 'N3w#Start2016' });
    expect(applied.code, applied.stderr).toBe(0);
    expect((await cli(['deliver', '--pickup', pickup])).code).toBe(0);
    const [file] = fs.readdirSync(pickup);
    const message = fs.readFileSync(path.join(pickup, file ?? ''), 'utf8');
    expect(message).toContain('Subject: Your Office 365 password was reset: femke.jansen@contoso.com');
    expect(message).toContain('The password of an Office 365 account has been reset.');
    expect(message).not.toContain('new Office 365 account');
    expect(message).toContain('The password is temporary: it must be changed within 90 days.');
    expect(message).not.toContain('sign-in,');
  }, 60_000);

  it('more Global administrators than settings.maxGlobalAdmins: a warning at plan, --approve-privileged at apply', async () => {
    const tenant = path.join(config, 'tenant.yaml');
    fs.writeFileSync(tenant, fs.readFileSync(tenant, 'utf8').replace('  minGlobalAdmins: 2\n', '  minGlobalAdmins: 2\n  maxGlobalAdmins: 3\n'));
    fs.writeFileSync(users(), fs.readFileSync(users(), 'utf8').replace('    roles: [Service administrator]\n', '    roles: [Service administrator, Global administrator]\n'));
    const plan = await cli(['plan', '-c', config]);
    expect(plan.stdout).toContain('GLOBAL_ADMINS_ABOVE_MAX: this plan brings the enabled Global administrators from 3 to 4, more than settings.maxGlobalAdmins (3)');
    const refused = await cli(['apply', '-c', config, '--auto-approve']);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('more than settings.maxGlobalAdmins (3)');
  }, 60_000);
});
