import { describe, expect, it } from 'vitest';
import { computePlan } from '../../src/plan/compute-plan.js';
import { changeAddress } from '../../src/plan/change-address.js';
import { admin, catalog, currentUser, desiredUser, GA, settings, state, subscription } from '../support/fixtures.js';

const NOW = new Date('2026-12-01T12:00:00.000Z');
const E3 = { sku: 'ENTERPRISEPACK', disabledPlans: [] };
const kinds = (result: ReturnType<typeof computePlan>) => result.plan.changes.map(({ change }) => `${change.kind} ${change.userPrincipalName}`);

describe('computePlan: renames keep the account', () => {
  const joep = { displayName: 'Joep Jansen' };
  const renamed = desiredUser('joep.jansen@contoso.com', { roles: [GA], licenses: [E3], renamedFrom: 'joep.devries@contoso.com', attributes: joep });
  const old = currentUser('joep.devries@contoso.com', { roles: [GA], licenses: [E3], attributes: joep });

  it('plans one rename change (old → new) with the same id, not a deletion and a creation', () => {
    const result = computePlan({ desired: state(admin.desired, renamed), current: state(admin.current, old), catalog: catalog(), settings: settings(), now: NOW });
    expect(result.problems).toEqual([]);
    expect(kinds(result)).toEqual(['user.rename joep.jansen@contoso.com', 'user.update joep.jansen@contoso.com']);
    const rename = result.plan.changes[0]?.change;
    expect(rename).toEqual({
      kind: 'user.rename',
      userPrincipalName: 'joep.jansen@contoso.com',
      fromUserPrincipalName: 'joep.devries@contoso.com',
      userId: old.directory?.id,
    });
    // Only the mail nickname follows the new name; roles and licences are kept, nothing is deleted.
    expect(result.plan.changes[1]?.change).toMatchObject({ attributes: [{ attribute: 'mailNickname', from: 'joep.devries', to: 'joep.jansen' }] });
    expect(result.plan.summary).toMatchObject({ create: 0, rename: 1, update: 0, delete: 0 });
    // Joep is a Global administrator: his sign-in name is privileged to change (privileged-roles.ts); the nickname is not.
    expect(result.plan.approvals).toEqual(['privileged']);
    expect(result.plan.changes.map((c) => c.risks)).toEqual([['privileged'], []]);
    expect(result.plan.changes[0]?.states?.before?.userPrincipalName).toBe('joep.devries@contoso.com');
    expect(result.plan.changes[0]?.states?.after?.roles).toEqual(['Global administrator']);
  });

  it('once applied, the field is harmless: the next plan is empty', () => {
    const applied = currentUser('joep.jansen@contoso.com', { roles: [GA], licenses: [E3], attributes: joep });
    const result = computePlan({ desired: state(admin.desired, renamed), current: state(admin.current, applied), catalog: catalog(), settings: settings(), now: NOW });
    expect(result.plan.changes).toEqual([]);
  });

  it('warns when renamedFrom names no account: the plan creates a new one, it does not rename', () => {
    const typo = desiredUser('joep.jansen@contoso.com', { roles: [GA], licenses: [E3], renamedFrom: 'joep.devires@contoso.com', attributes: joep });
    const result = computePlan({ desired: state(admin.desired, typo), current: state(admin.current, old), catalog: catalog(), settings: settings(), now: NOW });
    expect(kinds(result).slice(0, 2)).toEqual(['user.delete joep.devries@contoso.com', 'user.create joep.jansen@contoso.com']);
    expect(result.plan.warnings.filter((w) => w.code === 'RENAME_SOURCE_MISSING')).toEqual([
      {
        code: 'RENAME_SOURCE_MISSING',
        message:
          'no account is named as renamedFrom says, so this user is created as a new account, not renamed: joep.jansen@contoso.com (renamedFrom: joep.devires@contoso.com). ' +
          "A new account has a new object id, an empty mailbox and a new password; correct renamedFrom to the account's current UPN, or remove it if the account is new",
      },
    ]);
  });

  it('does not warn of a rename already done, or of a renamedFrom that only changes case', () => {
    const applied = currentUser('joep.jansen@contoso.com', { roles: [GA], licenses: [E3], attributes: joep });
    const done = computePlan({ desired: state(admin.desired, renamed), current: state(admin.current, applied), catalog: catalog(), settings: settings(), now: NOW });
    const sameName = desiredUser('joep.jansen@contoso.com', { roles: [GA], licenses: [E3], renamedFrom: 'Joep.Jansen@contoso.com', attributes: joep });
    const created = computePlan({ desired: state(admin.desired, sameName), current: state(admin.current), catalog: catalog(), settings: settings(), now: NOW });
    expect(kinds(created)[0]).toBe('user.create joep.jansen@contoso.com');
    expect([...done.plan.warnings, ...created.plan.warnings].map((w) => w.code)).not.toContain('RENAME_SOURCE_MISSING');
  });

  it('renames a UPN written in another case: the same account, under the name as written', () => {
    const upper = desiredUser('Joep.DeVries@contoso.com', { roles: [GA], licenses: [E3], attributes: { ...joep, mailNickname: 'joep.devries' } });
    const result = computePlan({ desired: state(admin.desired, upper), current: state(admin.current, old), catalog: catalog(), settings: settings(), now: NOW });
    expect(result.problems).toEqual([]);
    expect(result.plan.changes.map(({ change }) => change)).toEqual([
      { kind: 'user.rename', userPrincipalName: 'Joep.DeVries@contoso.com', fromUserPrincipalName: 'joep.devries@contoso.com', userId: old.directory?.id },
    ]);
    expect(result.plan.summary).toMatchObject({ create: 0, rename: 1, update: 0, delete: 0 });
    // renamedFrom left in place after its rename is done does not hide a new case.
    const after = desiredUser('Joep.DeVries@contoso.com', { roles: [GA], licenses: [E3], renamedFrom: 'joep.old@contoso.com', attributes: { ...joep, mailNickname: 'joep.devries' } });
    const kept = computePlan({ desired: state(admin.desired, after), current: state(admin.current, old), catalog: catalog(), settings: settings(), now: NOW });
    expect(kept.plan.changes.map(({ change }) => change.kind)).toEqual(['user.rename']);
    const same = computePlan({ desired: state(admin.desired, desiredUser('joep.devries@contoso.com', { roles: [GA], licenses: [E3], attributes: joep })), current: state(admin.current, old), catalog: catalog(), settings: settings(), now: NOW });
    expect(same.plan.changes).toEqual([]);
  });

  it('refuses when the old and the new UPN both exist', () => {
    const taken = currentUser('joep.jansen@contoso.com');
    const result = computePlan({ desired: state(admin.desired, renamed), current: state(admin.current, old, taken), catalog: catalog(), settings: settings(), now: NOW });
    expect(result.problems).toEqual([
      {
        message: expect.stringMatching(/both joep\.devries@contoso\.com and joep\.jansen@contoso\.com exist/),
        concerns: { kind: 'user', userPrincipalName: 'joep.jansen@contoso.com', field: 'renamedFrom' },
      },
    ]);
  });

  it('refuses when the new UPN is a deleted user\'s, saying until when, not to delete one of them', () => {
    // Deleting cannot free the name: the user holding it is deleted already, and keeps it for 30 days.
    const holder = currentUser('joep.jansen@contoso.com', {}, { deletedAt: '2026-11-20T00:00:00.000Z' });
    const result = computePlan({ desired: state(admin.desired, renamed), current: state(admin.current, old, holder), catalog: catalog(), settings: settings(), now: NOW });
    expect(result.problems).toEqual([
      {
        message:
          'joep.jansen@contoso.com says renamedFrom: joep.devries@contoso.com, but joep.jansen@contoso.com is still the name of a deleted user, restorable until 2026-12-20; ' +
          'the name is free only once that user is gone for good: choose another new name, or rename after 2026-12-20',
        concerns: { kind: 'user', userPrincipalName: 'joep.jansen@contoso.com', field: 'renamedFrom' },
      },
    ]);
  });

  it('refuses when the old UPN is declared too', () => {
    const result = computePlan({
      desired: state(admin.desired, renamed, desiredUser('joep.devries@contoso.com')),
      current: state(admin.current, old),
      catalog: catalog(),
      settings: settings(),
      now: NOW,
    });
    expect(result.problems).toEqual([
      {
        message: expect.stringMatching(/renamedFrom: joep\.devries@contoso\.com, which is declared too/),
        concerns: { kind: 'user', userPrincipalName: 'joep.jansen@contoso.com', field: 'renamedFrom' },
      },
    ]);
  });

  it('renames a user in the recycle bin and restores it, and purges an expired row that holds the new UPN', () => {
    const deleted = currentUser('joep.devries@contoso.com', {}, { deletedAt: '2026-11-20T00:00:00.000Z' });
    const expired = currentUser('joep.jansen@contoso.com', {}, { deletedAt: '2026-09-01T00:00:00.000Z' });
    const result = computePlan({ desired: state(admin.desired, renamed), current: state(admin.current, deleted, expired), catalog: catalog(), settings: settings(), now: NOW });
    expect(result.problems).toEqual([]);
    expect(kinds(result).slice(0, 3)).toEqual(['user.purge joep.jansen@contoso.com', 'user.rename joep.jansen@contoso.com', 'user.restore joep.jansen@contoso.com']);
  });
});

