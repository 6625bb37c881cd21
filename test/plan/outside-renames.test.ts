import { describe, expect, it } from 'vitest';
import { computePlan } from '../../src/plan/compute-plan.js';
import { computeDrift } from '../../src/drift/drift.js';
import type { OutsideRename, TenantState, User } from '../../src/state/tenant-state.js';
import { admin, catalog, currentUser, desiredUser, GA, settings, state } from '../support/fixtures.js';

const NOW = new Date('2026-12-01T12:00:00.000Z');
const E3 = { sku: 'ENTERPRISEPACK', disabledPlans: [] };
const joep = { displayName: 'Joep Jansen', mailNickname: 'joep.jansen' };

/** The directory with the renames the database recorded outside tenantctl, by account. */
function withRenames(users: User[], renames: [User, Omit<OutsideRename, 'databaseRole'>][]): TenantState {
  const byId = new Map<string, OutsideRename[]>();
  for (const [user, rename] of renames) byId.set(user.directory!.id, [...(byId.get(user.directory!.id) ?? []), { ...rename, databaseRole: 'hr_sync' }]);
  return { ...state(...users), outsideRenames: byId };
}

const plan = (desired: TenantState, current: TenantState) => computePlan({ desired, current, catalog: catalog(), settings: settings(), now: NOW });
const renamedWarnings = (result: ReturnType<typeof plan>) => result.plan.warnings.filter((w) => w.code === 'RENAMED_OUTSIDE');

describe('an account renamed outside tenantctl while the configuration declares its old UPN', () => {
  const declared = desiredUser('joep.jansen@contoso.com', { roles: [GA], licenses: [E3], attributes: joep });
  const account = currentUser('joep.devries@contoso.com', { roles: [GA], licenses: [E3], attributes: joep });
  const rename = { from: 'joep.jansen@contoso.com', to: 'joep.devries@contoso.com', at: '2026-11-30T08:15:00.000Z' };

  it('is still planned as a creation and a deletion, and the plan says what that costs and how to keep the account', () => {
    const result = plan(state(admin.desired, declared), withRenames([admin.current, account], [[account, rename]]));
    expect(result.plan.changes.map(({ change }) => `${change.kind} ${change.userPrincipalName}`)).toEqual([
      'user.delete joep.devries@contoso.com',
      'user.create joep.jansen@contoso.com',
      'license.assign joep.jansen@contoso.com',
      'role.grant joep.jansen@contoso.com',
    ]);
    expect(renamedWarnings(result)).toEqual([
      {
        code: 'RENAMED_OUTSIDE',
        message:
          'an account was renamed outside tenantctl while the configuration still declares the old UPN, so this plan creates a new account under the old UPN and deletes the renamed one tenantctl manages: ' +
          'joep.jansen@contoso.com, now joep.devries@contoso.com (renamed 2026-11-30 by database role hr_sync). ' +
          'A new account has a new object id, an empty mailbox and a new password. To keep the account, declare it under its new UPN, or rename it back: ' +
          'renamedFrom: joep.devries@contoso.com under joep.jansen@contoso.com',
      },
    ]);
  });

  it('follows the advice: renamedFrom renames it back, and nothing is left to warn of', () => {
    const back = desiredUser('joep.jansen@contoso.com', { roles: [GA], licenses: [E3], attributes: joep, renamedFrom: 'joep.devries@contoso.com' });
    const result = plan(state(admin.desired, back), withRenames([admin.current, account], [[account, rename]]));
    expect(result.plan.changes.map(({ change }) => change.kind)).toEqual(['user.rename']);
    expect(renamedWarnings(result)).toEqual([]);
    const accepted = desiredUser('joep.devries@contoso.com', { roles: [GA], licenses: [E3], attributes: joep });
    expect(renamedWarnings(plan(state(admin.desired, accepted), withRenames([admin.current, account], [[account, rename]])))).toEqual([]);
  });

  it('does not say the plan deletes an account tenantctl does not manage', () => {
    const unmanaged = currentUser('joep.devries@contoso.com', { attributes: joep }, { managed: false });
    const [warning] = renamedWarnings(plan(state(admin.desired, declared), withRenames([admin.current, unmanaged], [[unmanaged, rename]])));
    expect(warning?.message).toMatch(/creates a new account under the old UPN: joep\.jansen/);
    expect(warning?.message).not.toMatch(/deletes/);
  });

  it('finds the old UPN through a chain of renames, in any case', () => {
    const twice = currentUser('joep.vandam@contoso.com', { roles: [GA], licenses: [E3], attributes: joep });
    const chain = withRenames([admin.current, twice], [
      [twice, { from: 'Joep.Jansen@contoso.com', to: 'joep.devries@contoso.com', at: '2026-11-01T00:00:00.000Z' }],
      [twice, { from: 'joep.devries@contoso.com', to: 'joep.vandam@contoso.com', at: '2026-11-20T00:00:00.000Z' }],
    ]);
    expect(renamedWarnings(plan(state(admin.desired, declared), chain))[0]?.message).toMatch(
      /joep\.jansen@contoso\.com, now joep\.vandam@contoso\.com \(renamed 2026-11-01 by database role hr_sync\)/,
    );
  });

  it('raises nothing when the old UPN is held again, the account is deleted, or the rename only changed case', () => {
    const newcomer = currentUser('joep.jansen@contoso.com', { roles: [GA], licenses: [E3], attributes: joep });
    expect(renamedWarnings(plan(state(admin.desired, declared), withRenames([admin.current, account, newcomer], [[account, rename]])))).toEqual([]);
    const deleted = currentUser('joep.devries@contoso.com', { attributes: joep }, { deletedAt: '2026-11-30T09:00:00.000Z' });
    expect(renamedWarnings(plan(state(admin.desired, declared), withRenames([admin.current, deleted], [[deleted, rename]])))).toEqual([]);
    const cased = currentUser('JOEP.JANSEN@contoso.com', { roles: [GA], licenses: [E3], attributes: joep });
    const caseOnly = { from: 'joep.jansen@contoso.com', to: 'JOEP.JANSEN@contoso.com', at: rename.at };
    expect(renamedWarnings(plan(state(admin.desired, declared), withRenames([admin.current, cased], [[cased, caseOnly]])))).toEqual([]);
  });

  it('is one drift finding, critical for an administrator, in place of a missing user and an undeclared one', () => {
    const report = computeDrift({ desired: state(admin.desired, declared), current: withRenames([admin.current, account], [[account, rename]]), catalog: catalog(), now: NOW });
    const users = report.findings.filter((f) => 'userPrincipalName' in f);
    expect(users).toEqual([
      expect.objectContaining({
        kind: 'user.renamed',
        severity: 'critical',
        userPrincipalName: 'joep.devries@contoso.com',
        userId: account.directory!.id,
        declaredAs: 'joep.jansen@contoso.com',
        managed: true,
        renamedAt: rename.at,
        renamedBy: 'hr_sync',
        privileged: true,
      }),
    ]);
    const without = computeDrift({ desired: state(admin.desired, declared), current: state(admin.current, account), catalog: catalog(), now: NOW });
    expect(without.findings.filter((f) => 'userPrincipalName' in f).map((f) => f.kind)).toEqual(['user.missing', 'user.restored']);
  });
});
