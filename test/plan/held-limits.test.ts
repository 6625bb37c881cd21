// A pull request's configuration loosening a safety limit in the same change
// that uses it: lowering settings.minGlobalAdmins while revoking an
// administrator, raising a purchase cap while buying. The plan was made
// against the loosened limit, and said nothing of the change.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { computePlan } from '../../src/plan/compute-plan.js';
import type { Settings } from '../../src/state/settings.js';
import { planFromSnapshot } from '../../src/workflow/plan-tenant.js';
import { contosoCatalog } from '../config/expectations.js';
import { admin, catalog, currentUser, desiredUser, GA, settings, state, subscription } from '../support/fixtures.js';

const NOW = new Date('2026-12-01T12:00:00.000Z');
const second = { desired: desiredUser('megan@contoso.com', { roles: [GA] }), current: currentUser('megan@contoso.com', { roles: [GA] }) };

describe('safety limits loosened by the configuration', () => {
  // Megan's Global administrator role is revoked: one is left, fewer than the 2 last applied.
  const revoking = (config: Partial<Settings>, applied: Settings | null) =>
    computePlan({
      now: NOW,
      desired: state(admin.desired, desiredUser('megan@contoso.com')),
      current: state(admin.current, second.current),
      catalog: catalog(),
      settings: settings(config),
      applied,
    });

  it('hold the lockout guard to settings.minGlobalAdmins as last applied, and say so', () => {
    const { plan, problems } = revoking({ minGlobalAdmins: 1 }, settings({ minGlobalAdmins: 2 }));
    expect(problems.map((p) => p.message)).toEqual([
      "this plan would leave 1 enabled Global administrator(s), fewer than settings.minGlobalAdmins (2 as last applied; the configuration's 1 counts once an apply has recorded it); the tenant would be locked out of administration",
    ]);
    expect(plan.warnings.filter((w) => w.code === 'SAFETY_LIMIT_LOOSENED')).toEqual([
      {
        code: 'SAFETY_LIMIT_LOOSENED',
        message: 'settings.minGlobalAdmins changes from 2 (as last applied) to 1, a looser limit: this plan is still held to 2, and the new limit counts once an apply has recorded it',
      },
    ]);
  });

  it('use the lowered minimum once an apply has recorded it, and without a recorded apply', () => {
    expect(revoking({ minGlobalAdmins: 1 }, settings({ minGlobalAdmins: 1 })).problems).toEqual([]);
    expect(revoking({ minGlobalAdmins: 1 }, null).problems).toEqual([]);
  });

  it('hold a raised settings.maxGlobalAdmins to the one last applied: a third Global administrator needs approval', () => {
    const { plan } = computePlan({
      now: NOW,
      desired: state(admin.desired, second.desired, desiredUser('eve@contoso.com', { roles: [GA] })),
      current: state(admin.current, second.current),
      catalog: catalog(),
      settings: settings({ maxGlobalAdmins: 4 }),
      applied: settings({ maxGlobalAdmins: 2 }),
    });
    expect(plan.warnings.map((w) => w.code)).toEqual(expect.arrayContaining(['SAFETY_LIMIT_LOOSENED', 'GLOBAL_ADMINS_ABOVE_MAX']));
  });

  it('hold a raised or removed settings.maxSeats cap to the one last applied', () => {
    // Three users of ENTERPRISEPACK, which has 2 seats: one to buy, above the cap of 2 last applied.
    const buying = (maxSeats: Record<string, number>) =>
      computePlan({
        now: NOW,
        desired: state(admin.desired, ...['a', 'b', 'c'].map((n) => desiredUser(`${n}@contoso.com`, { usageLocation: 'NL', licenses: [{ sku: 'ENTERPRISEPACK', disabledPlans: [] }] }))),
        current: state(admin.current),
        catalog: catalog([subscription('ENTERPRISEPACK', 2, 20)]),
        settings: settings({ maxSeats }),
        applied: settings({ maxSeats: { ENTERPRISEPACK: 2 } }),
      });
    for (const loosened of [{ ENTERPRISEPACK: 10 }, {}]) {
      const { plan, problems } = buying(loosened);
      expect(problems.map((p) => p.message)).toEqual([expect.stringContaining('above settings.maxSeats.ENTERPRISEPACK (2)')]);
      expect(plan.warnings.filter((w) => w.code === 'SAFETY_LIMIT_LOOSENED').map((w) => w.message)).toEqual([
        `settings.maxSeats.ENTERPRISEPACK changes from 2 (as last applied) to ${loosened.ENTERPRISEPACK ?? 'none'}, a looser limit: this plan is still held to 2, and the new limit counts once an apply has recorded it`,
      ]);
    }
  });

  it('say nothing of a limit made stricter', () => {
    const { plan } = revoking({ minGlobalAdmins: 1, maxMonthlyPurchaseCost: 10, maxGlobalAdmins: 3 }, settings({ minGlobalAdmins: 1 }));
    expect(plan.warnings.filter((w) => w.code === 'SAFETY_LIMIT_LOOSENED')).toEqual([]);
  });
});

describe('settings.maxMonthlyPurchaseCost raised by the configuration that buys', () => {
  const folder = mkdtempSync(path.join(tmpdir(), 'tenantctl-held-limits-'));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));
  const file = path.join(folder, 'tenant.yaml');
  const users = Array.from({ length: 3 }, (_, i) => `  - { userPrincipalName: u${i}@contoso.com, displayName: U ${i}, usageLocation: NL, licenses: [ENTERPRISEPACK] }`);
  writeFileSync(file, ['settings:', '  maxMonthlyPurchaseCost: 100000', '  adminEmail: it-desk@contoso.com', 'users:', '  - { userPrincipalName: admin@contoso.com, displayName: Admin, roles: [Global administrator] }', ...users, ''].join('\n'));
  const base = contosoCatalog();
  // No free seat of ENTERPRISEPACK: each licence buys one.
  const snapshot = (applied: Settings | null) => ({
    catalog: { ...base, subscriptions: base.subscriptions.map((s) => (s.sku === 'ENTERPRISEPACK' ? { ...s, seats: 1, consumed: 1 } : s)) },
    current: { users: new Map() },
    applied,
  });
  const plan = (applied: Settings | null) => planFromSnapshot(snapshot(applied), { configPaths: [file], env: {}, tenantctlVersion: '0.0.0-test', now: NOW });

  it('is refused at the cap last applied, located at the setting', () => {
    const result = plan(settings({ maxMonthlyPurchaseCost: 25 }));
    expect(result.plan).toBeNull();
    const refusal = result.diagnostics.find((d) => d.code === 'PLAN_REFUSED');
    expect(refusal?.message).toContain("more than settings.maxMonthlyPurchaseCost ($25.00/month), as last applied; the configuration's 100000 counts once an apply has recorded it");
    expect(refusal?.location?.line).toBe(2);
  });

  it('is planned once the raised cap is recorded', () => {
    const result = plan(settings({ maxMonthlyPurchaseCost: 100000 }));
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(result.plan?.purchases.length).toBe(1);
  });
});
