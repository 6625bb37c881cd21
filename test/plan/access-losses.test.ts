import { describe, expect, it } from 'vitest';
import { computePlan } from '../../src/plan/compute-plan.js';
import type { User } from '../../src/state/tenant-state.js';
import { admin, catalog, currentUser, desiredUser, settings, state, subscription } from '../support/fixtures.js';

const NOW = new Date('2026-12-01T12:00:00.000Z');

// The planner marks `deletion` on each change the deletion threshold counts, as it
// always did on deletions: a block of an existing user, and the changes that take
// a user's last serving licence away. Reviewers (the markdown table) and apply's
// prompt read which changes those are from the plan, not from the warning's words.
describe('the changes the deletion threshold counts carry the deletion risk', () => {
  const E1 = subscription('STANDARDPACK', 100, 8, ['EXCHANGE_S_STANDARD', 'SWAY']);
  const E3 = subscription('ENTERPRISEPACK', 100, 20, ['EXCHANGE_S_ENTERPRISE', 'SWAY']);
  const e1 = (disabledPlans: string[] = []) => ({ sku: 'STANDARDPACK', disabledPlans });
  const e3 = (disabledPlans: string[] = []) => ({ sku: 'ENTERPRISEPACK', disabledPlans });

  /** Every change's risks, by kind and user (one license change per sku: its sku too); `maxDeletions` high, so nothing passes the threshold. */
  const risks = (desired: User[], current: User[], maxDeletions = 100) => {
    const { plan } = computePlan({
      now: NOW,
      desired: state(admin.desired, ...desired),
      current: state(admin.current, ...current),
      catalog: catalog([E1, E3]),
      settings: settings({ maxDeletions, maxDeletionPercent: 100 }),
    });
    const sku = (change: (typeof plan.changes)[number]['change']) => ('sku' in change ? ` ${change.sku}` : 'license' in change ? ` ${change.license.sku}` : '');
    return { plan, byChange: Object.fromEntries(plan.changes.map(({ change, risks: r }) => [`${change.kind} ${change.userPrincipalName}${sku(change)}`, r])) };
  };

  it('a block of an existing user, within the threshold as above it (as a deletion is)', () => {
    const { plan, byChange } = risks([desiredUser('blocked@contoso.com', { accountEnabled: false })], [currentUser('blocked@contoso.com'), currentUser('gone@contoso.com')]);
    expect(plan.approvals).toEqual([]);
    expect(byChange).toEqual({
      'user.block blocked@contoso.com': ['sign-in-blocked', 'deletion'],
      'user.delete gone@contoso.com': ['deletion'],
    });
  });

  it('not a user created blocked: it loses nothing, where an existing user blocked does', () => {
    const { byChange } = risks(
      [desiredUser('new@contoso.com', { accountEnabled: false, licenses: [e1()] }), desiredUser('old@contoso.com', { accountEnabled: false, licenses: [e1()] })],
      [currentUser('old@contoso.com', { licenses: [e1()] })],
    );
    expect(byChange).toEqual({
      'user.create new@contoso.com': ['sign-in-blocked'],
      'license.assign new@contoso.com STANDARDPACK': [],
      'user.block old@contoso.com': ['sign-in-blocked', 'deletion'],
    });
  });

  it('not a user restored blocked from the recycle bin: it could not sign in before either', () => {
    const binned = currentUser('binned@contoso.com', { accountEnabled: true }, { deletedAt: '2026-11-28T12:00:00.000Z' });
    const { byChange } = risks([desiredUser('binned@contoso.com', { accountEnabled: false })], [binned]);
    expect(byChange['user.block binned@contoso.com']).toEqual(['sign-in-blocked']);
  });

  it('the removal of a user\'s last serving licence, not that of a licence serving nothing', () => {
    const current = currentUser('pim@contoso.com', { licenses: [e1(), e3(['EXCHANGE_S_ENTERPRISE', 'SWAY'])] });
    const { byChange } = risks([desiredUser('pim@contoso.com')], [current]);
    expect(byChange).toEqual({
      'license.remove pim@contoso.com ENTERPRISEPACK': [],
      'license.remove pim@contoso.com STANDARDPACK': ['deletion'],
    });
  });

  it('each removal when a user loses several serving licences at once', () => {
    const { byChange } = risks([desiredUser('pim@contoso.com')], [currentUser('pim@contoso.com', { licenses: [e1(), e3()] })]);
    expect(byChange).toEqual({
      'license.remove pim@contoso.com ENTERPRISEPACK': ['deletion'],
      'license.remove pim@contoso.com STANDARDPACK': ['deletion'],
    });
  });

  it('not a user moved from one licence to another, where one left with none is', () => {
    const { byChange } = risks(
      [desiredUser('moved@contoso.com', { licenses: [e3()] }), desiredUser('pim@contoso.com')],
      [currentUser('moved@contoso.com', { licenses: [e1()] }), currentUser('pim@contoso.com', { licenses: [e1()] })],
    );
    expect(byChange).toEqual({
      'license.remove moved@contoso.com STANDARDPACK': [],
      'license.assign moved@contoso.com ENTERPRISEPACK': [],
      'license.remove pim@contoso.com STANDARDPACK': ['deletion'],
    });
  });

  it('an update switching off every plan of the last serving licence, not one leaving a plan on', () => {
    const switchedOff = (disabledPlans: string[]) => risks([desiredUser('pim@contoso.com', { licenses: [e1(disabledPlans)] })], [currentUser('pim@contoso.com', { licenses: [e1()] })]).byChange;
    expect(switchedOff(['EXCHANGE_S_STANDARD', 'SWAY'])).toEqual({ 'license.update pim@contoso.com STANDARDPACK': ['deletion'] });
    expect(switchedOff(['SWAY'])).toEqual({ 'license.update pim@contoso.com STANDARDPACK': [] });
  });

  it('a blocked user losing its licences is counted once, by its block', () => {
    const { plan, byChange } = risks([desiredUser('carol@contoso.com', { accountEnabled: false })], [currentUser('carol@contoso.com', { licenses: [e1()] })], 0);
    expect(byChange).toEqual({
      'license.remove carol@contoso.com STANDARDPACK': [],
      'user.block carol@contoso.com': ['sign-in-blocked', 'deletion'],
    });
    expect(plan.warnings.find((w) => w.code === 'DELETION_THRESHOLD')?.message).toBe('1 user would be blocked from signing in, more than settings.maxDeletions (0); apply needs --approve-deletions');
  });
});
