// settings.adminEmail gets a copy of every temporary password, but not of a
// reset user's own: that person cannot read it before signing in, and a
// reset is often for an account someone else took over. Its own mailbox is
// found as NOTIFY_OWN_MAILBOX finds it for notify: the UPN (any case), the
// nickname at every tenant domain, plus addressing, the name before a
// rename; a blocked user's (a shared mailbox) is read by others and keeps
// its copy. With no other recipient the plan is refused, at the user.
import { describe, expect, it } from 'vitest';
import type { ChangeOf } from '../../src/plan/change.js';
import { computePlan } from '../../src/plan/compute-plan.js';
import type { User } from '../../src/state/tenant-state.js';
import { admin, catalog, currentUser, desiredUser, settings, state } from '../support/fixtures.js';

const NOW = new Date('2026-12-01T00:00:00Z');
const RESET = { source: { kind: 'generate' }, forceChangePasswordNextSignIn: true, resetToken: '2026-12-01' } as const;

function planReset(adminEmail: string, desired: User, current: User) {
  const result = computePlan({ now: NOW, desired: state(admin.desired, desired), current: state(admin.current, current), catalog: catalog(), settings: settings({ adminEmail }) });
  const reset = result.plan.changes.map((p) => p.change).find((c): c is ChangeOf<'user.password-reset'> => c.kind === 'user.password-reset');
  return { result, reset };
}

const megan = (overrides: Parameters<typeof desiredUser>[1] = {}) =>
  desiredUser('megan.bowen@contoso.com', { notify: ['megan@example.org'], password: RESET, attributes: { mailNickname: 'mbowen' }, ...overrides });
const meganNow = (overrides: Parameters<typeof currentUser>[1] = {}) => currentUser('megan.bowen@contoso.com', { attributes: { mailNickname: 'mbowen' }, ...overrides });

describe('a reset withholds settings.adminEmail\'s copy from the user\'s own mailbox', () => {
  it.each([
    ['its UPN, in another case', 'Megan.Bowen@Contoso.com'],
    ['its nickname at another tenant domain', 'mbowen@contoso.onmicrosoft.com'],
    ['its UPN with a plus tag', 'megan.bowen+admin@contoso.com'],
  ])('%s', (_name, adminEmail) => {
    const { result, reset } = planReset(adminEmail, megan(), meganNow());
    expect(reset?.adminCopyWithheld).toBe(true);
    expect(result.problems).toEqual([]);
    expect(result.plan.warnings.filter((w) => w.code === 'ADMIN_COPY_WITHHELD')).toEqual([
      {
        code: 'ADMIN_COPY_WITHHELD',
        message: `settings.adminEmail ${adminEmail} is the own mailbox of megan.bowen@contoso.com, whose password this plan resets: it gets no copy of that temporary password (the user cannot read it before signing in, and a reset is often for an account someone else took over); it goes to the user's notify only`,
      },
    ]);
  });

  it('the mailbox it keeps through a rename', () => {
    const renamed = megan({ userPrincipalName: 'megan.dejong@contoso.com', renamedFrom: 'megan.bowen@contoso.com', attributes: { mailNickname: 'megan.dejong' } });
    const result = computePlan({
      now: NOW,
      desired: state(admin.desired, renamed),
      current: state(admin.current, meganNow({ attributes: { mailNickname: 'megan.bowen' } })),
      catalog: catalog(),
      settings: settings({ adminEmail: 'megan.bowen@contoso.com' }),
    });
    const reset = result.plan.changes.map((p) => p.change).find((c) => c.kind === 'user.password-reset');
    expect(reset).toMatchObject({ userPrincipalName: 'megan.dejong@contoso.com', adminCopyWithheld: true });
  });

  it('not from another mailbox, nor from a blocked (shared) mailbox, nor for a new user (validate refuses that one)', () => {
    expect(planReset('it-desk@contoso.com', megan(), meganNow()).reset).not.toHaveProperty('adminCopyWithheld');
    expect(planReset('mbowen@fabrikam.com', megan(), meganNow()).reset).not.toHaveProperty('adminCopyWithheld');
    const shared = planReset('megan.bowen@contoso.com', megan({ accountEnabled: false }), meganNow({ accountEnabled: false }));
    expect(shared.reset).not.toHaveProperty('adminCopyWithheld');
    expect(shared.result.plan.warnings.map((w) => w.code)).not.toContain('ADMIN_COPY_WITHHELD');
  });

  it('with no notify, nobody would receive it: refused at the user, saying what to add', () => {
    const { result, reset } = planReset('megan.bowen@contoso.com', megan({ notify: [] }), meganNow());
    expect(reset?.adminCopyWithheld).toBe(true);
    expect(result.problems).toEqual([
      {
        message:
          "nobody would receive the temporary password of megan.bowen@contoso.com: settings.adminEmail megan.bowen@contoso.com is its own mailbox, which gets no copy (the user cannot read it before signing in, and a reset is often for an account someone else took over); give megan.bowen@contoso.com a notify (a manager, the help desk or a private address)",
        concerns: { kind: 'user', userPrincipalName: 'megan.bowen@contoso.com' },
      },
    ]);
    expect(result.plan.warnings.map((w) => w.code)).not.toContain('ADMIN_COPY_WITHHELD');
  });
});
