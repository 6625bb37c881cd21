import { describe, expect, it } from 'vitest';
import type { ChangeKind } from '../../src/plan/change.js';
import { computePlan } from '../../src/plan/compute-plan.js';
import type { Settings } from '../../src/state/settings.js';
import { admin, catalog, currentUser, desiredUser, EXCHANGE_ADMIN, GA, settings, state, subscription } from '../support/fixtures.js';

export const NOW = new Date('2026-12-01T12:00:00.000Z');

const kinds = (result: ReturnType<typeof computePlan>) => result.plan.changes.map(({ change }) => `${change.kind} ${change.userPrincipalName}`);

describe('computePlan: one kind of change at a time', () => {
  const cases: { name: string; desired: ReturnType<typeof state>; current: ReturnType<typeof state>; expected: string[] }[] = [
    {
      name: 'nothing to do',
      desired: state(admin.desired),
      current: state(admin.current),
      expected: [],
    },
    {
      name: 'create with role and license',
      desired: state(admin.desired, desiredUser('new@contoso.com', { roles: [EXCHANGE_ADMIN], licenses: [{ sku: 'STANDARDPACK', disabledPlans: [] }] })),
      current: state(admin.current),
      expected: ['user.create new@contoso.com', 'license.assign new@contoso.com', 'role.grant new@contoso.com'],
    },
    {
      name: 'update attributes',
      desired: state(admin.desired, desiredUser('a@contoso.com', { attributes: { jobTitle: 'Lead' } })),
      current: state(admin.current, currentUser('a@contoso.com')),
      expected: ['user.update a@contoso.com'],
    },
    {
      name: 'delete a managed user no longer declared',
      desired: state(admin.desired),
      current: state(admin.current, currentUser('gone@contoso.com')),
      expected: ['user.delete gone@contoso.com'],
    },
    {
      name: 'an unmanaged user is never deleted',
      desired: state(admin.desired),
      current: state(admin.current, currentUser('legacy@contoso.com', {}, { managed: false })),
      expected: [],
    },
    {
      name: 'a soft-deleted user declared again is restored, not created',
      desired: state(admin.desired, desiredUser('back@contoso.com')),
      current: state(admin.current, currentUser('back@contoso.com', {}, { deletedAt: '2026-11-02T00:00:00.000Z' })),
      expected: ['user.restore back@contoso.com'],
    },
    {
      name: 'a user deleted more than 30 days ago is gone for good: declared again, it is purged and created anew',
      desired: state(admin.desired, desiredUser('back@contoso.com')),
      current: state(admin.current, currentUser('back@contoso.com', {}, { deletedAt: '2026-10-31T12:00:00.000Z' })),
      expected: ['user.purge back@contoso.com', 'user.create back@contoso.com'],
    },
    {
      name: 'an existing unmanaged user that is declared is adopted',
      desired: state(admin.desired, desiredUser('legacy@contoso.com')),
      current: state(admin.current, currentUser('legacy@contoso.com', {}, { managed: false })),
      expected: ['user.adopt legacy@contoso.com'],
    },
    {
      name: 'block and unblock are changes of their own',
      desired: state(admin.desired, desiredUser('b@contoso.com', { accountEnabled: false }), desiredUser('u@contoso.com')),
      current: state(admin.current, currentUser('b@contoso.com'), currentUser('u@contoso.com', { accountEnabled: false })),
      expected: ['user.block b@contoso.com', 'user.unblock u@contoso.com'],
    },
    {
      name: 'roles granted and revoked',
      desired: state(admin.desired, desiredUser('r@contoso.com', { roles: [GA] })),
      current: state(admin.current, currentUser('r@contoso.com', { roles: [EXCHANGE_ADMIN] })),
      expected: ['role.revoke r@contoso.com', 'role.grant r@contoso.com'],
    },
    {
      name: 'licenses assigned, removed and plans switched off',
      desired: state(
        admin.desired,
        desiredUser('l@contoso.com', { licenses: [{ sku: 'ENTERPRISEPACK', disabledPlans: ['SWAY'] }] }),
        desiredUser('m@contoso.com', { licenses: [{ sku: 'STANDARDPACK', disabledPlans: [] }] }),
      ),
      current: state(
        admin.current,
        currentUser('l@contoso.com', { licenses: [{ sku: 'ENTERPRISEPACK', disabledPlans: [] }] }),
        currentUser('m@contoso.com', { licenses: [{ sku: 'ENTERPRISEPACK', disabledPlans: [] }] }),
      ),
      expected: ['license.update l@contoso.com', 'license.remove m@contoso.com', 'license.assign m@contoso.com'],
    },
    {
      name: 'a changed reset token resets the password; the same one does not',
      desired: state(
        admin.desired,
        desiredUser('p@contoso.com', { password: { source: { kind: 'generate' }, forceChangePasswordNextSignIn: true, resetToken: '2026-11-25' } }),
        desiredUser('q@contoso.com', { password: { source: { kind: 'generate' }, forceChangePasswordNextSignIn: true, resetToken: 'once' } }),
      ),
      current: state(admin.current, currentUser('p@contoso.com'), currentUser('q@contoso.com', {}, { passwordResetToken: 'once' })),
      expected: ['user.password-reset p@contoso.com'],
    },
  ];

  it.each(cases)('$name', ({ desired, current, expected }) => {
    const result = computePlan({ now: NOW, desired, current, catalog: catalog(), settings: settings() });
    expect(result.problems).toEqual([]);
    expect(kinds(result)).toEqual(expected);
  });
});

