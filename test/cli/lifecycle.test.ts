// The directory's lifecycle (issue 12), end to end: the built CLI as a
// process, with plain SQL where time must pass (a user deleted 31 days ago)
// or the database must be looked at. Every test runs on PostgreSQL; on the
// embedded database, whose engine has tests of its own, one representative
// runs as well (a deletion, a purge and a new account: the most the engine
// does of any of them), and every test when the test server does not run.
// Each embedded CLI process starts PGlite: 1.1 s of CPU against 0.3 s.
import fs from 'node:fs';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { openDatabase } from '../../src/db/open-database.js';
import { copyContoso, ROOT, runCli, tempDir, type CliResult } from '../support/cli.js';
import { contosoFolder, contosoPostgres } from '../support/contoso-database.js';
import { ENGINES } from '../support/engines.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
addFormats(ajv);
const validatePlan = ajv.compile(JSON.parse(fs.readFileSync(path.join(ROOT, 'schemas', 'plan.schema.json'), 'utf8')) as object);

interface PlanJson {
  formatVersion: string;
  summary: Record<string, number>;
  approvals: string[];
  purchases: { sku: string; quantity: number; spare: number; reclaimable: { userPrincipalName: string; monthlyCost: number }[] }[];
  changes: { kind: string; userPrincipalName: string; address: string; userId?: string; before?: unknown; after?: unknown; [key: string]: unknown }[];
}

const APPROVE_ALL = ['--auto-approve', '--approve-purchases', '--approve-privileged', '--approve-deletions'];

/** Edits users.yaml of a configuration copy. */
function editUsers(config: string, edit: (text: string) => string): void {
  const file = path.join(config, 'users.yaml');
  const before = fs.readFileSync(file, 'utf8');
  const after = edit(before);
  expect(after).not.toBe(before);
  fs.writeFileSync(file, after);
}

/** The entry of one user in users.yaml, from its `- userPrincipalName` line to the next entry. */
const entryPattern = (upn: string) => new RegExp(`\\n  - userPrincipalName: ${upn.replace(/\./g, '\\.')}\\n[\\s\\S]*?(?=\\n\\n  (?:#|- )|\\n*$)`);

/**
 * The two databases' suites run side by side (each its own database and
 * configuration, its tests in order): one waits on PostgreSQL while the other runs PGlite.
 */
const SIDE_BY_SIDE = { concurrent: true } as const;

const POSTGRES_SKIPPED = ENGINES.some((e) => e.name === 'postgres' && e.skip);

