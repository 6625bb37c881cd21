import { afterEach, describe, expect, it } from 'vitest';
import { applyPlan, type ApplyContext } from '../../src/apply/apply-plan.js';
import { readCatalogFile } from '../../src/catalog/catalog-file.js';
import { storeCatalog } from '../../src/catalog/store-catalog.js';
import type { Database } from '../../src/db/database.js';
import type { PlanDocument } from '../../src/plan/plan-document.js';
import { planTenant } from '../../src/workflow/plan-tenant.js';
import { ENGINES } from '../support/engines.js';
import { ALL_APPROVALS } from '../support/approvals.js';

const context: ApplyContext = { actor: 'tester', host: 'test-host', gitCommit: null, toolVersion: '0.0.0-test', approvals: ALL_APPROVALS, lockTimeoutMs: 2000, env: {} };
const EXCHANGE_ADMINISTRATOR = '29232cdf-9323-42fd-ade2-1d097af3e4de';

async function plan(db: Database): Promise<PlanDocument> {
  const result = await planTenant(db, { configPaths: ['examples/contoso'], env: {}, tenantctlVersion: '0.0.0-test' });
  if (!result.plan) throw new Error(`no plan: ${JSON.stringify(result.diagnostics)}`);
  return result.plan;
}

interface Stamp {
  upn: string;
  updated_by: string | null;
  updated_at: string;
  /** Whether updated_at is the time of the apply given as $1. */
  at_apply: boolean;
}

const stamps = (db: Database, applyId: number) =>
  db.query<Stamp>(
    `SELECT user_principal_name AS upn, updated_by, updated_at::text AS updated_at,
            updated_at = (SELECT applied_at FROM applies WHERE id = $1) AS at_apply
       FROM users ORDER BY user_principal_name`,
    [applyId],
  );

