import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TENANT_LOCK } from '../../src/db/tenant-lock.js';
import { count, whileApplyWaits } from '../support/apply-lock-wait.js';
import { copyContoso, ROOT, runCli, tempDir } from '../support/cli.js';
import { describePostgres, postgresTestUrl } from '../support/postgres.js';
import { contosoDatabase, contosoFolder } from '../support/contoso-database.js';
import { databaseRows } from '../support/database-rows.js';

const CATALOG = 'examples/contoso/catalog.yaml';
const APPLY = ['apply', '-c', 'examples/contoso', '--auto-approve', '--approve-purchases', '--approve-privileged'];

/**
 * The two databases' suites run side by side (each its own database, its tests
 * in order): one waits on a lock or PostgreSQL while the other runs PGlite.
 */
const SIDE_BY_SIDE = { concurrent: true } as const;

describePostgres('apply safety on PostgreSQL', SIDE_BY_SIDE, () => {
  let url: string;
  const env = () => ({ TENANTCTL_DATABASE_URL: url });

  beforeAll(async () => {
    url = (await postgresTestUrl('apply_safety')) ?? '';
  });

  it.sequential('init, apply and plan --detailed-exitcode work end to end on a real server', async () => {
    const init = await runCli(['init', '--catalog', CATALOG], { env: env() });
    expect(init.code).toBe(0);
    const plan = await runCli(['plan', '-c', 'examples/contoso', '--detailed-exitcode'], { env: env() });
    expect(plan.code).toBe(2);
  });

  it.sequential('waits for the tenant lock and names its holder when it gives up', async () => {
    const holder = new pg.Client({ connectionString: url, application_name: 'tenantctl alice@build-7' });
    await holder.connect();
    await holder.query('BEGIN');
    await holder.query(TENANT_LOCK);
    try {
      const started = Date.now();
      const apply = await runCli([...APPLY, '--lock-timeout', '1'], { env: env() });
      expect(apply.code).toBe(1);
      expect(apply.stderr).toMatch(/another apply holds the tenant lock \(tenantctl alice@build-7 since \d{4}-\d\d-\d\dT/);
      expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
    }
    expect(await count(url, 'SELECT count(*) AS n FROM users')).toBe(0);
  });

  it.sequential('two applies of one plan started at once: one applies, the other finds it applied; never both half-applied', async () => {
    // One saved plan applied twice: each apply planning afresh could read after the other's commit,
    // plan "No changes." and exit 0. The saved plan is stale for whichever comes second, whenever it
    // reads (before the lock or under it), and that one says the other applied it.
    const saved = tempDir('tenantctl-two-applies-');
    const planFile = path.join(saved, 'plan.json');
    expect((await runCli(['plan', '-c', 'examples/contoso', '--out', planFile], { env: env() })).code).toBe(0);
    const applyPlan = ['apply', '--plan', planFile, ...APPLY.slice(1), '--lock-timeout', '120'];
    const [a, b] = await Promise.all([runCli(applyPlan, { env: env() }), runCli(applyPlan, { env: env() })]);
    fs.rmSync(saved, { recursive: true, force: true });
    expect([a.code, b.code], `${a.stderr}\n${b.stderr}`).toEqual([0, 0]);
    const outputs = [a.stdout, b.stdout].map((stdout) => /^Nothing to apply: /m.test(stdout)).sort();
    expect(outputs, `${a.stdout}\n${b.stdout}`).toEqual([false, true]);
    expect(await count(url, 'SELECT count(*) AS n FROM tenantctl.applies')).toBe(1);
    expect(await count(url, 'SELECT count(*) AS n FROM users')).toBe(13);
    expect(await count(url, `SELECT seats AS n FROM subscriptions WHERE sku = 'ENTERPRISEPACK'`)).toBe(4);
    const plan = await runCli(['plan', '-c', 'examples/contoso', '--detailed-exitcode'], { env: env() });
    expect(plan.code).toBe(0);
  });

  it.sequential('an apply killed in the middle of its transaction leaves the database exactly as before', async () => {
    const config = copyContoso();
    const users = path.join(config, 'users.yaml');
    fs.writeFileSync(users, `${fs.readFileSync(users, 'utf8')}
  - userPrincipalName: kill.me@contoso.com
    displayName: Kill Me
    licenses: [ENTERPRISEPACK]
`);
    const before = await count(url, `SELECT count(*) AS n FROM users`);
    // Hold the subscription row, so the apply stops inside its transaction at the purchase.
    const blocker = new pg.Client(url);
    await blocker.connect();
    await blocker.query('BEGIN');
    await blocker.query(`SELECT * FROM tenantctl.subscriptions WHERE sku = 'ENTERPRISEPACK' FOR UPDATE`);
    const child = spawn(process.execPath, [path.join(ROOT, 'dist/cmd/tenantctl.js'), 'apply', '-c', config, '--auto-approve', '--approve-purchases', '--approve-privileged'], {
      env: { ...process.env, TENANTCTL_DATABASE_URL: url },
      stdio: 'ignore',
    });
    try {
      const deadline = Date.now() + 20_000;
      // Wait until the apply has inserted the user and is blocked on the row lock (this database's
      // sessions only: other test files run tenantctl on the same server meanwhile).
      while ((await count(url, `SELECT count(*) AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND application_name LIKE 'tenantctl %' AND datname = current_database()`)) === 0) {
        if (Date.now() > deadline) throw new Error('the apply never reached the purchase');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      child.kill('SIGKILL');
      await new Promise((resolve) => child.on('close', resolve));
    } finally {
      await blocker.query('ROLLBACK');
      await blocker.end();
    }
    // The server notices the dead connection and rolls its transaction back.
    const deadline = Date.now() + 10_000;
    while ((await count(url, `SELECT count(*) AS n FROM pg_stat_activity WHERE application_name LIKE 'tenantctl %' AND datname = current_database()`)) > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(await count(url, `SELECT count(*) AS n FROM users`)).toBe(before);
    expect(await count(url, `SELECT count(*) AS n FROM users WHERE user_principal_name = 'kill.me@contoso.com'`)).toBe(0);
    expect(await count(url, 'SELECT count(*) AS n FROM tenantctl.applies')).toBe(1);
    expect(await count(url, `SELECT seats AS n FROM subscriptions WHERE sku = 'ENTERPRISEPACK'`)).toBe(4);
    fs.rmSync(config, { recursive: true, force: true });
  });

  it.sequential('apply --plan re-reads the configuration under the lock: an edit made while it waited is refused', async () => {
    const config = copyContoso();
    const users = path.join(config, 'users.yaml');
    const planFile = path.join(tempDir('tenantctl-lock-edit-'), 'plan.json');
    fs.writeFileSync(users, fs.readFileSync(users, 'utf8').replace('jobTitle: Sales Lead', 'jobTitle: Head of Sales'));
    expect((await runCli(['plan', '-c', config, '--out', planFile], { env: env() })).code).toBe(0);
    // The apply recomputes the plan once (unchanged files), then waits for the lock.
    const apply = await whileApplyWaits(
      url,
      () => runCli(['apply', '--plan', planFile, '-c', config, '--auto-approve'], { env: env() }),
      // The same size and layout, another job title: its parse from before the wait must not be used.
      () => fs.writeFileSync(users, fs.readFileSync(users, 'utf8').replace('jobTitle: Head of Sales', 'jobTitle: Head of Sa1es')),
    );
    expect(apply.code).toBe(1);
    expect(apply.stderr).toContain('is not the plan the configuration and the tenant give');
    expect(apply.stderr).toContain('joep.devries@contoso.com');
    expect(await count(url, `SELECT count(*) AS n FROM users WHERE job_title LIKE 'Head of Sa%'`)).toBe(0);
    fs.rmSync(config, { recursive: true, force: true });
  });

  it.sequential('apply --plan plans again under the lock when the catalog changed while it waited, even where user rows did not', async () => {
    const config = copyContoso();
    const users = path.join(config, 'users.yaml');
    const planFile = path.join(tempDir('tenantctl-lock-catalog-'), 'plan.json');
    fs.writeFileSync(users, fs.readFileSync(users, 'utf8').replace('jobTitle: Sales Lead', 'jobTitle: Sales Lead\n    roles: [Password administrator]'));
    expect((await runCli(['plan', '-c', config, '--out', planFile], { env: env() })).code).toBe(0);
    const apply = await whileApplyWaits(
      url,
      () => runCli(['apply', '--plan', planFile, '-c', config, '--auto-approve', '--approve-privileged'], { env: env() }),
      // Not part of any user row's fingerprint, yet it makes a licence in the configuration invalid:
      // Finance's E3 has SWAY switched off and Skype (MCOSTANDARD) on.
      () => count(url, `WITH d AS (INSERT INTO service_plan_dependencies (sku, plan, requires) VALUES ('ENTERPRISEPACK', 'MCOSTANDARD', 'SWAY') RETURNING 1) SELECT count(*) AS n FROM d`),
    );
    expect(apply.code, apply.stderr).toBe(1);
    expect(apply.stderr).toContain('the configuration no longer gives a plan');
    expect(apply.stderr).toContain('MCOSTANDARD');
    expect(await count(url, `SELECT count(*) AS n FROM users WHERE job_title = 'Sales Lead' AND id IN (SELECT r.user_id FROM user_roles r JOIN roles o ON o.template_id = r.role_template_id WHERE o.display_name = 'Password administrator')`)).toBe(0);
    await count(url, `WITH r AS (DELETE FROM service_plan_dependencies WHERE plan = 'MCOSTANDARD' AND requires = 'SWAY' RETURNING 1) SELECT count(*) AS n FROM r`);
    fs.rmSync(config, { recursive: true, force: true });
  });
});

describe('apply safety on the embedded database', SIDE_BY_SIDE, () => {
  let dir: string;
  let database: string;
  const env = () => ({ TENANTCTL_DATABASE_URL: database });

  beforeAll(() => {
    dir = tempDir();
    database = contosoFolder('initialised', path.join(dir, 'db'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it.sequential('an apply killed at any moment leaves all or nothing, and the database still opens', async () => {
    const child = spawn(process.execPath, [path.join(ROOT, 'dist/cmd/tenantctl.js'), ...APPLY], {
      env: { ...process.env, TENANTCTL_DATABASE_URL: database },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    // Kill it right after it printed the plan: it is then hashing passwords or inside its transaction.
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('Plan: 13 to create')) {
          child.kill('SIGKILL');
          resolve();
        }
      });
    });
    await new Promise((resolve) => child.on('close', resolve));
    const plan = await runCli(['plan', '-c', 'examples/contoso', '--format', 'json'], { env: env() });
    expect(plan.code, plan.stderr).toBe(0);
    const created = (JSON.parse(plan.stdout) as { summary: { create: number } }).summary.create;
    expect([0, 13]).toContain(created);
  });

  it.sequential('waits for another process holding the embedded database, then names it', async () => {
    const holder = { actor: 'bob', host: os.hostname(), pid: process.pid, since: '2026-11-25T14:02:00.000Z' };
    fs.writeFileSync(`${database}.lock`, JSON.stringify(holder));
    try {
      const apply = await runCli([...APPLY, '--lock-timeout', '1'], { env: env() });
      expect(apply.code).toBe(1);
      expect(apply.stderr).toContain(`is in use by bob on ${os.hostname()} (pid ${process.pid}) since 2026-11-25T14:02:00.000Z; waited 1s`);
      // The advice holds for every command, --lock-timeout before or after its name; the CLI's user@host actor names the host once.
      fs.writeFileSync(`${database}.lock`, JSON.stringify({ ...holder, actor: `bob@${os.hostname()}` }));
      for (const args of [['plan', '-c', 'examples/contoso', '--lock-timeout', '1'], ['--lock-timeout', '1', 'history']]) {
        const waited = await runCli(args, { env: env() });
        expect(waited.code, args.join(' ')).toBe(1);
        expect(waited.stderr, args.join(' ')).toContain(`is in use by bob on ${os.hostname()} (pid ${process.pid}) since 2026-11-25T14:02:00.000Z; waited 1s (raise --lock-timeout to wait longer)`);
      }
      // PostgreSQL's lock_timeout holds about 24 days: a longer wait is refused before anything is read.
      const tooLong = await runCli(['plan', '-c', 'examples/contoso', '--lock-timeout', '3000000'], { env: env() });
      expect(tooLong).toMatchObject({ code: 1, stderr: 'Error: --lock-timeout takes seconds from 0 to 86400 (a day), e.g. 30 (got 3000000)\n' });
    } finally {
      fs.rmSync(`${database}.lock`);
    }
  });
});

/**
 * Whose subject is not the engine: the limits on deletions, and a password
 * kept out of output, plan files and the audit trail. Each on a contoso
 * database of its own after its first apply (contosoDatabase): on PostgreSQL
 * when the suite's server runs, a third of the CPU of the embedded database.
 * On the embedded database, when no server runs, the password test's seven
 * CLI processes take more than the default 30 s on a loaded host.
 */
describe('apply safety, whichever the database', { timeout: 120_000 }, () => {
  const dirs: string[] = [];
  /** A copy of the contoso database after its first apply, in a folder of its own for the test's files too. */
  const applied = async (label: string) => {
    const dir = tempDir();
    dirs.push(dir);
    const database = await contosoDatabase('applied', `apply_safety_${label}`, path.join(dir, 'db'));
    return { dir, database, env: (extra: Record<string, string> = {}) => ({ TENANTCTL_DATABASE_URL: database, ...extra }) };
  };
  afterAll(() => {
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a configuration that raises the deletion limits is held to those last applied', async () => {
    const { env } = await applied('deletion_limits');
    const config = copyContoso();
    const users = path.join(config, 'users.yaml');
    const text = fs.readFileSync(users, 'utf8');
    // The last four users (4 of 13, 31 %) and, in the same change, limits that would allow it.
    fs.writeFileSync(users, text.slice(0, text.indexOf('  - userPrincipalName: emma.dekker@contoso.com')));
    const tenant = path.join(config, 'tenant.yaml');
    const settings = fs.readFileSync(tenant, 'utf8');
    expect(settings).toContain('maxDeletionPercent: 25');
    fs.writeFileSync(tenant, settings.replace('maxDeletions: 5', 'maxDeletions: 1000').replace('maxDeletionPercent: 25', 'maxDeletionPercent: 100'));
    const plan = await runCli(['plan', '-c', config, '--format', 'json'], { env: env() });
    expect(plan.code, plan.stderr).toBe(0);
    const document = JSON.parse(plan.stdout) as { approvals: string[]; warnings: { code: string; message: string }[] };
    expect(document.approvals).toEqual(['deletions']);
    expect(document.warnings.map((w) => w.code)).toEqual(['DELETION_THRESHOLD', 'DELETION_LIMIT_RAISED', 'DELETION_LIMIT_RAISED']);
    expect(document.warnings[0]!.message).toContain("more than settings.maxDeletionPercent (25% as last applied; the configuration's 100% counts once an apply has recorded it)");
    const apply = await runCli(['apply', '-c', config, '--auto-approve'], { env: env() });
    expect(apply.code).toBe(3);
    expect(apply.stderr).toContain('--approve-deletions');
    const after = await runCli(['plan', '-c', 'examples/contoso', '--detailed-exitcode'], { env: env() });
    expect(after.code, after.stdout).toBe(0);
    fs.rmSync(config, { recursive: true, force: true });
  });

  it('deletions above the threshold need --approve-deletions (exit 3); plan only warns', async () => {
    const { env } = await applied('deletion_threshold');
    const config = copyContoso();
    const users = path.join(config, 'users.yaml');
    const text = fs.readFileSync(users, 'utf8');
    // Remove the last four users: 4 of 13 managed users is above 25 %.
    fs.writeFileSync(users, text.slice(0, text.indexOf('  - userPrincipalName: emma.dekker@contoso.com')));
    const plan = await runCli(['plan', '-c', config], { env: env() });
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('DELETION_THRESHOLD');
    const apply = await runCli(['apply', '-c', config, '--auto-approve'], { env: env() });
    expect(apply.code).toBe(3);
    expect(apply.stderr).toContain('4 of 13 managed users (31%) would be deleted');
    expect(apply.stderr).toContain('--approve-deletions');
    const approved = await runCli(['apply', '-c', config, '--auto-approve', '--approve-deletions'], { env: env() });
    expect(approved.code).toBe(0);
    expect(approved.stdout).toMatch(/deleted \(4\): emma\.dekker@contoso\.com/);
    fs.rmSync(config, { recursive: true, force: true });
  });

  it('a password never appears in output, plan files or the audit trail', async () => {
    const { dir, database, env } = await applied('password_secrecy');
    const password = 'Zq8#Lm2!Vx7p';
    const config = copyContoso();
    const users = path.join(config, 'users.yaml');
    fs.appendFileSync(users, `
  - userPrincipalName: secret.keeper@contoso.com
    displayName: Secret Keeper
    password:
      fromEnv: KEEPER_PASSWORD
`);
    // The pull request's plan job holds no password secrets: a warning; apply without the secret refuses.
    const reviewed = path.join(dir, 'reviewed-plan.json');
    const unset = await runCli(['plan', '-c', config, '--out', reviewed], { env: env() });
    expect(unset.code).toBe(0);
    expect(unset.stderr).toContain('PASSWORD_ENV_UNSET: warning: secret.keeper@contoso.com is created with its temporary password from KEEPER_PASSWORD');
    const refused = await runCli(['apply', '--plan', reviewed, '-c', config, '--auto-approve', '--approve-deletions'], { env: env() });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('PASSWORD_ENV_UNSET: secret.keeper@contoso.com is created with its temporary password from KEEPER_PASSWORD');
    const planFile = path.join(dir, 'secret-plan.json');
    const runs = [
      await runCli(['plan', '-c', config, '--out', planFile], { env: env({ KEEPER_PASSWORD: password }) }),
      await runCli(['plan', '-c', config, '--format', 'markdown'], { env: env({ KEEPER_PASSWORD: password }) }),
      // The plan reviewed without the secret is applied where the secret is: the same plan.
      await runCli(['apply', '--plan', reviewed, '-c', config, '--auto-approve', '--approve-deletions'], { env: env({ KEEPER_PASSWORD: password }) }),
    ];
    expect(fs.readFileSync(planFile)).toEqual(fs.readFileSync(reviewed));
    expect(runs.map((r) => r.code)).toEqual([0, 0, 0]);
    for (const run of runs) expect(run.stdout + run.stderr).not.toContain(password);
    // Once the user exists, its password variable is no longer needed.
    const later = await runCli(['plan', '-c', config, '--detailed-exitcode'], { env: env() });
    expect(later.code).toBe(0);
    expect(fs.readFileSync(planFile, 'utf8')).not.toContain(password);
    expect(fs.readFileSync(planFile, 'utf8')).toContain('KEEPER_PASSWORD');
    const pickup = path.join(dir, 'pickup');
    const deliver = await runCli(['deliver', '--pickup', pickup], { env: env() });
    expect(deliver.code).toBe(0);
    const mails = fs.readdirSync(pickup).map((name) => fs.readFileSync(path.join(pickup, name), 'utf8'));
    expect(mails.some((mail) => mail.includes(password))).toBe(true);
    const audit = await databaseRows<{ text: string }>(database, 'SELECT changes::text || summary::text AS text FROM tenantctl.applies');
    expect(audit.length).toBeGreaterThan(0);
    for (const row of audit) expect(row.text).not.toContain(password);
    const outbox = await databaseRows<{ n: number }>(database, 'SELECT count(*)::int AS n FROM tenantctl.credential_notifications WHERE sealed_password IS NOT NULL');
    expect(outbox[0]?.n).toBe(0);
    const hash = await databaseRows<{ h: string }>(database, `SELECT password_hash AS h FROM tenantctl.users WHERE user_principal_name = 'secret.keeper@contoso.com'`);
    expect(hash[0]?.h).toMatch(/^scrypt\$/);
    expect(hash[0]?.h).not.toContain(password);
    fs.rmSync(config, { recursive: true, force: true });
  });
});