describe('computePlan: combinations', () => {
  it('counts seats freed by a deletion before buying: delete + purchase in one plan', () => {
    const e3 = { sku: 'ENTERPRISEPACK', disabledPlans: [] };
    const result = computePlan({ now: NOW,
      desired: state(admin.desired, desiredUser('a@contoso.com', { licenses: [e3] }), desiredUser('b@contoso.com', { licenses: [e3] }), desiredUser('c@contoso.com', { licenses: [e3] })),
      current: state(admin.current, currentUser('a@contoso.com', { licenses: [e3] }), currentUser('old@contoso.com', { licenses: [e3] })),
      catalog: catalog([subscription('ENTERPRISEPACK', 2, 20)]),
      settings: settings({ maxDeletionPercent: 50 }),
    });
    // 2 held now (a, old); after: a, b, c = 3; old's seat is freed first, so one seat is bought.
    expect(result.plan.purchases).toEqual([
      { sku: 'ENTERPRISEPACK', productName: 'Product ENTERPRISEPACK', quantity: 1, unitPrice: 20, currency: 'USD', monthlyCost: 20, spare: 0, reclaimable: [] },
    ]);
    expect(result.plan.monthlyCostIncrease).toBe(20);
    expect(result.plan.approvals).toEqual(['purchase']);
    expect(kinds(result)).toContain('user.delete old@contoso.com');
    const assigns = result.plan.changes.filter(({ change }) => change.kind === 'license.assign');
    expect(assigns.every(({ risks }) => risks.includes('purchase'))).toBe(true);
  });

  it('restores a deleted user with new licenses', () => {
    const result = computePlan({ now: NOW,
      desired: state(admin.desired, desiredUser('back@contoso.com', { licenses: [{ sku: 'STANDARDPACK', disabledPlans: [] }] })),
      current: state(admin.current, currentUser('back@contoso.com', {}, { deletedAt: '2026-11-02T00:00:00.000Z' })),
      catalog: catalog(),
      settings: settings(),
    });
    expect(kinds(result)).toEqual(['user.restore back@contoso.com', 'license.assign back@contoso.com']);
    // A restore is a restore, not a creation.
    expect(result.plan.summary).toMatchObject({ create: 0, restore: 1, update: 0, delete: 0 });
    expect(result.plan.changes[0]?.change).toMatchObject({ deletedAt: '2026-11-02T00:00:00.000Z', restorableUntil: '2026-12-02T00:00:00.000Z' });
  });

  it('adopts a user and changes its roles, marking the Global administrator grant privileged', () => {
    const result = computePlan({ now: NOW,
      desired: state(admin.desired, desiredUser('legacy@contoso.com', { roles: [GA] })),
      current: state(admin.current, currentUser('legacy@contoso.com', { roles: [EXCHANGE_ADMIN] }, { managed: false })),
      catalog: catalog(),
      settings: settings(),
    });
    expect(kinds(result)).toEqual(['user.adopt legacy@contoso.com', 'role.revoke legacy@contoso.com', 'role.grant legacy@contoso.com']);
    const grant = result.plan.changes.find(({ change }) => change.kind === 'role.grant');
    expect(grant?.risks).toEqual(['privileged']);
    const revoke = result.plan.changes.find(({ change }) => change.kind === 'role.revoke');
    expect(revoke?.risks).toEqual([]);
    expect(result.plan.approvals).toEqual(['privileged']);
  });

  describe('privileged changes need their own approval', () => {
    const risks = (result: ReturnType<typeof computePlan>) =>
      Object.fromEntries(result.plan.changes.map(({ change, risks: r }) => [`${change.kind} ${change.userPrincipalName}`, r]));
    const plan = (desired: ReturnType<typeof state>, current: ReturnType<typeof state>) =>
      computePlan({ desired, current, catalog: catalog(), settings: settings({ maxDeletions: 100, maxDeletionPercent: 100 }), now: NOW });

    it('granting any admin role, not only Global administrator', () => {
      const result = plan(state(admin.desired, desiredUser('ex@contoso.com', { roles: [EXCHANGE_ADMIN] })), state(admin.current));
      expect(risks(result)['role.grant ex@contoso.com']).toEqual(['privileged']);
      expect(result.plan.approvals).toEqual(['privileged']);
    });

    it('deleting or blocking a user who holds an admin role; the same without a role is not privileged', () => {
      const result = plan(
        state(admin.desired, desiredUser('blocked.admin@contoso.com', { accountEnabled: false, roles: [EXCHANGE_ADMIN] }), desiredUser('blocked@contoso.com', { accountEnabled: false })),
        state(
          admin.current,
          currentUser('gone.admin@contoso.com', { roles: [EXCHANGE_ADMIN] }),
          currentUser('gone@contoso.com'),
          currentUser('blocked.admin@contoso.com', { roles: [EXCHANGE_ADMIN] }),
          currentUser('blocked@contoso.com'),
        ),
      );
      expect(risks(result)).toEqual({
        'user.delete gone.admin@contoso.com': ['deletion', 'privileged'],
        'user.delete gone@contoso.com': ['deletion'],
        'user.block blocked.admin@contoso.com': ['sign-in-blocked', 'deletion', 'privileged'],
        'user.block blocked@contoso.com': ['sign-in-blocked', 'deletion'],
      });
      expect(result.plan.approvals).toEqual(['privileged']);
    });

    it('restoring a deleted user who still holds an admin role (deleted outside tenantctl, which releases them); one without is not (helper-119)', () => {
      const deleted = { deletedAt: '2026-11-25T00:00:00.000Z' };
      const result = plan(
        state(admin.desired, desiredUser('ghost@contoso.com', { roles: [GA] }), desiredUser('plain@contoso.com')),
        state(admin.current, currentUser('ghost@contoso.com', { roles: [GA] }, deleted), currentUser('plain@contoso.com', {}, deleted)),
      );
      expect(risks(result)).toEqual({ 'user.restore ghost@contoso.com': ['privileged'], 'user.restore plain@contoso.com': [] });
      expect(result.plan.approvals).toEqual(['privileged']);
    });

    it('resetting the password of a user who holds an admin role (it goes where the configuration says); of another user it is not', () => {
      const reset = { password: { source: { kind: 'generate' as const }, forceChangePasswordNextSignIn: true, resetToken: '2026-12-01' } };
      const result = plan(
        state(admin.desired, desiredUser('ex@contoso.com', { roles: [EXCHANGE_ADMIN], ...reset }), desiredUser('plain@contoso.com', reset)),
        state(admin.current, currentUser('ex@contoso.com', { roles: [EXCHANGE_ADMIN] }), currentUser('plain@contoso.com')),
      );
      expect(risks(result)).toEqual({ 'user.password-reset ex@contoso.com': ['privileged'], 'user.password-reset plain@contoso.com': [] });
      expect(result.plan.approvals).toEqual(['privileged']);
    });

    it('making the passwords of a user who holds an admin role never expire; turning expiry back on, or either for another user, is not', () => {
      const never = { attributes: { passwordPolicies: 'DisablePasswordExpiration' as const } };
      const result = plan(
        state(
          admin.desired,
          desiredUser('ex@contoso.com', { roles: [EXCHANGE_ADMIN], ...never }),
          desiredUser('back@contoso.com', { roles: [EXCHANGE_ADMIN] }),
          desiredUser('plain@contoso.com', never),
        ),
        state(
          admin.current,
          currentUser('ex@contoso.com', { roles: [EXCHANGE_ADMIN] }),
          currentUser('back@contoso.com', { roles: [EXCHANGE_ADMIN], ...never }),
          currentUser('plain@contoso.com'),
        ),
      );
      expect(risks(result)).toEqual({ 'user.update back@contoso.com': [], 'user.update ex@contoso.com': ['privileged'], 'user.update plain@contoso.com': [] });
      expect(result.plan.approvals).toEqual(['privileged']);
    });

    it('revoking Global administrator is privileged, revoking another role is not', () => {
      const result = plan(
        state(admin.desired, desiredUser('second@contoso.com'), desiredUser('third@contoso.com')),
        state(admin.current, currentUser('second@contoso.com', { roles: [GA] }), currentUser('third@contoso.com', { roles: [EXCHANGE_ADMIN] })),
      );
      expect(risks(result)).toEqual({ 'role.revoke second@contoso.com': ['privileged'], 'role.revoke third@contoso.com': [] });
      expect(result.plan.approvals).toEqual(['privileged']);
    });

    it('a plan without any of these needs no privileged approval', () => {
      const result = plan(state(admin.desired, desiredUser('a@contoso.com', { attributes: { jobTitle: 'Lead' } })), state(admin.current, currentUser('a@contoso.com')));
      expect(result.plan.approvals).toEqual([]);
    });
  });

  it('lists unmanaged users and leaves them alone', () => {
    const result = computePlan({ now: NOW,
      desired: state(admin.desired),
      current: state(admin.current, currentUser('zed@contoso.com', {}, { managed: false }), currentUser('amy@contoso.com', {}, { managed: false })),
      catalog: catalog(),
      settings: settings(),
    });
    expect(result.plan.changes).toEqual([]);
    expect(result.plan.unmanagedUsers).toEqual(['amy@contoso.com', 'zed@contoso.com']);
  });
});