describe.each(ENGINES)('the lifecycle on the $name database', SIDE_BY_SIDE, (engine) => {
  let database: string;
  let config: string;
  let entries: Record<string, string>;
  /** Where `plan --out` saves the JSON plan. */
  let planFile: string;
  const cleanup: string[] = [];

  /**
   * Plain SQL, as an administrator (or time passing) would; the embedded database is opened only while no CLI runs.
   * Several statements with nothing run between them share one opening (each costs PGlite's start).
   */
  async function withSql<R>(work: (sql: <T extends object = Record<string, unknown>>(statement: string, params?: unknown[]) => Promise<T[]>) => Promise<R>): Promise<R> {
    const db = await openDatabase({ url: database, actor: 'test', lockTimeoutMs: 5000 });
    try {
      return await work((statement, params = []) => db.query(statement, params));
    } finally {
      await db.close();
    }
  }
  const sql = <T extends object = Record<string, unknown>>(statement: string, params: unknown[] = []): Promise<T[]> => withSql((run) => run<T>(statement, params));

  const cli = (...args: string[]): Promise<CliResult> => runCli([...args, '--database', database]);
  const validPlan = (json: string): PlanJson => {
    const plan = JSON.parse(json) as PlanJson;
    expect(validatePlan(plan), JSON.stringify(validatePlan.errors)).toBe(true);
    return plan;
  };
  const planJson = async (): Promise<PlanJson> => {
    const run = await cli('plan', '-c', config, '--format', 'json');
    expect(run.code, run.stderr).toBe(0);
    return validPlan(run.stdout);
  };
  /** The plan as text and as JSON from one run: `plan --out` prints the one and saves the other. */
  const planTextAndJson = async (): Promise<{ text: CliResult; json: PlanJson }> => {
    fs.rmSync(planFile, { force: true });
    const text = await cli('plan', '-c', config, '--out', planFile);
    expect(text.code, text.stderr).toBe(0);
    return { text, json: validPlan(fs.readFileSync(planFile, 'utf8')) };
  };
  const apply = async (...flags: string[]) => {
    const run = await cli('apply', '-c', config, ...(flags.length > 0 ? flags : APPROVE_ALL));
    expect(run.code, run.stderr).toBe(0);
    return run;
  };
  type UserRow = { id: string; user_principal_name: string; deleted_at: Date | null };
  const userRowQuery = async (run: typeof sql, upn: string) =>
    (await run<UserRow>('SELECT id::text AS id, user_principal_name, deleted_at FROM users WHERE lower(user_principal_name) = $1', [upn]))[0];
  const userRow = (upn: string) => userRowQuery(sql, upn);

  /** A test on both databases. */
  const onBoth = it.skipIf(engine.skip).sequential;
  /** A test on PostgreSQL, and on the embedded database only when PostgreSQL's tests are skipped. */
  const onPostgres: typeof onBoth = engine.name === 'postgres' || POSTGRES_SKIPPED ? onBoth : ((() => undefined) as unknown as typeof onBoth);

  beforeAll(async () => {
    if (engine.skip) return;
    const dir = tempDir();
    cleanup.push(dir);
    planFile = path.join(dir, 'plan.json');
    // The contoso example, initialised and applied once, as every test here starts from it.
    database = engine.name === 'postgres' ? await contosoPostgres('applied', 'lifecycle') : contosoFolder('applied', path.join(dir, 'db'));
    config = copyContoso();
    cleanup.push(config);
    const text = fs.readFileSync(path.join(config, 'users.yaml'), 'utf8');
    entries = Object.fromEntries(['emma.dekker@contoso.com', 'lucas.vandam@contoso.com'].map((upn) => [upn, entryPattern(upn).exec(text)?.[0] ?? '']));
  }, 120_000);
  afterAll(() => {
    for (const dir of cleanup) fs.rmSync(dir, { recursive: true, force: true });
  });

  onPostgres('a rename keeps the account: one user.rename change, the same id, roles and licences, no deletion', async () => {
    const roles = async (run: typeof sql, id: string) =>
      (await run<{ n: number }>('SELECT (SELECT count(*) FROM user_roles WHERE user_id = $1)::int + (SELECT count(*) FROM license_assignments WHERE user_id = $1)::int AS n', [id]))[0]?.n;
    const [before, held] = await withSql(async (run) => {
      const row = await userRowQuery(run, 'lotte.smit@contoso.com');
      return [row, await roles(run, row?.id ?? '')] as const;
    });
    expect(held).toBe(2);
    editUsers(config, (text) => text.replace('userPrincipalName: lotte.smit@contoso.com', 'userPrincipalName: lotte.jansen@contoso.com\n    renamedFrom: lotte.smit@contoso.com'));

    const { text, json: plan } = await planTextAndJson();
    expect(plan.formatVersion).toBe('2.2');
    expect(plan.changes.map((c) => `${c.kind} ${c.userPrincipalName}`)).toEqual(['user.rename lotte.jansen@contoso.com', 'user.update lotte.jansen@contoso.com']);
    expect(plan.changes[0]).toMatchObject({ fromUserPrincipalName: 'lotte.smit@contoso.com', userId: before?.id, address: 'users/lotte.jansen@contoso.com', risks: ['privileged'] });
    // Lotte is a User management administrator: her sign-in name is privileged to change (privileged-roles.ts).
    expect(plan.approvals).toEqual(['privileged']);
    expect(text.stdout).toContain('! Renames admin user lotte.smit@contoso.com.\n');
    expect(plan.changes[0]?.before).toMatchObject({ userPrincipalName: 'lotte.smit@contoso.com', roles: ['User management administrator'] });
    expect(plan.changes[0]?.after).toMatchObject({ userPrincipalName: 'lotte.jansen@contoso.com', licenses: [{ sku: 'O365_BUSINESS_ESSENTIALS', disabledPlans: ['YAMMER_ENTERPRISE'] }] });
    expect(plan.summary).toMatchObject({ create: 0, rename: 1, update: 0, delete: 0 });
    expect(text.stdout).toContain('userPrincipalName: "lotte.smit@contoso.com" → "lotte.jansen@contoso.com" (same account');
    expect(text.stdout).toContain('Plan: 0 to create, 1 to rename, 0 to update, 0 to delete.');

    const refused = await cli('apply', '-c', config, '--auto-approve');
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('  renames lotte.smit@contoso.com to lotte.jansen@contoso.com, who holds an admin role\n');
    const applied = await apply('--auto-approve', '--approve-privileged');
    // The confirmation says what the plan said: a rename, naming both UPNs, not a changed user.
    expect(applied.stdout).toContain('\n  renamed (1): lotte.smit@contoso.com → lotte.jansen@contoso.com\n');
    expect(applied.stdout).not.toContain('changed (');
    // And the audit trail too.
    const history = await cli('history', '--limit', '1');
    expect(history.stdout).toMatch(/^#\d+ .* — 1 renamed\n  plan sha256:[0-9a-f]{12}; database role [^;\n]+; confirmed by --auto-approve; privileged changes approved by --approve-privileged\n  ~ lotte\.jansen@contoso\.com \(renamed\)\n      ~ userPrincipalName: "lotte\.smit@contoso\.com" → "lotte\.jansen@contoso\.com"/);
    const [after, gone, heldAfter] = await withSql(async (run) => {
      const row = await userRowQuery(run, 'lotte.jansen@contoso.com');
      return [row, await userRowQuery(run, 'lotte.smit@contoso.com'), await roles(run, row?.id ?? '')] as const;
    });
    expect(after?.id).toBe(before?.id);
    expect(gone).toBeUndefined();
    expect(heldAfter).toBe(held);
    const exported = await cli('export');
    const lotte = (YAML.parse(exported.stdout) as { users: { userPrincipalName: string; roles?: string[]; licenses?: unknown[] }[] }).users.find(
      (u) => u.userPrincipalName === 'lotte.jansen@contoso.com',
    );
    expect(lotte).toMatchObject({ roles: ['User management administrator'], licenses: [{ sku: 'O365_BUSINESS_ESSENTIALS', disabledPlans: ['YAMMER_ENTERPRISE'] }] });

    // Applied: the field is harmless, and validate says it can go.
    expect((await cli('plan', '-c', config, '--detailed-exitcode')).code).toBe(0);
    const validate = await cli('validate', '-c', config);
    expect(validate.code).toBe(0);
    expect(validate.stdout).toMatch(/users\.yaml:\d+:\d+: RENAME_DONE: warning: lotte\.smit@contoso\.com was renamed to lotte\.jansen@contoso\.com already; renamedFrom changes nothing any more and can be removed/);
  }, 120_000);

  onPostgres('a UPN written in another case is renamed in place: the same id, and the next plan is empty', async () => {
    const before = await userRow('lucas.vandam@contoso.com');
    editUsers(config, (text) => text.replace('userPrincipalName: lucas.vandam@contoso.com', 'userPrincipalName: Lucas.VanDam@contoso.com\n    mailNickname: lucas.vandam'));
    const { json: plan } = await planTextAndJson();
    expect(plan.changes.map((c) => `${c.kind} ${c.userPrincipalName}`)).toEqual(['user.rename Lucas.VanDam@contoso.com']);
    await apply('--auto-approve');
    const after = await userRow('lucas.vandam@contoso.com');
    expect(after).toMatchObject({ id: before?.id, user_principal_name: 'Lucas.VanDam@contoso.com' });
    expect((await cli('plan', '-c', config, '--detailed-exitcode')).code).toBe(0);
    // Back as it was, for the tests after this one.
    editUsers(config, (text) => text.replace('userPrincipalName: Lucas.VanDam@contoso.com\n    mailNickname: lucas.vandam', 'userPrincipalName: lucas.vandam@contoso.com'));
    await apply('--auto-approve');
    expect((await userRow('lucas.vandam@contoso.com'))?.user_principal_name).toBe('lucas.vandam@contoso.com');
  }, 60_000);

  onPostgres('an account renamed in SQL: plan warns before it recreates it, drift names the rename, and renamedFrom takes it back', async () => {
    const before = await userRow('lucas.vandam@contoso.com');
    await sql(`UPDATE users SET user_principal_name = 'lucas.devries@contoso.com' WHERE id = $1`, [before?.id]);
    const { text, json: plan } = await planTextAndJson();
    expect(plan.changes.slice(0, 2).map((c) => `${c.kind} ${c.userPrincipalName}`)).toEqual(['user.delete lucas.devries@contoso.com', 'user.create lucas.vandam@contoso.com']);
    const warning = (plan as unknown as { warnings: { code: string; message: string }[] }).warnings.find((w) => w.code === 'RENAMED_OUTSIDE');
    expect(warning?.message).toMatch(/lucas\.vandam@contoso\.com, now lucas\.devries@contoso\.com \(renamed \d{4}-\d\d-\d\d by database role [^)]+\)/);
    expect(warning?.message).toContain('renamedFrom: lucas.devries@contoso.com under lucas.vandam@contoso.com');
    expect(text.stdout).toContain('! RENAMED_OUTSIDE: ');
    const validate = await cli('validate', '-c', config);
    expect(validate.code).toBe(0);
    expect(validate.stdout).toMatch(
      /users\.yaml:\d+:\d+: RENAMED_OUTSIDE: warning: lucas\.vandam@contoso\.com was renamed lucas\.devries@contoso\.com outside tenantctl on \d{4}-\d\d-\d\d \(database role [^)]+\); .* and lucas\.devries@contoso\.com is deleted: declare lucas\.devries@contoso\.com instead, or add renamedFrom: lucas\.devries@contoso\.com to rename it back/,
    );
    const drift = await cli('drift', '-c', config, '--format', 'json');
    expect(drift.code).toBe(2);
    const findings = (JSON.parse(drift.stdout) as { findings: { kind: string; userPrincipalName?: string; declaredAs?: string; userId?: string }[] }).findings;
    expect(findings.filter((f) => f.userPrincipalName?.startsWith('lucas.'))).toEqual([
      expect.objectContaining({ kind: 'user.renamed', userPrincipalName: 'lucas.devries@contoso.com', declaredAs: 'lucas.vandam@contoso.com', userId: before?.id }),
    ]);
    editUsers(config, (text) => text.replace('userPrincipalName: lucas.vandam@contoso.com', 'userPrincipalName: lucas.vandam@contoso.com\n    renamedFrom: lucas.devries@contoso.com'));
    const { text: backText, json: back } = await planTextAndJson();
    expect(backText.stderr).not.toContain('RENAMED_OUTSIDE');
    expect(back.changes.map((c) => `${c.kind} ${c.userPrincipalName}`)).toEqual(['user.rename lucas.vandam@contoso.com']);
    await apply('--auto-approve');
    expect(await userRow('lucas.vandam@contoso.com')).toMatchObject({ id: before?.id, user_principal_name: 'lucas.vandam@contoso.com' });
    editUsers(config, (text) => text.replace('\n    renamedFrom: lucas.devries@contoso.com', ''));
    expect((await cli('plan', '-c', config, '--detailed-exitcode')).code).toBe(0);
    expect((await cli('drift', '-c', config)).code).toBe(0);
  }, 90_000);

  onPostgres('warns, located and in the plan, of a renamedFrom that names no account: the user would be a new account', async () => {
    editUsers(config, (text) => text.replace('userPrincipalName: lucas.vandam@contoso.com', 'userPrincipalName: lucas.devries@contoso.com\n    renamedFrom: lucas.vandamm@contoso.com'));
    const run = await cli('plan', '-c', config);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/users\.yaml:\d+:\d+: RENAME_SOURCE_MISSING: warning: lucas\.devries@contoso\.com says renamedFrom: lucas\.vandamm@contoso\.com, but no account is named lucas\.vandamm@contoso\.com, so the plan creates/);
    expect(run.stdout).toMatch(/RENAME_SOURCE_MISSING: no account is named as renamedFrom says, so this user is created as a new account, not renamed: lucas\.devries@contoso\.com \(renamedFrom: lucas\.vandamm@contoso\.com\)/);
    expect(run.stdout).toMatch(/\+ .*lucas\.devries@contoso\.com/);
    expect(run.stdout).toMatch(/- .*lucas\.vandam@contoso\.com/);
    editUsers(config, (text) => text.replace('userPrincipalName: lucas.devries@contoso.com\n    renamedFrom: lucas.vandamm@contoso.com', 'userPrincipalName: lucas.vandam@contoso.com'));
    expect((await cli('plan', '-c', config, '--detailed-exitcode')).code).toBe(0);
  }, 60_000);

  onPostgres('refuses, located, a rename whose old and new UPN both exist', async () => {
    editUsers(config, (text) => text.replace('userPrincipalName: lucas.vandam@contoso.com', 'userPrincipalName: lucas.vandam@contoso.com\n    renamedFrom: emma.dekker@contoso.com'));
    const run = await cli('plan', '-c', config);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/users\.yaml:\d+:\d+: RENAME_BOTH_EXIST: lucas\.vandam@contoso\.com says renamedFrom: emma\.dekker@contoso\.com, but both/);
    editUsers(config, (text) => text.replace('\n    renamedFrom: emma.dekker@contoso.com', ''));
  }, 60_000);

  onPostgres('a deletion shows until when it can be undone; drift lists the recycle bin; declaring the user again within 30 days restores it', async () => {
    const emma = await userRow('emma.dekker@contoso.com');
    editUsers(config, (text) => text.replace(entries['emma.dekker@contoso.com'] ?? '', ''));
    const plan = await cli('plan', '-c', config);
    expect(plan.stdout).toMatch(/moved to deleted users; its licenses and roles are released; restorable until \d{4}-\d{2}-\d{2}/);
    await apply('--auto-approve');

    const drift = await cli('drift', '-c', config);
    expect(drift.stdout).toMatch(/emma\.dekker@contoso\.com: in the recycle bin since \d{4}-\d{2}-\d{2}: (29|30) days left to restore it/);

    editUsers(config, (text) => text.replace('\n\n  - userPrincipalName: lucas.vandam@contoso.com', `${entries['emma.dekker@contoso.com']}\n\n  - userPrincipalName: lucas.vandam@contoso.com`));
    const { text: restore, json } = await planTextAndJson();
    expect(restore.stdout).toContain('Plan: 0 to create, 1 to restore, 0 to update, 0 to delete.');
    expect(json.summary).toMatchObject({ create: 0, restore: 1 });
    expect(json.changes[0]).toMatchObject({ kind: 'user.restore', userId: emma?.id });
    await apply('--auto-approve');
    expect((await userRow('emma.dekker@contoso.com'))?.id).toBe(emma?.id);
  }, 120_000);

  onBoth('a user deleted 31 days ago is gone for good: declared again, the row is purged and a new account created, in the audit trail', async () => {
    const old = await userRow('emma.dekker@contoso.com');
    editUsers(config, (text) => text.replace(entries['emma.dekker@contoso.com'] ?? '', ''));
    await apply('--auto-approve');
    await sql(`UPDATE users SET deleted_at = now() - interval '31 days' WHERE id = $1`, [old?.id]);
    expect((await cli('drift', '-c', config)).stdout).not.toContain('in the recycle bin');

    editUsers(config, (text) => text.replace('\n\n  - userPrincipalName: lucas.vandam@contoso.com', `${entries['emma.dekker@contoso.com']}\n\n  - userPrincipalName: lucas.vandam@contoso.com`));
    const json = await planJson();
    expect(json.changes.slice(0, 2).map((c) => c.kind)).toEqual(['user.purge', 'user.create']);
    expect(json.summary).toMatchObject({ create: 1, restore: 0 });
    await apply('--auto-approve');
    const [renewed, oldRows] = await withSql(async (run) => [await userRowQuery(run, 'emma.dekker@contoso.com'), await run('SELECT 1 FROM users WHERE id = $1', [old?.id])] as const);
    expect(renewed?.id).toBeDefined();
    expect(renewed?.id).not.toBe(old?.id);
    expect(oldRows).toEqual([]);
    const history = await cli('history', '--format', 'json', '--limit', '1');
    const [latest] = (JSON.parse(history.stdout) as { applies: { changes: { kind: string; userId?: string }[] }[] }).applies;
    expect(latest?.changes.find((c) => c.kind === 'user.purge')).toMatchObject({ userId: old?.id });
  }, 120_000);

  onPostgres('spareSeats proposes a purchase that still needs approval, listing the seats blocked users hold', async () => {
    const tenant = path.join(config, 'tenant.yaml');
    fs.writeFileSync(tenant, fs.readFileSync(tenant, 'utf8').replace('  maxMonthlyPurchaseCost: 250\n', '  maxMonthlyPurchaseCost: 250\n  spareSeats:\n    O365_BUSINESS_PREMIUM: 6\n'));
    const { text, json: plan } = await planTextAndJson();
    expect(plan.changes).toEqual([]);
    expect(plan.approvals).toEqual(['purchase']);
    // Premium: 5 seats, 3 assigned (one to Noah, blocked); 6 to keep free → 4 to buy, all spare; Noah's seat could be reclaimed.
    expect(plan.purchases).toEqual([
      expect.objectContaining({ sku: 'O365_BUSINESS_PREMIUM', quantity: 4, spare: 4, reclaimable: [{ userPrincipalName: 'noah.hendriks@contoso.com', monthlyCost: 12.5 }] }),
    ]);
    expect(text.stdout).toContain('or reclaim 1 seat held by blocked users ($12.50/month): noah.hendriks@contoso.com');
    const refused = await cli('apply', '-c', config, '--auto-approve');
    expect(refused.code).toBe(3);
    await apply('--auto-approve', '--approve-purchases');
    expect((await cli('plan', '-c', config, '--detailed-exitcode')).code).toBe(0);
  }, 120_000);

  onPostgres('export writes back the settings last applied', async () => {
    const exported = YAML.parse((await cli('export')).stdout) as { settings: Record<string, unknown> };
    expect(exported.settings).toEqual({
      minGlobalAdmins: 2,
      adminEmail: 'it-desk@contoso.com',
      maxDeletions: 5,
      maxDeletionPercent: 25,
      maxMonthlyPurchaseCost: 250,
      spareSeats: { O365_BUSINESS_PREMIUM: 6 },
      maxGlobalAdmins: 4,
    });
  }, 60_000);
});
