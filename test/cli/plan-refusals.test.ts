// What only plan can refuse (the planner's PLAN_REFUSED, and the password
// variables of the users it creates) is located like validate's findings:
// `file:line:column: CODE: message`, exit 1, nothing changed. The CLI as a
// process on databases of its own where every user of examples/contoso is
// still to be created: a copy of the initialised example (on PostgreSQL when
// the test server runs), and an embedded one from an edited catalog.
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { copyContoso, runCli, tempDir } from '../support/cli.js';
import { contosoDatabase } from '../support/contoso-database.js';
import { editFile } from '../support/edit-file.js';

const NOT_MADE = 'Error: no plan was made: fix the problems above; nothing was changed';

/**
 * `file:line:column` of the first `text` in `file` (after `after`, if given),
 * `offset` columns into it: where a diagnostic about it must point.
 */
function positionOf(file: string, text: string, { offset = 0, after = '' }: { offset?: number; after?: string } = {}): string {
  const content = fs.readFileSync(file, 'utf8');
  const index = content.indexOf(text, content.indexOf(after));
  expect(index, `${text} in ${file}`).toBeGreaterThanOrEqual(0);
  const before = content.slice(0, index);
  const line = before.split('\n').length;
  const column = index - (before.lastIndexOf('\n') + 1) + 1 + offset;
  return `${file}:${line}:${column}`;
}

const lines = (text: string): string[] => text.trimEnd().split('\n');

interface JsonDiagnostics {
  readonly diagnostics: readonly { severity: string; code: string; message: string; file: string | null; line: number | null; column: number | null }[];
}

async function initDatabase(catalog: string): Promise<string> {
  const database = path.join(tempDir(), 'db');
  const init = await runCli(['init', '--catalog', catalog], { env: { TENANTCTL_DATABASE_URL: database } });
  expect(init.code, init.stderr).toBe(0);
  return database;
}

