import { describe, expect, it } from 'vitest';
import { computePlan } from '../../src/plan/compute-plan.js';
import type { Settings } from '../../src/state/settings.js';
import { admin, catalog, settings, state } from '../support/fixtures.js';

const NOW = new Date('2026-12-07T04:00:00Z');

/** A plan of no change to any user, made with `configured` after an apply that recorded `applied`. */
function adminEmailWarningsOf(configured: string | null, applied: Settings | null) {
  const { plan } = computePlan({
    now: NOW,
    desired: state(admin.desired),
    current: state(admin.current),
    catalog: catalog(),
    settings: settings({ adminEmail: configured }),
    applied,
  });
  expect(plan.changes).toEqual([]);
  return plan.warnings.filter((warning) => warning.code === 'ADMIN_EMAIL_CHANGED');
}

/** The approvals that plan needs. */
function approvalsOf(configured: string | null, applied: Settings | null) {
  return computePlan({ now: NOW, desired: state(admin.desired), current: state(admin.current), catalog: catalog(), settings: settings({ adminEmail: configured }), applied }).plan
    .approvals;
}

describe('settings.adminEmail changed by the configuration', () => {
  it('is named though no user changes: every temporary password is copied to the new address', () => {
    expect(adminEmailWarningsOf('it-desk@c0ntoso-support.com', settings({ adminEmail: 'it-desk@contoso.com' }))).toEqual([
      {
        code: 'ADMIN_EMAIL_CHANGED',
        message:
          'settings.adminEmail changes from it-desk@contoso.com (as last applied) to it-desk@c0ntoso-support.com: every temporary password a creation or password reset sends from now on, an administrator\'s too, is copied to it-desk@c0ntoso-support.com; applying this plan records the new value, and the plans after it no longer warn; apply needs --approve-privileged',
      },
    ]);
  });

  it('is named when set where the last apply had none, and when removed', () => {
    expect(adminEmailWarningsOf('helpdesk@example.org', settings({ adminEmail: null }))[0]?.message).toBe(
      'settings.adminEmail is set to helpdesk@example.org (none as last applied): every temporary password a creation or password reset sends from now on, an administrator\'s too, is copied to helpdesk@example.org; applying this plan records the new value, and the plans after it no longer warn; apply needs --approve-privileged',
    );
    expect(adminEmailWarningsOf(null, settings({ adminEmail: 'it-desk@contoso.com' }))[0]?.message).toBe(
      "settings.adminEmail is removed (it-desk@contoso.com as last applied): temporary passwords are no longer copied to an administrator's address; applying this plan records the new value, and the plans after it no longer warn",
    );
  });

  it('is quiet when unchanged (case aside) and before any apply recorded settings', () => {
    expect(adminEmailWarningsOf('It-Desk@Contoso.com', settings({ adminEmail: 'it-desk@contoso.com' }))).toEqual([]);
    expect(adminEmailWarningsOf('it-desk@contoso.com', null)).toEqual([]);
  });
});

describe('settings.adminEmail pointed at a new address needs --approve-privileged', () => {
  it('when changed, or set where the last apply had none', () => {
    expect(approvalsOf('it-desk@c0ntoso-support.com', settings({ adminEmail: 'it-desk@contoso.com' }))).toEqual(['privileged']);
    expect(approvalsOf('helpdesk@example.org', settings({ adminEmail: null }))).toEqual(['privileged']);
  });

  it('not when removed, changed in case only, or before any apply recorded settings', () => {
    expect(approvalsOf(null, settings({ adminEmail: 'it-desk@contoso.com' }))).toEqual([]);
    expect(approvalsOf('It-Desk@Contoso.com', settings({ adminEmail: 'it-desk@contoso.com' }))).toEqual([]);
    expect(approvalsOf('eve@example.org', null)).toEqual([]);
  });
});