describe('computePlan: safety', () => {
  it('refuses a plan that leaves fewer enabled Global administrators than the minimum, counting blocks', () => {
    const result = computePlan({ now: NOW,
      desired: state(desiredUser('admin@contoso.com', { roles: [GA], accountEnabled: false })),
      current: state(admin.current),
      catalog: catalog(),
      settings: settings(),
    });
    expect(result.problems).toEqual([
      {
        message: expect.stringMatching(/leave 0 enabled Global administrator/),
        concerns: { kind: 'setting', path: ['minGlobalAdmins'] },
      },
    ]);
  });

  it('counts an unmanaged enabled Global administrator towards the minimum', () => {
    const result = computePlan({ now: NOW,
      desired: state(desiredUser('admin@contoso.com', { roles: [GA] })),
      current: state(admin.current, currentUser('other@contoso.com', { roles: [GA] }, { managed: false })),
      catalog: catalog(),
      settings: settings({ minGlobalAdmins: 2 }),
    });
    expect(result.problems).toEqual([]);
  });

  it('refuses seats a subscription cannot buy, and seats above the cap', () => {
    const e3 = { sku: 'ENTERPRISEPACK', disabledPlans: [] };
    const e1 = { sku: 'STANDARDPACK', disabledPlans: [] };
    const result = computePlan({ now: NOW,
      desired: state(admin.desired, desiredUser('a@contoso.com', { licenses: [e3, e1] }), desiredUser('b@contoso.com', { licenses: [e1] })),
      current: state(admin.current),
      catalog: catalog([{ ...subscription('ENTERPRISEPACK', 0, 20), purchasable: false }, subscription('STANDARDPACK', 1, 8)]),
      settings: settings({ maxSeats: { STANDARDPACK: 1 } }),
    });
    // The seat that cannot be bought is about the first license that needs it; the cap, about the setting.
    expect(result.problems).toEqual([
      {
        message: expect.stringMatching(/ENTERPRISEPACK .*not purchasable/),
        concerns: { kind: 'license', userPrincipalName: 'a@contoso.com', sku: 'ENTERPRISEPACK' },
      },
      {
        message: expect.stringMatching(/settings\.maxSeats\.STANDARDPACK \(1\)/),
        concerns: { kind: 'setting', path: ['maxSeats', 'STANDARDPACK'] },
      },
    ]);
  });

  // DOMAIN.md: a blocked user keeps holding its seats, so that is where seats can be found instead of bought.
  it('a refusal for seats names the blocked users who hold one, as a purchase does', () => {
    const e1 = { sku: 'STANDARDPACK', disabledPlans: [] };
    const blocked = (upn: string) => desiredUser(upn, { accountEnabled: false, licenses: [e1] });
    const holders = ['d@contoso.com', 'b@contoso.com', 'c@contoso.com', 'e@contoso.com'];
    const result = computePlan({ now: NOW,
      desired: state(admin.desired, desiredUser('a@contoso.com', { licenses: [e1] }), ...holders.map(blocked)),
      current: state(admin.current, ...holders.map((upn) => currentUser(upn, { accountEnabled: false, licenses: [e1] }))),
      catalog: catalog([subscription('STANDARDPACK', 4, 8)]),
      settings: settings({ maxSeats: { STANDARDPACK: 4 } }),
    });
    expect(result.problems.map((p) => p.message)).toEqual([
      'STANDARDPACK would need 5 seats, above settings.maxSeats.STANDARDPACK (4); raise the cap or assign fewer licenses, or reclaim seats: ' +
        'b@contoso.com, c@contoso.com, d@contoso.com and 1 more, blocked users, hold one each (remove the licence from the configuration to free it)',
    ]);
    const one = computePlan({ now: NOW,
      desired: state(admin.desired, desiredUser('a@contoso.com', { licenses: [e1] }), blocked('b@contoso.com')),
      current: state(admin.current, currentUser('b@contoso.com', { accountEnabled: false, licenses: [e1] })),
      catalog: catalog([{ ...subscription('STANDARDPACK', 1, 8), purchasable: false }]),
      settings: settings(),
    });
    expect(one.problems.map((p) => p.message)).toEqual([
      'STANDARDPACK needs 1 more seat(s) (2 assigned, 1 purchased) but the catalog marks it as not purchasable (Entra would refuse the assignment: CountViolation); free seats or remove licenses, or reclaim seats: ' +
        'b@contoso.com, a blocked user, holds one (remove the licence from the configuration to free it)',
    ]);
  });

  // The seats column is a PostgreSQL integer: a plan that buys past it could never be applied.
  it('refuses spare seats that would take a subscription past the seats one can hold', () => {
    const e1 = { sku: 'STANDARDPACK', disabledPlans: [] };
    const result = computePlan({ now: NOW,
      desired: state(admin.desired, desiredUser('a@contoso.com', { licenses: [e1] })),
      current: state(admin.current),
      catalog: catalog([subscription('STANDARDPACK', 10, 8)]),
      settings: settings({ spareSeats: { STANDARDPACK: 2_147_483_647 } }),
    });
    expect(result.plan.purchases).toEqual([]);
    expect(result.problems).toEqual([
      {
        message: 'STANDARDPACK would need 2147483648 seats, more than one subscription holds (2147483647); lower settings.spareSeats.STANDARDPACK or assign fewer licenses',
        concerns: { kind: 'setting', path: ['spareSeats', 'STANDARDPACK'] },
      },
    ]);
  });

  it('a subscription short of seats it cannot buy, with no license the plan assigns of it, is about the subscription', () => {
    const e3 = { sku: 'ENTERPRISEPACK', disabledPlans: [] };
    const result = computePlan({ now: NOW,
      desired: state(admin.desired, desiredUser('a@contoso.com', { licenses: [e3] })),
      current: state(admin.current, currentUser('a@contoso.com', { licenses: [e3] })),
      catalog: catalog([{ ...subscription('ENTERPRISEPACK', 0, 20), purchasable: false }]),
      settings: settings(),
    });
    expect(result.problems).toEqual([
      {
        message: 'ENTERPRISEPACK needs 1 more seat(s) (1 assigned, 0 purchased) but the catalog marks it as not purchasable (Entra would refuse the assignment: CountViolation); free seats or remove licenses',
        concerns: { kind: 'subscription', sku: 'ENTERPRISEPACK' },
      },
    ]);
  });

  it('needs the deletions approval above the threshold, and only warns', () => {
    const managed = Array.from({ length: 4 }, (_, i) => currentUser(`u${i}@contoso.com`));
    const result = computePlan({ now: NOW,
      desired: state(admin.desired, desiredUser('u0@contoso.com'), desiredUser('u1@contoso.com')),
      current: state(admin.current, ...managed),
      catalog: catalog(),
      settings: settings(),
    });
    // 2 of 5 managed users (40 %) is above the default 25 %.
    expect(result.problems).toEqual([]);
    expect(result.plan.approvals).toEqual(['deletions']);
    expect(result.plan.warnings[0]?.code).toBe('DELETION_THRESHOLD');
  });

  describe('deletion limits raised by the configuration', () => {
    // 2 of 5 managed users (40 %): within a raised 50 %, above the 25 % last applied. The deletions' warnings
    // only: the one Global administrator's reminder (GLOBAL_ADMINS_ONE) is not what these are about.
    const deleting = (config: Partial<Settings>, applied: Settings | null) => {
      const { plan } = computePlan({
        now: NOW,
        desired: state(admin.desired, desiredUser('u0@contoso.com'), desiredUser('u1@contoso.com')),
        current: state(admin.current, ...Array.from({ length: 4 }, (_, i) => currentUser(`u${i}@contoso.com`))),
        catalog: catalog(),
        settings: settings(config),
        applied,
      });
      return { ...plan, warnings: plan.warnings.filter((w) => w.code.startsWith('DELETION_')) };
    };

    it('hold the plan to the limits last applied, and say so', () => {
      const plan = deleting({ maxDeletions: 1000, maxDeletionPercent: 50 }, settings({ maxDeletions: 10, maxDeletionPercent: 25 }));
      expect(plan.approvals).toEqual(['deletions']);
      expect(plan.warnings).toEqual([
        {
          code: 'DELETION_THRESHOLD',
          message: "2 of 5 managed users (40%) would be deleted, more than settings.maxDeletionPercent (25% as last applied; the configuration's 50% counts once an apply has recorded it); apply needs --approve-deletions",
        },
        {
          code: 'DELETION_LIMIT_RAISED',
          message: 'settings.maxDeletions rises from 10 (as last applied) to 1000: this plan is still held to 10, and the new limit counts once an apply has recorded it',
        },
        {
          code: 'DELETION_LIMIT_RAISED',
          message: 'settings.maxDeletionPercent rises from 25 (as last applied) to 50: this plan is still held to 25, and the new limit counts once an apply has recorded it',
        },
      ]);
    });

    it('use the limits once applied, or when no apply recorded any', () => {
      expect(deleting({ maxDeletionPercent: 50 }, settings({ maxDeletionPercent: 50 })).approvals).toEqual([]);
      expect(deleting({ maxDeletionPercent: 50 }, null).approvals).toEqual([]);
      expect(deleting({ maxDeletionPercent: 50 }, null).warnings).toEqual([]);
    });

    it('use the configuration where it is the stricter', () => {
      const plan = deleting({ maxDeletionPercent: 25 }, settings({ maxDeletionPercent: 50 }));
      expect(plan.approvals).toEqual(['deletions']);
      expect(plan.warnings.map((w) => w.code)).toEqual(['DELETION_THRESHOLD']);
      expect(plan.warnings[0]?.message).toContain('settings.maxDeletionPercent (25%)');
    });
  });

  it('refuses to create a user whose password nobody would receive', () => {
    const result = computePlan({ now: NOW,
      desired: state(admin.desired, desiredUser('quiet@contoso.com', { notify: [] })),
      current: state(admin.current),
      catalog: catalog(),
      settings: settings({ adminEmail: null }),
    });
    expect(result.problems).toEqual([
      {
        message: 'nobody would receive the temporary password of quiet@contoso.com: set notify on the user or settings.adminEmail',
        concerns: { kind: 'user', userPrincipalName: 'quiet@contoso.com' },
      },
    ]);
  });
});

describe('computePlan: determinism', () => {
  it('gives the same plan, byte for byte, whatever the input order', () => {
    const users = ['d', 'b', 'a', 'c'].map((n) => desiredUser(`${n}@contoso.com`, { roles: [GA, EXCHANGE_ADMIN], licenses: [{ sku: 'STANDARDPACK', disabledPlans: [] }] }));
    const existing = ['x', 'e', 'y'].map((n) => currentUser(`${n}@contoso.com`));
    const one = computePlan({ now: NOW, desired: state(...users), current: state(...existing), catalog: catalog(), settings: settings() });
    const two = computePlan({ now: NOW, desired: state(...[...users].reverse()), current: state(...[...existing].reverse()), catalog: catalog(), settings: settings() });
    expect(JSON.stringify(two)).toBe(JSON.stringify(one));
    const order: ChangeKind[] = one.plan.changes.filter(({ change }) => change.userPrincipalName === 'a@contoso.com').map(({ change }) => change.kind);
    expect(order).toEqual(['user.create', 'license.assign', 'role.grant', 'role.grant']);
  });
});