describe('plan-time refusals are located in the configuration', () => {
  let database: string;
  const cli = (args: string[], env: Record<string, string> = {}) => runCli(args, { env: { TENANTCTL_DATABASE_URL: database, ...env } });

  beforeAll(async () => {
    database = await contosoDatabase('initialised', 'plan_refusals', path.join(tempDir(), 'db'));
  });

  it('a seat cap exceeded points at settings.maxSeats.SKU, in text and JSON, at plan and apply, and nothing changes', async () => {
    const config = copyContoso();
    const tenant = path.join(config, 'tenant.yaml');
    editFile(tenant, '  maxMonthlyPurchaseCost: 250\n', '  maxMonthlyPurchaseCost: 250\n  maxSeats:\n    VISIOCLIENT: 1\n');
    const where = positionOf(tenant, 'VISIOCLIENT: 1', { offset: 'VISIOCLIENT: '.length });
    const refusal = `${where}: PLAN_REFUSED: VISIOCLIENT would need 2 seats, above settings.maxSeats.VISIOCLIENT (1); raise the cap or assign fewer licenses`;

    const plan = await cli(['plan', '-c', config]);
    expect(plan.code).toBe(1);
    expect(plan.stdout).toBe('');
    expect(lines(plan.stderr)).toEqual([refusal, '1 error, 0 warnings', NOT_MADE]);

    const json = await cli(['plan', '-c', config, '--format', 'json']);
    expect(json.code).toBe(1);
    const [line, column] = where.split(':').slice(-2).map(Number);
    expect((JSON.parse(json.stdout) as JsonDiagnostics).diagnostics).toEqual([
      {
        severity: 'error',
        code: 'PLAN_REFUSED',
        message: 'VISIOCLIENT would need 2 seats, above settings.maxSeats.VISIOCLIENT (1); raise the cap or assign fewer licenses',
        file: tenant,
        line,
        column,
      },
    ]);

    const apply = await cli(['apply', '-c', config, '--auto-approve', '--approve-purchases', '--approve-privileged']);
    expect(apply.code).toBe(1);
    expect(lines(apply.stderr)).toContain(refusal);
    const history = await cli(['history', '--format', 'json']);
    expect(history.code, history.stderr).toBe(0);
    expect((JSON.parse(history.stdout) as { applies: unknown[] }).applies).toEqual([]);
    fs.rmSync(config, { recursive: true, force: true });
  });

  it('purchases above settings.maxMonthlyPurchaseCost are refused at plan, located at the setting, not first approved and then refused by apply', async () => {
    const config = copyContoso();
    const tenant = path.join(config, 'tenant.yaml');
    // The example buys 1 × ENTERPRISEPACK and 1 × VISIOCLIENT: $35.00/month.
    editFile(tenant, '  maxMonthlyPurchaseCost: 250\n', '  maxMonthlyPurchaseCost: 30\n');
    const where = positionOf(tenant, 'maxMonthlyPurchaseCost: 30', { offset: 'maxMonthlyPurchaseCost: '.length });
    const refusal = `${where}: PLAN_REFUSED: the purchases cost $35.00/month, more than settings.maxMonthlyPurchaseCost ($30.00/month); raise the limit, or assign fewer licenses of subscriptions without free seats`;

    const plan = await cli(['plan', '-c', config, '--detailed-exitcode']);
    expect(plan.code).toBe(1);
    expect(plan.stdout).toBe('');
    expect(lines(plan.stderr)).toEqual([refusal, '1 error, 0 warnings', NOT_MADE]);

    const apply = await cli(['apply', '-c', config, '--auto-approve', '--approve-purchases', '--approve-privileged']);
    expect(apply.code).toBe(1);
    expect(lines(apply.stderr)).toEqual([refusal, '1 error, 0 warnings', NOT_MADE]);
    const history = await cli(['history', '--format', 'json']);
    expect((JSON.parse(history.stdout) as { applies: unknown[] }).applies).toEqual([]);

    // At the limit it plans and needs only the approval of the purchase.
    editFile(tenant, '  maxMonthlyPurchaseCost: 30\n', '  maxMonthlyPurchaseCost: 35\n');
    const within = await cli(['plan', '-c', config]);
    expect(within.code, within.stderr).toBe(0);
    expect(within.stdout).toContain('2 seats to purchase (+$35.00/month)');
    fs.rmSync(config, { recursive: true, force: true });
  });

  it("a password nobody would receive points at the user's declaration; its fromEnv variable where validate points", async () => {
    const config = copyContoso();
    const users = path.join(config, 'users.yaml');
    editFile(path.join(config, 'tenant.yaml'), '  adminEmail: it-desk@contoso.com\n', '');
    fs.appendFileSync(users, '\n  - userPrincipalName: quiet@contoso.com\n    displayName: Quiet\n    roles: [Exchange administrator]\n    notify: []\n    password:\n      fromEnv: QUIET_PASSWORD\n');
    const declared = positionOf(users, 'userPrincipalName: quiet@contoso.com');
    const fromEnv = positionOf(users, 'fromEnv: QUIET_PASSWORD', { offset: 'fromEnv: '.length });
    const nobody = `${declared}: PLAN_REFUSED: nobody would receive the temporary password of quiet@contoso.com: set notify on the user or settings.adminEmail`;

    const validate = await cli(['validate', '-c', config]);
    expect(validate.stdout).toContain(`${fromEnv}: PASSWORD_ENV_UNSET: warning: environment variable QUIET_PASSWORD`);

    const unset = await cli(['plan', '-c', config]);
    expect(unset.code).toBe(1);
    // Unset is a warning at plan (a pull request's plan job holds no password secrets), an error at apply.
    expect(lines(unset.stderr)).toEqual([
      nobody,
      `${fromEnv}: PASSWORD_ENV_UNSET: warning: quiet@contoso.com is created with its temporary password from QUIET_PASSWORD (password.fromEnv), which is not set here; apply needs it: set it (e.g. from a CI secret) where apply runs, or remove fromEnv to generate a password`,
      '1 error, 1 warning',
      NOT_MADE,
    ]);

    const weak = await cli(['plan', '-c', config], { QUIET_PASSWORD: 'abc' });
    expect(weak.code).toBe(1);
    expect(lines(weak.stderr)).toEqual([
      nobody,
      `${fromEnv}: PASSWORD_POLICY: the password in QUIET_PASSWORD for quiet@contoso.com (who is created) breaks the password policy: it is shorter than 8 characters; use 8 to 16; it uses 1 of the 4 character classes; use at least 3 (missing: upper case letters, digits, symbols)`,
      '2 errors, 0 warnings',
      NOT_MADE,
    ]);
    const validateWeak = await cli(['validate', '-c', config], { QUIET_PASSWORD: 'abc' });
    expect(validateWeak.stdout).toContain(`${fromEnv}: PASSWORD_POLICY: the password in QUIET_PASSWORD for quiet@contoso.com breaks the password policy`);

    const json = await cli(['plan', '-c', config, '--format', 'json'], { QUIET_PASSWORD: 'abc' });
    expect(json.code).toBe(1);
    const located = (JSON.parse(json.stdout) as JsonDiagnostics).diagnostics.map((d) => `${d.file}:${d.line}:${d.column}: ${d.code}`);
    expect(located).toEqual([`${declared}: PLAN_REFUSED`, `${fromEnv}: PASSWORD_POLICY`]);

    const apply = await cli(['apply', '-c', config, '--auto-approve', '--approve-privileged'], { QUIET_PASSWORD: 'abc' });
    expect(apply.code).toBe(1);
    expect(lines(apply.stderr).slice(0, 2)).toEqual(lines(weak.stderr).slice(0, 2));
    fs.rmSync(config, { recursive: true, force: true });
  });

  it('a fromEnv written like a password (the password typed in its place) is flagged where it is, and shown by no message nor the plan\'s text', async () => {
    const config = copyContoso();
    const users = path.join(config, 'users.yaml');
    fs.appendFileSync(users, '\n  - userPrincipalName: typed@contoso.com\n    displayName: Typed\n    roles: [Exchange administrator]\n    password:\n      fromEnv: Welkom2016x\n');
    const fromEnv = positionOf(users, 'fromEnv: Welkom2016x', { offset: 'fromEnv: '.length });
    const flagged = `${fromEnv}: PASSWORD_ENV_NAME_LIKE_PASSWORD: warning: password.fromEnv of typed@contoso.com is written like a password`;

    const plan = await cli(['plan', '-c', config]);
    expect(plan.code, plan.stderr).toBe(0);
    const warnings = lines(plan.stderr).filter((line) => line.includes(`${fromEnv}: `));
    expect(warnings).toHaveLength(2);
    expect(warnings[0]?.startsWith(flagged), warnings[0]).toBe(true);
    expect(warnings[1]).toBe(
      `${fromEnv}: PASSWORD_ENV_UNSET: warning: typed@contoso.com is created with its temporary password from a variable whose name is written like a password (not shown here) (password.fromEnv), which is not set here; apply needs it: set it (e.g. from a CI secret) where apply runs, or remove fromEnv to generate a password`,
    );
    expect(plan.stdout).toContain('+ password: from a variable whose name is written like a password (not shown here), to be changed at next sign-in');
    const markdown = await cli(['plan', '-c', config, '--format', 'markdown']);
    expect(markdown.code).toBe(0);
    const validate = await cli(['validate', '-c', config]);
    expect(validate.stdout).toContain(flagged);

    const apply = await cli(['apply', '-c', config, '--auto-approve', '--approve-privileged']);
    expect(apply.code).toBe(1);
    expect(apply.stderr).toContain(`${fromEnv}: PASSWORD_ENV_UNSET: typed@contoso.com is created with its temporary password from a variable whose name is written like a password (not shown here)`);
    for (const output of [plan.stdout, plan.stderr, markdown.stdout, validate.stdout, apply.stdout, apply.stderr]) expect(output).not.toContain('Welkom');
    fs.rmSync(config, { recursive: true, force: true });
  });

  it('1,500 refusals are listed as the configuration\'s problems are: 1,000, then one notice that counts the rest', async () => {
    const config = tempDir();
    const users = (roles: string) =>
      Array.from({ length: 1_500 }, (_, i) => `  - { userPrincipalName: u${String(i).padStart(4, '0')}@contoso.com, displayName: U${i}${roles} }\n`).join('');
    // No settings.adminEmail and no notify: nobody would receive any of their temporary passwords.
    fs.writeFileSync(path.join(config, 'users.yaml'), `users:\n${users(', roles: [Global administrator]')}`);
    const result = await cli(['plan', '-c', config]);
    expect(result.code).toBe(1);
    const shown = lines(result.stderr);
    expect(shown.filter((line) => / PLAN_REFUSED: nobody would receive the temporary password of /.test(line))).toHaveLength(1_000);
    const file = path.join(config, 'users.yaml');
    expect(shown.slice(-3)).toEqual([
      `${file}:1002:5: DIAGNOSTICS_LIMIT: … and 500 more problems not shown (limit 1,000); fix the ones above and run validate again`,
      '1500 errors, 0 warnings',
      NOT_MADE,
    ]);
    const json = JSON.parse((await cli(['plan', '-c', config, '--format', 'json'])).stdout) as JsonDiagnostics & { errors: number };
    expect(json.errors).toBe(1_500);
    expect(json.diagnostics).toHaveLength(1_001);

    // 1,500 warnings listed already up to the limit: the refusals, why the plan is refused, are listed in their place, and
    // the warnings counted on the notice, which becomes an error and keeps its place.
    const admin = '  - { userPrincipalName: admin@contoso.com, displayName: Admin, roles: [Global administrator], notify: [it@example.org] }\n';
    fs.writeFileSync(path.join(config, 'users.yaml'), `users:\n${admin}${users('')}`);
    const capped = await cli(['plan', '-c', config]);
    expect(capped.code).toBe(1);
    const listed = lines(capped.stderr);
    expect(listed.filter((line) => / PLAN_REFUSED: /.test(line))).toHaveLength(1_000);
    expect(listed.some((line) => / USER_NO_ACCESS: warning: /.test(line))).toBe(false);
    expect(listed.slice(-3)).toEqual([
      `${file}:1003:5: DIAGNOSTICS_LIMIT: … and 2,000 more problems not shown (limit 1,000); fix the ones above and run validate again`,
      '1500 errors, 1500 warnings',
      NOT_MADE,
    ]);
  });

  it('a -c path under a folder that does not exist is CONFIG_NOT_FOUND at plan and apply, as at validate', async () => {
    const cwd = tempDir();
    for (const command of [['plan'], ['plan', '--format', 'json'], ['apply', '--auto-approve']]) {
      const run = await runCli([...command, '-c', 'no/such.yaml'], { cwd, env: { TENANTCTL_DATABASE_URL: database } });
      expect(run.code, run.stderr).toBe(1);
      const text = command.includes('json') ? run.stdout : run.stderr;
      expect(text).toContain(command.includes('json') ? '"code": "CONFIG_NOT_FOUND"' : 'no/such.yaml: CONFIG_NOT_FOUND: no/such.yaml does not exist; check the path given with -c');
      expect(run.stderr).not.toContain('ENOENT');
    }
  });

  it('a fromEnv inherited from defaults is located at defaults, as validate locates it', async () => {
    const config = copyContoso();
    const tenant = path.join(config, 'tenant.yaml');
    editFile(tenant, '  notify: [it-desk@contoso.com]\n', '  notify: [it-desk@contoso.com]\n  password:\n    fromEnv: CONTOSO_PASSWORD\n');
    const fromEnv = positionOf(tenant, 'fromEnv: CONTOSO_PASSWORD', { offset: 'fromEnv: '.length });
    const validate = await cli(['validate', '-c', config]);
    expect(validate.stdout).toContain(`${fromEnv}: PASSWORD_ENV_UNSET: warning: environment variable CONTOSO_PASSWORD`);

    const plan = await cli(['plan', '-c', config]);
    expect(plan.code).toBe(0);
    const unset = lines(plan.stderr).filter((line) => line.includes('PASSWORD_ENV_UNSET'));
    // Every user but the break-glass account, whose own password block says nothing of a source but inherits it too.
    expect(unset.length).toBeGreaterThan(10);
    for (const line of unset) expect(line.startsWith(`${fromEnv}: PASSWORD_ENV_UNSET: warning: `), line).toBe(true);
    const apply = await cli(['apply', '-c', config, '--auto-approve', '--approve-purchases', '--approve-privileged']);
    expect(apply.code).toBe(1);
    const refused = lines(apply.stderr).filter((line) => line.includes('PASSWORD_ENV_UNSET'));
    expect(refused.length).toBe(unset.length);
    for (const line of refused) expect(line.startsWith(`${fromEnv}: PASSWORD_ENV_UNSET: `), line).toBe(true);
    fs.rmSync(config, { recursive: true, force: true });
  });
});

describe('a subscription whose seats cannot be bought', () => {
  it('points at the first license the plan assigns of it', async () => {
    const config = copyContoso();
    const catalog = path.join(config, 'catalog.yaml');
    editFile(catalog, '    productName: Visio Pro for Office 365\n', '    productName: Visio Pro for Office 365\n    purchasable: false\n');
    const database = await initDatabase(catalog);
    const users = path.join(config, 'users.yaml');
    // alex.wilber@contoso.com sorts first of the two users given VISIOCLIENT; at the entry's value, as validate points at a licence.
    const expected = positionOf(users, 'VISIOCLIENT', { after: 'userPrincipalName: alex.wilber@contoso.com' });

    const plan = await runCli(['plan', '-c', config], { env: { TENANTCTL_DATABASE_URL: database } });
    expect(plan.code).toBe(1);
    expect(lines(plan.stderr)).toEqual([
      `${expected}: PLAN_REFUSED: VISIOCLIENT needs 1 more seat(s) (2 assigned, 1 purchased) but the catalog marks it as not purchasable (Entra would refuse the assignment: CountViolation); free seats or remove licenses`,
      '1 error, 0 warnings',
      NOT_MADE,
    ]);
    fs.rmSync(config, { recursive: true, force: true });
  });
});
