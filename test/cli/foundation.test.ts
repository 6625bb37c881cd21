import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyContoso, ROOT, runCli, tempDir } from '../support/cli.js';
import { postgresTestUrl } from '../support/postgres.js';
import { databaseRows } from '../support/database-rows.js';

const CATALOG = 'examples/contoso/catalog.yaml';

// The commands, not the engine, are the subject: the database is on the test
// server when it runs, where a CLI process costs a third of one that starts the
// embedded database (whose init and first apply the global setup runs with the
// built CLI on every run, contoso-templates.ts, and which has tests of its own),
// else an embedded folder. The refusal of a never-initialised database looks at
// a folder on either: that none appears is what shows nothing was created.
describe('tenantctl as a process', () => {
  let dir: string;
  let database: string;
  const env = () => ({ TENANTCTL_DATABASE_URL: database });
  /** A new, empty database of its own: on the test server when it runs, else the folder `NAME`. */
  const emptyDatabase = async (name: string) => (await postgresTestUrl(`foundation_${name}`)) ?? path.join(dir, name);

  beforeAll(async () => {
    dir = tempDir();
    database = await emptyDatabase('db');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('lists only the commands that work, each with a description', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    for (const command of ['init', 'validate', 'plan', 'apply', 'deliver']) expect(help.stdout).toMatch(new RegExp(`\\n  ${command}\\b.*\\w`));
    const planHelp = await runCli(['help', 'plan']);
    expect(planHelp.stdout).toContain('tenantctl plan -c examples/contoso');
  });

  it('refuses every command on a database that was never initialised, and creates nothing', async () => {
    const never = path.join(dir, 'never');
    const plan = await runCli(['plan', '-c', 'examples/contoso'], { env: { TENANTCTL_DATABASE_URL: never } });
    expect(plan.code).toBe(1);
    expect(plan.stderr).toContain('run `tenantctl init --catalog FILE` first');
    expect(fs.existsSync(never)).toBe(false);
  });

  it('init creates the schema and loads the catalog; running it again is a no-op', async () => {
    const first = await runCli(['init', '--catalog', CATALOG], { env: env() });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('Schema: migrated from version 0 to');
    expect(first.stdout).toContain('Catalog: 3 domain(s), 6 subscription(s)');
    const again = await runCli(['init'], { env: env() });
    expect(again.stdout).toMatch(/Schema: up to date \(version \d+\)/);
  });

  it('plan shows every change and the purchase; --detailed-exitcode says 2', async () => {
    const plan = await runCli(['plan', '-c', 'examples/contoso', '--detailed-exitcode'], { env: env() });
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain('+ megan.bowen@contoso.com (create)');
    expect(plan.stdout).toContain('Plan: 13 to create, 0 to update, 0 to delete; 2 seats to purchase (+$35.00/month).');
    expect(plan.stdout).not.toMatch(/\u001b\[/);
  });

  it('plan --format json prints the versioned plan', async () => {
    const plan = await runCli(['plan', '-c', 'examples/contoso', '--format', 'json'], { env: env() });
    expect(plan.code).toBe(0);
    const document = JSON.parse(plan.stdout) as { formatVersion: string; summary: { create: number }; purchases: unknown[]; changes: { kind: string; userPrincipalName: string }[] };
    expect(document.formatVersion).toBe('2.2');
    expect(document.summary.create).toBe(13);
    expect(document.purchases).toHaveLength(2);
    expect(document.changes[0]).toMatchObject({ kind: 'user.create', userPrincipalName: 'alex.wilber@contoso.com' });
  });

  it('apply without a terminal and without --auto-approve refuses, changing nothing', async () => {
    const apply = await runCli(['apply', '-c', 'examples/contoso', '--approve-purchases', '--approve-privileged'], { env: env() });
    expect(apply.code).toBe(1);
    expect(apply.stderr).toContain('apply needs confirmation');
  });

  it('in CI without a terminal, the refusal to apply unconfirmed does not send the job to a terminal, where apply would not ask either', async () => {
    const apply = await runCli(['apply', '-c', 'examples/contoso', '--approve-purchases', '--approve-privileged'], { env: { ...env(), CI: 'true' } });
    expect(apply.code).toBe(1);
    expect(apply.stderr).toContain('apply needs confirmation: CI is set, so apply asks nothing, also at a terminal; pass --auto-approve in automation; nothing was changed');
    expect(apply.stderr).not.toContain('run it at a terminal');
    const local = await runCli(['apply', '-c', 'examples/contoso', '--approve-purchases', '--approve-privileged'], { env: { ...env(), CI: 'false' } });
    expect(local.code).toBe(1);
    expect(local.stderr).toContain('apply needs confirmation: run it at a terminal, or pass --auto-approve in automation; nothing was changed');
  });

  it('apply without --approve-purchases stops with exit 3 and says what it would buy', async () => {
    const apply = await runCli(['apply', '-c', 'examples/contoso', '--auto-approve'], { env: env() });
    expect(apply.code).toBe(3);
    expect(apply.stderr).toContain('1 × ENTERPRISEPACK (Office 365 Enterprise E3) at $20.00 = $20.00/month');
    expect(apply.stderr).toContain('total +$35.00/month');
    expect(apply.stderr).toContain('--approve-purchases');
    const still = await runCli(['plan', '-c', 'examples/contoso', '--detailed-exitcode'], { env: env() });
    expect(still.code).toBe(2);
    expect(still.stdout).toContain('13 to create');
  });

  it('--max-purchase-cost refuses purchases above the limit', async () => {
    const apply = await runCli(['apply', '-c', 'examples/contoso', '--auto-approve', '--approve-purchases', '--approve-privileged', '--max-purchase-cost', '30'], { env: env() });
    expect(apply.code).toBe(1);
    expect(apply.stderr).toContain('Error: the purchases cost $35.00/month, more than --max-purchase-cost ($30.00/month); nothing was changed\n');
  });

  it('apply with the approvals applies everything; the next plan has no changes', async () => {
    const apply = await runCli(['apply', '-c', 'examples/contoso', '--auto-approve', '--approve-purchases', '--approve-privileged', '--actor', 'ci-bot'], { env: env() });
    expect(apply.stderr).toBe('');
    expect(apply.code).toBe(0);
    expect(apply.stdout).toContain('Apply #1 complete');
    expect(apply.stdout).toContain('bought 1 × VISIOCLIENT');
    expect(apply.stdout).toContain('joep.devries@contoso.com → joep.private@example.org, it-desk@contoso.com');
    const plan = await runCli(['plan', '-c', 'examples/contoso', '--detailed-exitcode'], { env: env() });
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('No changes.');
  });

  it('a saved plan is applied exactly, refused once the configuration changed, and not applied twice', async () => {
    const config = copyContoso();
    const planFile = path.join(dir, 'plan.json');
    const users = path.join(config, 'users.yaml');
    fs.writeFileSync(users, fs.readFileSync(users, 'utf8').replace('jobTitle: Sales Lead', 'jobTitle: Head of Sales'));
    const plan = await runCli(['plan', '-c', config, '--out', planFile], { env: env() });
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('~ jobTitle: "Sales Lead" → "Head of Sales"');
    expect((fs.statSync(planFile).mode & 0o777).toString(8)).toBe('600');
    // The command it suggests is the one that works: apply recomputes a saved plan from -c.
    expect(plan.stderr).toContain(`apply exactly this plan with: tenantctl apply --plan ${planFile} -c ${config}`);
    const apply = await runCli(['apply', '--plan', planFile, '-c', config, '--auto-approve'], { env: env() });
    expect(apply.code).toBe(0);
    expect(apply.stdout).toContain('changed (1): joep.devries@contoso.com');
    // The same files, named one by one in another order: the order and paths are part of what was planned, and the message says so.
    const files = fs.readdirSync(config).filter((name) => name !== 'catalog.yaml').sort().reverse().flatMap((name) => ['-c', path.join(config, name)]);
    const otherPaths = await runCli(['apply', '--plan', planFile, ...files, '--auto-approve'], { env: env() });
    expect(otherPaths).toMatchObject({
      code: 1,
      stderr: 'Error: the configuration given with -c is not the one this plan was made from: a file changed since, or -c names other files, or the same files by other paths or in another order, than when planning; give -c as it was given to `tenantctl plan --out`, or plan again\n',
    });
    fs.appendFileSync(users, '\n');
    const mismatch = await runCli(['apply', '--plan', planFile, '-c', config, '--auto-approve'], { env: env() });
    expect(mismatch.code).toBe(1);
    expect(mismatch.stderr).toContain('not the one this plan was made from');
    fs.writeFileSync(users, fs.readFileSync(users, 'utf8').replace(/\n$/, ''));
    // Its rows changed since, by applying it: said as such, not as a stale plan (test/cli/saved-plan-rerun.test.ts).
    const again = await runCli(['apply', '--plan', planFile, '-c', config, '--auto-approve'], { env: env() });
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^Nothing to apply: .* was applied already, as apply #2 at /);
    fs.rmSync(config, { recursive: true, force: true });
  });

  it('a saved plan carries the configuration\'s git commit for the audit trail', async () => {
    const planFile = path.join(dir, 'committed-plan.json');
    expect((await runCli(['plan', '-c', 'examples/contoso', '--out', planFile], { env: env() })).code).toBe(0);
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const saved = JSON.parse(fs.readFileSync(planFile, 'utf8')) as { gitCommit?: string };
    expect(saved.gitCommit).toMatch(new RegExp(`^${head}(\\+dirty)?$`));
  });

  it('refuses a database whose schema is newer than the tool', async () => {
    const newer = await emptyDatabase('newer');
    await runCli(['init'], { env: { TENANTCTL_DATABASE_URL: newer } });
    await databaseRows(newer, `INSERT INTO tenantctl.schema_migrations (version, name) VALUES (999, '0999_future')`);
    for (const args of [['init'], ['plan', '-c', 'examples/contoso']]) {
      const run = await runCli(args, { env: { TENANTCTL_DATABASE_URL: newer } });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('newer than this tenantctl knows');
    }
  });
});

describe('database URLs that cannot work fail in one line naming the masked URL', () => {
  const cases = [
    { url: 'postgres://admin:s3cret@127.0.0.1:1/tenant', message: 'cannot connect to postgres://admin:****@127.0.0.1:1/tenant: connection refused' },
    // pg decodes the parameter's name to `password`.
    { url: 'postgres://admin@127.0.0.1:1/tenant?pass%77ord=s3cret', message: 'cannot connect to postgres://admin@127.0.0.1:1/tenant?pass%77ord=****: connection refused' },
    { url: 'postgres://admin:s3cret@[bad', message: 'malformed database URL postgres://admin:****@[bad' },
    { url: 'mysql://admin:s3cret@localhost/tenant', message: 'unsupported database URL mysql://admin:****@localhost/tenant' },
  ];
  it.each(cases)('$url', async ({ url, message }) => {
    const run = await runCli(['plan', '-c', 'examples/contoso', '--database', url]);
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain(message);
    expect(run.stderr).not.toContain('s3cret');
  });
});

describe('a database URL meant for a server is never taken for a folder', () => {
  // Each would have become a folder under the working directory, its name holding the password.
  it.each([
    {
      url: 'host=127.0.0.1 port=1 user=u password=S3cretPW',
      message: 'the database URL host=127.0.0.1 port=1 user=u password=**** is a key=value connection string',
      fix: 'write it as postgres://user:password@host:port/dbname',
    },
    {
      url: ' "postgres://u:S3cretPW@127.0.0.1:1/tenant"',
      message: 'malformed database URL  "postgres://u:****@127.0.0.1:1/tenant"',
      fix: 'with no spaces or quotes around it',
    },
  ])('$url', async ({ url, message, fix }) => {
    const cwd = tempDir();
    try {
      const run = await runCli(['init', '--catalog', path.join(ROOT, CATALOG)], { cwd, env: { TENANTCTL_DATABASE_URL: url } });
      expect(run.code).toBe(1);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stderr).toContain(message);
      expect(run.stderr).toContain(fix);
      expect(`${run.stdout}${run.stderr}`).not.toContain('S3cretPW');
      expect(fs.readdirSync(cwd)).toEqual([]);
    } finally {
      fs.rmSync(cwd, { recursive: true, force: true });
    }
  });
});

describe('a libpq key=value string as the database is refused by every command before it creates anything', () => {
  const conninfo = 'host=db user=owner password=S3cretPW dbname=t';
  const config = path.join(ROOT, 'examples/contoso');
  it.each([
    ['init', '--catalog', path.join(ROOT, CATALOG)],
    ['plan', '-c', config],
    ['apply', '-c', config, '--auto-approve'],
    ['drift', '-c', config],
    // Its pickup folder was made (empty, 0700) before the database was looked at.
    ['deliver', '--pickup', 'pickup'],
  ])('%s', async (...args) => {
    for (const given of ['flag', 'environment'] as const) {
      const cwd = tempDir();
      try {
        const run = given === 'flag' ? await runCli([...args, '--database', conninfo], { cwd }) : await runCli(args, { cwd, env: { TENANTCTL_DATABASE_URL: conninfo } });
        expect(run.code, given).toBe(1);
        expect(run.stderr.trim().split('\n')).toEqual([
          'Error: the database URL host=db user=owner password=**** dbname=t is a key=value connection string, which tenantctl does not take: ' +
            'write it as postgres://user:password@host:port/dbname (percent-encode @ : / ? # % in the password, e.g. @ as %40) ' +
            'with any other keys as parameters (?sslmode=verify-full), or give memory:// or a folder path for the embedded database',
        ]);
        expect(run.stdout).toBe('');
        expect(fs.readdirSync(cwd), given).toEqual([]);
      } finally {
        fs.rmSync(cwd, { recursive: true, force: true });
      }
    }
  });
});
