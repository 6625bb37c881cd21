// A licence assigned outside tenantctl to a user in the recycle bin still
// takes a seat: the database counts it in subscriptions.consumed. The plan
// must count it too, or it plans no purchase for seats that are not free and
// apply fails on the database's seat check instead of asking for approval.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyPlan, type ApplyContext } from '../../src/apply/apply-plan.js';
import { readCatalogFile } from '../../src/catalog/catalog-file.js';
import { storeCatalog } from '../../src/catalog/store-catalog.js';
import type { Database } from '../../src/db/database.js';
import type { PlanDocument } from '../../src/plan/plan-document.js';
import { planTenant } from '../../src/workflow/plan-tenant.js';
import { ALL_APPROVALS } from '../support/approvals.js';
import { ENGINES } from '../support/engines.js';

const context: ApplyContext = { actor: 'tester', host: 'test-host', gitCommit: null, toolVersion: '0.0.0-test', approvals: ALL_APPROVALS, lockTimeoutMs: 5000, env: {} };

const CATALOG = `domains:
  - { name: contoso.com, verified: true, default: true }
subscriptions:
  - sku: ENTERPRISEPACK
    productName: Office 365 Enterprise E3
    seats: 2
    unitPrice: 20.00
    currency: USD
    servicePlans: [EXCHANGE_S_ENTERPRISE, SHAREPOINTENTERPRISE, OFFICESUBSCRIPTION]
`;

const user = (upn: string, licensed: boolean) =>
  `  - userPrincipalName: ${upn}\n    displayName: ${upn}\n${licensed ? '    licenses: [ENTERPRISEPACK]\n' : '    roles: [Global administrator]\n'}`;

describe.each(ENGINES)('seats held in the recycle bin on the $name database', (engine) => {
  let db: Database;
  let dir: string;

  beforeAll(async () => {
    if (engine.skip) return;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bin-seats-'));
    fs.writeFileSync(path.join(dir, 'catalog.yaml'), CATALOG);
    fs.mkdirSync(path.join(dir, 'config'));
    fs.writeFileSync(path.join(dir, 'config', 'tenant.yaml'), 'defaults:\n  usageLocation: NL\nsettings:\n  adminEmail: it@contoso.com\n');
    ({ db } = await engine.open('bin_seats'));
    await storeCatalog(db, readCatalogFile(path.join(dir, 'catalog.yaml')).catalog!);
  });
  afterAll(async () => {
    await db?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  async function plan(users: string): Promise<PlanDocument> {
    fs.writeFileSync(path.join(dir, 'config', 'users.yaml'), `users:\n${user('boss@contoso.com', false)}${users}`);
    const result = await planTenant(db, { configPaths: [path.join(dir, 'config')], env: {}, tenantctlVersion: '0.0.0-test', forApply: true });
    if (!result.plan) throw new Error(JSON.stringify(result.diagnostics));
    return result.plan;
  }

  it.skipIf(engine.skip)('a seat taken by a deleted user is not free: the plan buys it (with approval) and apply succeeds', async () => {
    await applyPlan(db, await plan(user('ann@contoso.com', true)), context);
    await applyPlan(db, await plan(''), context); // ann to the recycle bin, her seat released
    await db.query(`INSERT INTO license_assignments (user_id, sku) SELECT id, 'ENTERPRISEPACK' FROM users WHERE user_principal_name = 'ann@contoso.com'`);

    const two = await plan(user('c1@contoso.com', true) + user('c2@contoso.com', true));
    expect(two.purchases.map((p) => [p.sku, p.quantity])).toEqual([['ENTERPRISEPACK', 1]]);
    expect(two.approvals).toContain('purchase');
    await applyPlan(db, two, context);
    const [e3] = await db.query<{ seats: number; consumed: number }>(`SELECT seats, consumed FROM subscriptions WHERE sku = 'ENTERPRISEPACK'`);
    expect(e3).toEqual({ seats: 3, consumed: 3 });
    expect((await plan(user('c1@contoso.com', true) + user('c2@contoso.com', true))).purchases).toEqual([]);
  });

  it.skipIf(engine.skip)('restoring that user counts its seat once, not twice', async () => {
    const users = user('c1@contoso.com', true) + user('c2@contoso.com', true) + user('ann@contoso.com', true);
    const restore = await plan(users);
    expect(restore.changes.map((c) => c.kind)).toContain('user.restore');
    expect(restore.purchases).toEqual([]);
    await applyPlan(db, restore, context);
    const [e3] = await db.query<{ seats: number; consumed: number }>(`SELECT seats, consumed FROM subscriptions WHERE sku = 'ENTERPRISEPACK'`);
    expect(e3).toEqual({ seats: 3, consumed: 3 });
    expect((await plan(users)).changes).toEqual([]);
  });

  const renamed = (upn: string, from: string) => `  - userPrincipalName: ${upn}\n    displayName: ${upn}\n    renamedFrom: ${from}\n    licenses: [ENTERPRISEPACK]\n`;
  const seatsOf = async () => (await db.query<{ seats: number; consumed: number }>(`SELECT seats, consumed FROM subscriptions WHERE sku = 'ENTERPRISEPACK'`))[0];

  it.skipIf(engine.skip)('restoring and renaming a user holding a seat in the recycle bin counts that seat once', async () => {
    const users = user('c1@contoso.com', true) + user('c2@contoso.com', true);
    await applyPlan(db, await plan(users), context); // ann back to the recycle bin, her seat released
    await db.query(`INSERT INTO license_assignments (user_id, sku) SELECT id, 'ENTERPRISEPACK' FROM users WHERE user_principal_name = 'ann@contoso.com'`);
    expect(await seatsOf()).toEqual({ seats: 3, consumed: 3 });
    const restore = await plan(users + renamed('ann.smith@contoso.com', 'ann@contoso.com'));
    expect(restore.changes.map((c) => c.kind)).toEqual(expect.arrayContaining(['user.restore', 'user.rename']));
    expect(restore.purchases).toEqual([]);
    await applyPlan(db, restore, context);
    expect(await seatsOf()).toEqual({ seats: 3, consumed: 3 });
  });

  it.skipIf(engine.skip)('a user in the recycle bin past 30 days, declared again, is purged with its seat and created anew: the seat is counted once', async () => {
    const users = user('c1@contoso.com', true) + user('c2@contoso.com', true);
    await applyPlan(db, await plan(users), context); // ann.smith to the recycle bin
    await db.query(`INSERT INTO license_assignments (user_id, sku) SELECT id, 'ENTERPRISEPACK' FROM users WHERE user_principal_name = 'ann.smith@contoso.com'`);
    await db.query(`UPDATE users SET deleted_at = now() - interval '40 days' WHERE user_principal_name = 'ann.smith@contoso.com'`);
    const again = await plan(users + user('ann.smith@contoso.com', true));
    expect(again.changes.map((c) => c.kind)).toEqual(expect.arrayContaining(['user.purge', 'user.create']));
    expect(again.purchases).toEqual([]);
    await applyPlan(db, again, context);
    expect(await seatsOf()).toEqual({ seats: 3, consumed: 3 });
  });
});
