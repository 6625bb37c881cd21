import { describe, expect, it } from 'vitest';
import { planDifferences } from '../../src/plan/plan-differences.js';
import type { PlanDocument } from '../../src/plan/plan-document.js';

const grant = (upn: string, roleName: string) => ({
  kind: 'role.grant',
  userPrincipalName: upn,
  userId: null,
  roleTemplateId: `id-${roleName}`,
  roleName,
  address: `users/${upn}/roles/id-${roleName}`,
  risks: [],
});

function plan(changes: object[], purchases: object[] = []): PlanDocument {
  return {
    formatVersion: '2.0',
    planHash: 'sha256:x',
    settings: { minGlobalAdmins: 1 },
    approvals: [],
    purchases,
    changes,
  } as unknown as PlanDocument;
}

describe('planDifferences', () => {
  const a = grant('a@contoso.com', 'Billing administrator');
  const b = grant('b@contoso.com', 'Password administrator');

  it('finds nothing between a plan and its copy', () => {
    expect(planDifferences(plan([a, b]), structuredClone(plan([a, b])))).toEqual([]);
  });

  it('names a change only one side has', () => {
    expect(planDifferences(plan([a, b]), plan([a]))).toEqual(['the saved plan grants Password administrator to b@contoso.com, the configuration does not']);
    expect(planDifferences(plan([a]), plan([a, b]))).toEqual(['the configuration grants Password administrator to b@contoso.com, the saved plan does not']);
  });

  it('names the fields of a change that differ', () => {
    expect(planDifferences(plan([a]), plan([{ ...a, address: 'users/x' }]))).toEqual([
      'the saved plan grants Billing administrator to a@contoso.com with different address than the configuration',
    ]);
  });

  it('tells the same changes listed in another order', () => {
    expect(planDifferences(plan([b, a]), plan([a, b]))).toEqual(['the saved plan lists its changes in a different order']);
  });

  const purchase = (sku: string, quantity = 1) => ({ sku, quantity, unitPrice: 1, currency: 'USD', monthlyCost: quantity });

  it('names a purchase that differs, and a purchase listed twice', () => {
    expect(planDifferences(plan([], [purchase('A', 2)]), plan([], [purchase('A', 1)]))).toEqual([
      'the saved plan buys 2 seats of A at 1 USD each (2 USD/month), the configuration buys 1 seats of A at 1 USD each (1 USD/month)',
    ]);
    expect(planDifferences(plan([], [purchase('A'), purchase('A', 9)]), plan([], [purchase('A')]))).toEqual([
      'the saved plan lists its purchases in a different order, or one of them twice',
    ]);
  });

  // Apply compares a saved plan while it holds the tenant lock: a crafted file must cost work linear in its size.
  // Grouping by copying each group for every change took 32 s for 60,000 repeats and 353 s for 160,000; the
  // timeout bounds the work, the result is asserted exactly.
  it('one change repeated 100,000 times: one difference per repeat, in linear work', () => {
    const repeated = plan([a, ...Array.from({ length: 100_000 }, () => b)]);
    const differences = planDifferences(repeated, plan([a, b]));
    expect(differences).toHaveLength(99_999);
    expect(new Set(differences)).toEqual(new Set(['the saved plan grants Password administrator to b@contoso.com, the configuration does not']));
  }, 30_000);

  it('200,000 purchases of distinct skus: each named once, in linear work', () => {
    const purchases = Array.from({ length: 200_000 }, (_, i) => purchase(`SKU_${i}`));
    const differences = planDifferences(plan([], purchases), plan([], []));
    expect(differences).toHaveLength(200_000);
    expect(differences[0]).toBe('the saved plan buys 1 seats of SKU_0 at 1 USD each (1 USD/month), the configuration buys no seats of SKU_0');
  }, 30_000);
});

describe('planDifferences of the settings a plan records', () => {
  const records = (after: number) => [{ setting: 'minGlobalAdmins', before: 2, after }];
  const recording = (list: object[] | undefined) => ({ ...plan([]), ...(list ? { settingsToRecord: list } : {}) }) as PlanDocument;

  it('names them, before and after, rather than as an unknown field', () => {
    expect(planDifferences(recording(records(1)), recording(records(0)))).toEqual(['the saved plan records settings.minGlobalAdmins 2 → 1, the recomputed plan settings.minGlobalAdmins 2 → 0']);
    expect(planDifferences(recording(records(1)), recording(undefined))).toEqual(['the saved plan records settings.minGlobalAdmins 2 → 1, the recomputed plan no settings']);
    expect(planDifferences(recording(records(1)), recording(records(1)))).toEqual([]);
  });

  it('shows a line break or escape in a forged setting name escaped', () => {
    const [message] = planDifferences(recording([{ setting: 'x\n\u001b[2Jy', before: 1, after: 2 }]), recording(undefined));
    expect(message).not.toMatch(/[\n\u001b]/);
  });
});
