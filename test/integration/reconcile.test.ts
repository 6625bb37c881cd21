import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyPlan, type ApplyContext } from '../../src/apply/apply-plan.js';
import { readCatalogFile, type CatalogFile } from '../../src/catalog/catalog-file.js';
import { storeCatalog } from '../../src/catalog/store-catalog.js';
import type { Database } from '../../src/db/database.js';
import { migrate } from '../../src/db/migrate.js';
import type { PlanDocument } from '../../src/plan/plan-document.js';
import { planTenant } from '../../src/workflow/plan-tenant.js';
import { ENGINES } from '../support/engines.js';
import { ALL_APPROVALS } from '../support/approvals.js';

const CONFIG = ['examples/contoso'];
const context: ApplyContext = { actor: 'tester', host: 'test-host', gitCommit: null, toolVersion: '0.0.0-test', approvals: ALL_APPROVALS, lockTimeoutMs: 2000, env: {} };

function contosoCatalog(): CatalogFile {
  const { catalog, diagnostics } = readCatalogFile('examples/contoso/catalog.yaml');
  if (!catalog) throw new Error(`catalog invalid: ${JSON.stringify(diagnostics)}`);
  return catalog;
}

async function plan(db: Database): Promise<PlanDocument> {
  const result = await planTenant(db, { configPaths: CONFIG, env: {}, tenantctlVersion: '0.0.0-test' });
  if (!result.plan) throw new Error(`no plan: ${JSON.stringify(result.diagnostics)}`);
  return result.plan;
}

describe.each(ENGINES)('reconciling the contoso example on the $name database', (engine) => {
  let db: Database;

  beforeAll(async () => {
    if (engine.skip) return;
    ({ db } = await engine.open('reconcile'));
    await storeCatalog(db, contosoCatalog());
  });
  afterAll(async () => {
    await db?.close();
  });

  it.skipIf(engine.skip)('re-running the migrations is a no-op', async () => {
    const again = await migrate(db);
    expect(again.applied).toEqual([]);
  });

  it.skipIf(engine.skip)('plans the whole example, with the purchases the seats require', async () => {
    const first = await plan(db);
    expect(first.summary).toMatchObject({ create: 13, update: 0, delete: 0, seatsToPurchase: 2 });
    expect(first.purchases.map((p) => [p.sku, p.quantity, p.monthlyCost])).toEqual([
      ['ENTERPRISEPACK', 1, 20],
      ['VISIOCLIENT', 1, 15],
    ]);
    expect(first.approvals).toEqual(['purchase', 'privileged']);
  });

  it.skipIf(engine.skip)('is not applied, nor recorded, without how each approval it needs was given', async () => {
    const unapproved = { ...context, approvals: { confirmation: 'flag', purchase: 'flag' } } as const;
    await expect(applyPlan(db, await plan(db), unapproved)).rejects.toThrow('the plan needs the approvals privileged, not given');
    expect(await db.query('SELECT id FROM applies')).toEqual([]);
    expect((await plan(db)).summary).toMatchObject({ create: 13 });
  });

  it.skipIf(engine.skip)('applies it in one transaction, then plans no changes', async () => {
    const result = await applyPlan(db, await plan(db), context);
    expect(result.credentials).toHaveLength(13);
    const second = await plan(db);
    expect(second.changes).toEqual([]);
    expect(second.purchases).toEqual([]);

    const seats = await db.query<{ sku: string; seats: number; consumed: number }>('SELECT sku, seats, consumed FROM subscriptions ORDER BY sku');
    expect(seats.find((s) => s.sku === 'ENTERPRISEPACK')).toEqual({ sku: 'ENTERPRISEPACK', seats: 4, consumed: 4 });
    const [hashes] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM users WHERE password_hash LIKE 'scrypt$%' AND password_expires_at > password_set_at + interval '89 days'`);
    expect(hashes?.n).toBe(13);
    const [purchase] = await db.query<{ approved_by: string; quantity: number }>(`SELECT approved_by, quantity FROM purchases WHERE sku = 'VISIOCLIENT'`);
    expect(purchase).toEqual({ approved_by: 'tester', quantity: 1 });
    const [audit] = await db.query<{ actor: string; n: number }>('SELECT actor, json_array_length(changes)::int AS n FROM applies');
    expect(audit?.actor).toBe('tester');
    expect(audit?.n).toBeGreaterThan(13);
  });

  it.skipIf(engine.skip)('reloading the catalog keeps the seats apply bought and touches no user', async () => {
    const before = await db.query('SELECT * FROM users ORDER BY id');
    const catalog = contosoCatalog();
    await storeCatalog(db, { ...catalog, subscriptions: catalog.subscriptions.map((s) => ({ ...s, unitPrice: s.unitPrice + 1 })) });
    expect(await db.query('SELECT * FROM users ORDER BY id')).toEqual(before);
    const [e3] = await db.query<{ seats: number }>(`SELECT seats FROM subscriptions WHERE sku = 'ENTERPRISEPACK'`);
    expect(e3?.seats).toBe(4);
    const shrunk = { ...catalog, subscriptions: catalog.subscriptions.map((s) => (s.sku === 'ENTERPRISEPACK' ? { ...s, seats: 1 } : s)) };
    await expect(storeCatalog(db, shrunk)).rejects.toThrow(/ENTERPRISEPACK would have 2 seat\(s\) but 4 license\(s\) of it are assigned/);
  });

  it.skipIf(engine.skip)('refuses a plan made before someone else changed a user', async () => {
    const stale = await planTenantAfterEdit(db);
    await db.query(`UPDATE users SET job_title = 'Changed behind our back' WHERE user_principal_name = 'joep.devries@contoso.com'`);
    await expect(applyPlan(db, stale, context)).rejects.toThrow(/joep\.devries@contoso\.com was changed outside tenantctl by database role \w+ at /);
  });

  it.skipIf(engine.skip)('the database itself refuses to lose the last Global administrators', async () => {
    const current = await plan(db);
    const admins = ['megan.bowen@contoso.com', 'alex.wilber@contoso.com', 'breakglass@contoso.onmicrosoft.com'];
    const ids = await db.query<{ id: string; user_principal_name: string }>(
      'SELECT id, user_principal_name FROM users WHERE user_principal_name = ANY($1::text[])',
      [admins],
    );
    // A hand-made plan that slipped past the planner: apply must still refuse it.
    const forged: PlanDocument = {
      ...current,
      changes: ids.map((u) => ({ kind: 'user.block', userPrincipalName: u.user_principal_name, userId: u.id, risks: ['sign-in-blocked'] })),
    };
    await expect(applyPlan(db, forged, context)).rejects.toThrow(/leave 0 enabled Global administrator/);
    const [enabled] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM users WHERE account_enabled AND user_principal_name = ANY($1::text[])', [admins]);
    expect(enabled?.n).toBe(3);
  });
});

/** A plan with a pending change, so applying it would write something. */
async function planTenantAfterEdit(db: Database): Promise<PlanDocument> {
  await db.query(`UPDATE users SET city = 'Haarlem' WHERE user_principal_name = 'joep.devries@contoso.com'`);
  return plan(db);
}
