import fs from 'node:fs';
import path from 'node:path';
import { startPGlite } from '../../src/db/embedded-database.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyContoso, runCli, tempDir } from '../support/cli.js';
import { contosoFolder, contosoPostgres } from '../support/contoso-database.js';
import { describePostgres } from '../support/postgres.js';

/** Runs SQL as an administrator with psql would, outside tenantctl; returns the database role it ran as. */
type OutOfBand = (sql: string) => Promise<string>;

const SEARCH_PATH = 'SET search_path TO tenantctl, public';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
const driftSchema = JSON.parse(fs.readFileSync(new URL('../../schemas/drift.schema.json', import.meta.url), 'utf8')) as object;
const validateDrift = addFormats(new Ajv2020({ strict: true, allowUnionTypes: true })).compile(driftSchema);

async function embeddedOutOfBand(directory: string, sql: string): Promise<string> {
  const db = startPGlite(directory);
  try {
    await db.exec(`${SEARCH_PATH}; ${sql}`);
    const { rows } = await db.query<{ role: string }>('SELECT current_user AS role');
    return rows[0]?.role ?? '';
  } finally {
    await db.close();
  }
}

async function postgresOutOfBand(url: string, sql: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    // Qualified names and the server's default search_path: the triggers must not depend on it.
    await client.query(sql.replace(/\b(UPDATE|FROM|INTO) (users|user_roles)\b/g, '$1 tenantctl.$2'));
    const { rows } = await client.query<{ role: string }>('SELECT current_user AS role');
    return rows[0]?.role ?? '';
  } finally {
    await client.end();
  }
}

const TIME = '\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z';