describe.each(ENGINES)('the users an apply stamps ($name database)', (engine) => {
  let db: Database | undefined;
  afterEach(async () => {
    await db?.close();
    db = undefined;
  });

  it.skipIf(engine.skip)('are exactly those its changes touch, found by id or by UPN, each stamped with the apply', async () => {
    ({ db } = await engine.open('apply_stamps'));
    const { catalog } = readCatalogFile('examples/contoso/catalog.yaml');
    if (!catalog) throw new Error('the example catalog is invalid');
    await storeCatalog(db, catalog);

    // Created users have no id in the plan: they are found by UPN.
    const created = await applyPlan(db, await plan(db), context);
    const afterCreate = await stamps(db, created.applyId);
    expect(afterCreate.length).toBeGreaterThan(10);
    for (const row of afterCreate) expect(row).toMatchObject({ updated_by: `apply #${created.applyId} (tester)`, at_apply: true });

    // Two accounts that existed before tenantctl, with stamps of their own.
    await db.transaction(async (tx) => {
      // Marked as an apply's (of this transaction: migration 0015), so the accounts keep their own stamps.
      const [seed] = await tx.query<{ id: string }>(
        `INSERT INTO applies (actor, host, plan_hash, tool_version, summary, changes)
         VALUES ('seed', 'test-host', 'sha256:seed', '0', '{}', '[]') RETURNING id::text AS id`,
      );
      await tx.query(`SELECT set_config('tenantctl.apply_id', $1, true)`, [seed!.id]);
      await tx.query(
        `INSERT INTO users (user_principal_name, display_name, mail_nickname, updated_at, updated_by)
         VALUES ('ad.opt@contoso.com', 'Ad Opt', 'ad.opt', '2026-01-01T00:00:00Z', 'seed'),
                ('by.stander@contoso.com', 'By Stander', 'by.stander', '2026-01-01T00:00:00Z', 'seed')`,
      );
    });
    const idOf = async (upn: string) => (await db!.query<{ id: string }>('SELECT id FROM users WHERE user_principal_name = $1', [upn]))[0]!.id;
    const current = await plan(db);
    // A hand-made plan with each way of naming a user: by id (adopt, update,
    // rename), by the new UPN of a renamed user, and by UPN alone (a role).
    const changes = [
      { kind: 'user.adopt', userPrincipalName: 'ad.opt@contoso.com', userId: await idOf('ad.opt@contoso.com') },
      {
        kind: 'user.update', userPrincipalName: 'joep.devries@contoso.com', userId: await idOf('joep.devries@contoso.com'),
        patch: [], attributes: [{ attribute: 'jobTitle', from: null, to: 'Stamped' }],
      },
      { kind: 'user.rename', userPrincipalName: 'lotte.visser@contoso.com', fromUserPrincipalName: 'lotte.smit@contoso.com', userId: await idOf('lotte.smit@contoso.com') },
      { kind: 'role.grant', userPrincipalName: 'lotte.visser@contoso.com', roleTemplateId: EXCHANGE_ADMINISTRATOR, roleName: 'Exchange administrator' },
      { kind: 'role.grant', userPrincipalName: 'emma.dekker@contoso.com', roleTemplateId: EXCHANGE_ADMINISTRATOR, roleName: 'Exchange administrator' },
    ].map((c) => ({ ...c, address: `${c.kind}:${c.userPrincipalName}`, risks: [] }));
    const before = await stamps(db, created.applyId);
    const second = await applyPlan(db, { ...current, changes: changes as unknown as PlanDocument['changes'] }, context);

    const touched = ['ad.opt@contoso.com', 'emma.dekker@contoso.com', 'joep.devries@contoso.com', 'lotte.visser@contoso.com'];
    const after = await stamps(db, second.applyId);
    expect(after.filter((r) => r.updated_by === `apply #${second.applyId} (tester)` && r.at_apply).map((r) => r.upn)).toEqual(touched);
    // Everyone else keeps the stamp they had, to the microsecond.
    const untouched = (rows: Stamp[]) => rows.filter((r) => !touched.includes(r.upn) && r.upn !== 'lotte.smit@contoso.com').map(({ upn, updated_by, updated_at }) => ({ upn, updated_by, updated_at }));
    expect(untouched(after)).toEqual(untouched(before));
    expect(untouched(after).map((r) => r.upn)).toContain('by.stander@contoso.com');
    const [adopted] = await db.query<{ managed: boolean }>(`SELECT managed FROM users WHERE user_principal_name = 'ad.opt@contoso.com'`);
    expect(adopted?.managed).toBe(true);
  });

  it.skipIf(engine.skip)('adopt users on the pages they are on: no second copy of any row elsewhere (HOT updates, migration 0009)', async () => {
    ({ db } = await engine.open('apply_hot'));
    const { catalog } = readCatalogFile('examples/contoso/catalog.yaml');
    if (!catalog) throw new Error('the example catalog is invalid');
    await storeCatalog(db, catalog);
    // Enough rows for many pages: at full pages, every adopted row would move to a new one.
    await db.query(
      `INSERT INTO users (user_principal_name, display_name, mail_nickname, job_title, department, city)
       SELECT 'user' || n || '@contoso.com', 'User number ' || n, 'user' || n, 'Engineer of things', 'Engineering', 'Amsterdam'
         FROM generate_series(1, 400) AS n`,
    );
    const pages = () => db!.query<{ id: string; upn: string; page: string }>(
      `SELECT id, user_principal_name AS upn, split_part(trim(both '()' from ctid::text), ',', 1) AS page FROM users ORDER BY id`,
    );
    const before = await pages();
    expect(new Set(before.map((r) => r.page)).size).toBeGreaterThan(10);
    const current = await plan(db);
    const changes = before.map((r) => ({ kind: 'user.adopt', userPrincipalName: r.upn, userId: r.id, address: `user.adopt:${r.upn}`, risks: [] }));
    // No administrator exists yet: the lockout guard is not what this test is about.
    const adoptAll = { ...current, settings: { ...current.settings, minGlobalAdmins: 0 }, changes: changes as unknown as PlanDocument['changes'] };
    const adopted = await applyPlan(db, adoptAll, context);
    expect(await pages()).toEqual(before);
    const rows = await stamps(db, adopted.applyId);
    expect(rows.filter((r) => r.updated_by === `apply #${adopted.applyId} (tester)` && r.at_apply)).toHaveLength(400);
  });
});
