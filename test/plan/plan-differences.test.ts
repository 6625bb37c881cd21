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

function plan(changes: object[]): PlanDocument {
  return {
    formatVersion: '2.0',
    planHash: 'sha256:x',
    settings: { minGlobalAdmins: 1 },
    approvals: [],
    purchases: [],
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
});