describe('computePlan: the recycle bin', () => {
  it('a deletion says until when it can be undone: 30 days from now', () => {
    const result = computePlan({ desired: state(admin.desired), current: state(admin.current, currentUser('gone@contoso.com')), catalog: catalog(), settings: settings(), now: NOW });
    expect(result.plan.changes[0]?.change).toMatchObject({ kind: 'user.delete', restorableUntil: '2026-12-31T12:00:00.000Z' });
  });

  it('restorable on the 30th day, purged the moment after', () => {
    const at = (deletedAt: string) =>
      kinds(computePlan({ desired: state(admin.desired, desiredUser('b@contoso.com')), current: state(admin.current, currentUser('b@contoso.com', {}, { deletedAt })), catalog: catalog(), settings: settings(), now: NOW }));
    expect(at('2026-11-01T12:00:00.000Z')).toEqual(['user.restore b@contoso.com']);
    expect(at('2026-11-01T11:59:59.999Z')).toEqual(['user.purge b@contoso.com', 'user.create b@contoso.com']);
  });
});

describe('computePlan: seats worth reclaiming and spare seats', () => {
  it('a purchase lists the blocked users holding a seat of that subscription, with what each costs', () => {
    const result = computePlan({
      desired: state(admin.desired, desiredUser('new@contoso.com', { licenses: [E3] }), desiredUser('left@contoso.com', { accountEnabled: false, licenses: [E3] })),
      current: state(admin.current, currentUser('left@contoso.com', { accountEnabled: false, licenses: [E3] })),
      catalog: catalog([subscription('ENTERPRISEPACK', 1, 20)]),
      settings: settings(),
      now: NOW,
    });
    expect(result.plan.purchases).toEqual([
      expect.objectContaining({ sku: 'ENTERPRISEPACK', quantity: 1, spare: 0, reclaimable: [{ userPrincipalName: 'left@contoso.com', monthlyCost: 20 }] }),
    ]);
  });

  // helper-117: a blocked user the plan creates or restores holds no seat yet; the purchase is for it.
  it('a blocked user the plan creates or restores is not a seat to reclaim; one blocked by this plan is', () => {
    const result = computePlan({
      desired: state(
        admin.desired,
        desiredUser('new@contoso.com', { accountEnabled: false, licenses: [E3] }),
        desiredUser('back@contoso.com', { accountEnabled: false, licenses: [E3] }),
        desiredUser('leaving@contoso.com', { accountEnabled: false, licenses: [E3] }),
      ),
      current: state(admin.current, currentUser('back@contoso.com', {}, { deletedAt: '2026-11-20T12:00:00.000Z' }), currentUser('leaving@contoso.com', { licenses: [E3] })),
      catalog: catalog([subscription('ENTERPRISEPACK', 1, 20)]),
      settings: settings(),
      now: NOW,
    });
    expect(result.plan.purchases).toEqual([
      expect.objectContaining({ sku: 'ENTERPRISEPACK', quantity: 2, reclaimable: [{ userPrincipalName: 'leaving@contoso.com', monthlyCost: 20 }] }),
    ]);
  });

  it('spareSeats proposes a purchase when free seats would fall below it, even with nothing else to change', () => {
    const result = computePlan({
      desired: state(admin.desired, desiredUser('a@contoso.com', { licenses: [E3] })),
      current: state(admin.current, currentUser('a@contoso.com', { licenses: [E3] })),
      catalog: catalog([subscription('ENTERPRISEPACK', 2, 20)]),
      settings: settings({ spareSeats: { ENTERPRISEPACK: 3 } }),
      now: NOW,
    });
    // 1 assigned of 2: 1 free, 3 wanted → buy 2, all of them spare.
    expect(result.plan.purchases).toEqual([expect.objectContaining({ sku: 'ENTERPRISEPACK', quantity: 2, spare: 2, monthlyCost: 40 })]);
    expect(result.plan.approvals).toEqual(['purchase']);
  });

  it('spareSeats stops at settings.maxSeats', () => {
    const result = computePlan({
      desired: state(admin.desired, desiredUser('a@contoso.com', { licenses: [E3] })),
      current: state(admin.current),
      catalog: catalog([subscription('ENTERPRISEPACK', 1, 20)]),
      settings: settings({ spareSeats: { ENTERPRISEPACK: 5 }, maxSeats: { ENTERPRISEPACK: 3 } }),
      now: NOW,
    });
    expect(result.problems).toEqual([]);
    expect(result.plan.purchases).toEqual([expect.objectContaining({ quantity: 2, spare: 2 })]);
  });
});