/** Finding 10: a change made directly in the database was blamed on the last apply. */
function attributionSuite(setup: () => Promise<{ env: Record<string, string>; outOfBand: OutOfBand }>) {
  let config: string;
  let planFile: string;
  let dir: string;
  let env: Record<string, string>;
  let outOfBand: OutOfBand;

  beforeAll(async () => {
    // The contoso example as init leaves it (copied, contoso-database.ts): the first apply is this suite's own, by sven.
    ({ env, outOfBand } = await setup());
    dir = tempDir();
    expect((await runCli(['apply', '-c', 'examples/contoso', '--auto-approve', '--approve-purchases', '--approve-privileged', '--actor', 'sven'], { env })).code).toBe(0);
    config = copyContoso();
    const users = path.join(config, 'users.yaml');
    fs.writeFileSync(users, fs.readFileSync(users, 'utf8').replace('jobTitle: Sales Lead', 'jobTitle: Head of Sales'));
    planFile = path.join(dir, 'plan.json');
    const planned = await runCli(['plan', '-c', config, '--out', planFile], { env });
    expect(planned.code, planned.stderr).toBe(0);
  });
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(config, { recursive: true, force: true });
  });

  it('right after an apply, the stale-plan message names the apply, not an outsider', async () => {
    const drift = await runCli(['drift', '-c', 'examples/contoso', '--format', 'json'], { env });
    expect(drift.stdout).not.toContain('outside tenantctl by database role');
  });

  it('an UPDATE and a role removed in SQL: apply --plan and drift name the database role and the time', async () => {
    const role = await outOfBand(
      `UPDATE users SET city = 'Haarlem' WHERE user_principal_name = 'lotte.smit@contoso.com';
       DELETE FROM user_roles WHERE role_template_id = '29232cdf-9323-42fd-ade2-1d097af3e4de'
         AND user_id = (SELECT id FROM users WHERE user_principal_name = 'alex.wilber@contoso.com');`,
    );
    expect(role).not.toBe('');
    const apply = await runCli(['apply', '--plan', planFile, '-c', config, '--auto-approve'], { env });
    expect(apply.code).toBe(1);
    expect(apply.stderr).toMatch(new RegExp(`lotte\\.smit@contoso\\.com was changed outside tenantctl by database role ${role} at ${TIME}`));
    expect(apply.stderr).toMatch(new RegExp(`alex\\.wilber@contoso\\.com was changed outside tenantctl by database role ${role} at ${TIME}`));
    expect(apply.stderr).not.toContain('by apply #1 (sven)');
    const drift = await runCli(['drift', '-c', config], { env });
    expect(drift.code).toBe(2);
    expect(drift.stdout).toMatch(new RegExp(`lotte\\.smit@contoso\\.com \\[medium, changed outside tenantctl by database role ${role} at ${TIME}\\]`));
    expect(drift.stdout).toMatch(new RegExp(`alex\\.wilber@contoso\\.com \\[\\w+, changed outside tenantctl by database role ${role} at ${TIME}\\]`));
  });

  it('once apply has written the users again, only a later outside change is named', async () => {
    expect((await runCli(['apply', '-c', config, '--auto-approve', '--approve-privileged', '--actor', 'ines'], { env })).code).toBe(0);
    const alex = path.join(config, 'users.yaml');
    fs.writeFileSync(alex, fs.readFileSync(alex, 'utf8').replace('jobTitle: Systems Engineer', 'jobTitle: Systems Architect'));
    expect((await runCli(['plan', '-c', config, '--out', planFile], { env })).code).toBe(0);
    const role = await outOfBand(`UPDATE users SET city = 'Leiden' WHERE user_principal_name = 'noah.hendriks@contoso.com'`);
    const apply = await runCli(['apply', '--plan', planFile, '-c', config, '--auto-approve'], { env });
    expect(apply.code).toBe(1);
    expect(apply.stderr).toMatch(new RegExp(`the tenant changed since this plan was made, so it was not applied:\n  noah\\.hendriks@contoso\\.com was changed outside tenantctl by database role ${role} at ${TIME}\n`));
    const drift = await runCli(['drift', '-c', config], { env });
    expect(drift.stdout).toMatch(new RegExp(`~ noah\\.hendriks@contoso\\.com \\[medium, changed outside tenantctl by database role ${role} at ${TIME}\\]`));
    expect(drift.stdout).not.toContain('lotte.smit@contoso.com [');
    // helper-67: a later write that changes nothing is no change, and does not take the earlier one's place (migration 0021).
    const stamp = (text: string) => new RegExp(`noah\\.hendriks@contoso\\.com \\[medium, changed outside tenantctl by database role \\S+ at (${TIME})\\]`).exec(text)?.[1];
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await outOfBand(`UPDATE users SET city = city WHERE user_principal_name = 'noah.hendriks@contoso.com'`);
    const after = await runCli(['drift', '-c', config], { env });
    expect(stamp(after.stdout)).toBeDefined();
    expect(stamp(after.stdout)).toBe(stamp(drift.stdout));
  });

  it('an actor whose name breaks lines is named escaped, on the stale-plan reason\'s one line', async () => {
    const users = path.join(config, 'users.yaml');
    const older = path.join(dir, 'older.json');
    fs.writeFileSync(users, fs.readFileSync(users, 'utf8').replace('jobTitle: Head of Sales', 'jobTitle: Sales Director'));
    expect((await runCli(['plan', '-c', config, '--out', older], { env })).code).toBe(0);
    fs.writeFileSync(users, fs.readFileSync(users, 'utf8').replace('jobTitle: Sales Director', 'jobTitle: Chief Sales Officer'));
    const hostile = await runCli(['apply', '-c', config, '--auto-approve', '--approve-privileged', '--actor', 'x\n::add-mask::y\r::error::z'], { env });
    expect(hostile.code, hostile.stderr).toBe(0);
    // The files as planned: only the tenant changed since.
    fs.writeFileSync(users, fs.readFileSync(users, 'utf8').replace('jobTitle: Chief Sales Officer', 'jobTitle: Sales Director'));
    const apply = await runCli(['apply', '--plan', older, '-c', config, '--auto-approve'], { env });
    expect(apply.code).toBe(1);
    expect(apply.stderr).toMatch(
      new RegExp(`\n  joep\\.devries@contoso\\.com was modified \\(last recorded change ${TIME} by apply #\\d+ \\(x\\\\u000a::add-mask::y\\\\u000d::error::z\\)\\)\n`),
    );
    expect(apply.stderr).not.toMatch(/^\\u003a:|^::/m);
  });

  // helper-84: a role granted by plain SQL under a forged apply leaves the stamp of the last real apply; drift named that one.
  it('a write under a forged apply: drift names the apply the database recorded writing the user, not only the stamp', async () => {
    const before = JSON.parse((await runCli(['drift', '-c', config, '--format', 'json'], { env })).stdout) as DriftJson;
    expect(before.findings.filter((f) => f.lastChange?.laterApply !== undefined)).toEqual([]);
    const role = await outOfBand(
      `BEGIN;
       INSERT INTO tenantctl.applies (actor, host, plan_hash, tool_version, summary, changes) VALUES ('mallory', 'ci-runner', 'sha256:0', '1.0.0', '{}', '[]');
       SELECT set_config('tenantctl.apply_id', (SELECT max(id)::text FROM tenantctl.applies), true);
       INSERT INTO tenantctl.user_roles (user_id, role_template_id)
         SELECT id, '62e90394-69f5-4237-9190-012177145e10' FROM tenantctl.users WHERE user_principal_name = 'sanne.visser@contoso.com';
       COMMIT;`,
    );
    const json = await runCli(['drift', '-c', config, '--format', 'json'], { env });
    expect(json.code, json.stderr).toBe(2);
    const drift = JSON.parse(json.stdout) as DriftJson;
    expect(validateDrift(drift), JSON.stringify(validateDrift.errors)).toBe(true);
    const traced = drift.findings.filter((f) => f.lastChange?.laterApply !== undefined);
    expect(traced).toEqual([
      expect.objectContaining({
        kind: 'user.changed',
        userPrincipalName: 'sanne.visser@contoso.com',
        lastChange: expect.objectContaining({ applyId: 1, actor: 'sven', laterApply: { applyId: expect.any(Number), actor: 'mallory', databaseRole: role, writes: ['user_roles insert'] } }),
      }),
    ]);
    expect(drift.formatVersion).toBe('1.8');
    const forged = traced[0]?.lastChange?.laterApply?.applyId ?? 0;
    expect(forged).toBeGreaterThan(1);
    const text = await runCli(['drift', '-c', config], { env });
    expect(text.stdout).toContain(
      `sanne.visser@contoso.com [high, stamped by apply #1 by sven, but the database recorded apply #${forged} by mallory (database role ${role}) writing the user after it: user_roles insert]`,
    );
    expect(text.stdout).not.toContain('sanne.visser@contoso.com [high, last apply #1 by sven]');
  });

  // helper-87: the writer may set a user's stamp itself, to name an apply that never was; drift named "#99".
  it('a stamp set by hand to name another apply: drift names the last apply the database recorded writing the user', async () => {
    const role = await outOfBand(
      `BEGIN;
       INSERT INTO tenantctl.applies (actor, host, plan_hash, tool_version, summary, changes) VALUES ('mallory', 'ci-runner', 'sha256:0', '1.0.0', '{}', '[]');
       SELECT set_config('tenantctl.apply_id', (SELECT max(id)::text FROM tenantctl.applies), true);
       UPDATE tenantctl.users SET updated_by = 'apply #99 (root)' WHERE user_principal_name = 'lotte.smit@contoso.com';
       INSERT INTO tenantctl.user_roles (user_id, role_template_id)
         SELECT id, '62e90394-69f5-4237-9190-012177145e10' FROM tenantctl.users WHERE user_principal_name = 'lotte.smit@contoso.com';
       COMMIT;`,
    );
    const json = await runCli(['drift', '-c', config, '--format', 'json'], { env });
    expect(json.code, json.stderr).toBe(2);
    const drift = JSON.parse(json.stdout) as DriftJson;
    expect(validateDrift(drift), JSON.stringify(validateDrift.errors)).toBe(true);
    const lotte = drift.findings.find((f) => f.userPrincipalName === 'lotte.smit@contoso.com');
    expect(lotte?.lastChange).toEqual(
      expect.objectContaining({ applyId: 99, actor: 'root', laterApply: { applyId: expect.any(Number), actor: 'mallory', databaseRole: role, writes: ['user_roles insert', 'users update'] } }),
    );
    const forged = lotte?.lastChange?.laterApply?.applyId ?? 99;
    expect(forged).toBeLessThan(99);
    const text = await runCli(['drift', '-c', config], { env });
    expect(text.stdout).toContain(
      `lotte.smit@contoso.com [high, stamped by apply #99 by root, but the last apply the database recorded writing the user is #${forged} by mallory (database role ${role}): user_roles insert, users update]`,
    );
    expect(text.stdout).not.toMatch(/lotte\.smit@contoso\.com \[[^\n]*\]\n +as the last apply left it/);
  });
}

type DriftJson = {
  formatVersion: string;
  findings: { kind: string; userPrincipalName?: string; lastChange?: { applyId: number | null; actor: string | null; laterApply?: { applyId: number } } }[];
};

describe('out-of-band edits are attributed (embedded database)', () => {
  const dir = tempDir();
  const database = path.join(dir, 'db');
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  attributionSuite(async () => {
    contosoFolder('initialised', database);
    return { env: { TENANTCTL_DATABASE_URL: database }, outOfBand: (sql) => embeddedOutOfBand(database, sql) };
  });
});

describePostgres('out-of-band edits are attributed (PostgreSQL)', () => {
  attributionSuite(async () => {
    const url = await contosoPostgres('initialised', 'out_of_band');
    return { env: { TENANTCTL_DATABASE_URL: url }, outOfBand: (sql) => postgresOutOfBand(url, sql) };
  });
});