describe('computePlan: Global administrators, at most settings.maxGlobalAdmins and at least two', () => {
  const admins = (n: number) => Array.from({ length: n }, (_, i) => `ga${i}@contoso.com`);
  it('a plan adding one above the maximum raises GLOBAL_ADMINS_ABOVE_MAX; an existing excess only GLOBAL_ADMINS_MANY', () => {
    const current = admins(2).map((upn) => currentUser(upn, { roles: [GA] }));
    const desired = admins(3).map((upn) => desiredUser(upn, { roles: [GA] }));
    const adding = computePlan({ desired: state(...desired), current: state(...current), catalog: catalog(), settings: settings({ maxGlobalAdmins: 2 }), now: NOW });
    expect(adding.plan.warnings.map((w) => w.code)).toEqual(['GLOBAL_ADMINS_ABOVE_MAX']);
    const keeping = computePlan({
      desired: state(...desired),
      current: state(...admins(3).map((upn) => currentUser(upn, { roles: [GA] }))),
      catalog: catalog(),
      settings: settings({ maxGlobalAdmins: 2 }),
      now: NOW,
    });
    expect(keeping.plan.warnings.map((w) => w.code)).toEqual(['GLOBAL_ADMINS_MANY']);
  });

  it('a tenant left with one Global administrator is reminded of a second (GLOBAL_ADMINS_ONE); two are enough', () => {
    const plan = (keep: number) =>
      computePlan({
        desired: state(...admins(keep).map((upn) => desiredUser(upn, { roles: [GA] }))),
        current: state(...admins(2).map((upn) => currentUser(upn, { roles: [GA] }))),
        catalog: catalog(),
        settings: settings(),
        now: NOW,
      }).plan.warnings;
    // ga1 is deleted (DELETION_THRESHOLD), leaving ga0 alone.
    const one = plan(1).find((w) => w.code === 'GLOBAL_ADMINS_ONE');
    expect(one?.message).toMatch(/^the tenant keeps 1 enabled Global administrator; Microsoft recommends at least two/);
    expect(plan(2)).toEqual([]);
  });
});

describe('change addresses', () => {
  it('name the user (lower-cased), the role by template id, the licence by part number', () => {
    expect(changeAddress({ kind: 'user.delete', userPrincipalName: 'Joep@Contoso.com', userId: 'x', restorableUntil: '' })).toBe('users/joep@contoso.com');
    expect(changeAddress({ kind: 'role.grant', userPrincipalName: 'joep@contoso.com', roleTemplateId: GA, roleName: 'Global administrator' })).toBe(
      `users/joep@contoso.com/roles/${GA}`,
    );
    expect(changeAddress({ kind: 'license.update', userPrincipalName: 'joep@contoso.com', sku: 'ENTERPRISEPACK', fromDisabledPlans: [], toDisabledPlans: ['SWAY'] })).toBe(
      'users/joep@contoso.com/licenses/ENTERPRISEPACK',
    );
  });
});
