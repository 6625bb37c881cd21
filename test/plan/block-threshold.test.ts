import { describe, expect, it } from 'vitest';
import { computePlan } from '../../src/plan/compute-plan.js';
import type { Settings } from '../../src/state/settings.js';
import { admin, catalog, currentUser, desiredUser, settings, state, subscription } from '../support/fixtures.js';

const NOW = new Date('2026-12-01T12:00:00.000Z');

// Blocking sign-in, or removing every licence, takes a company's access away
// as surely as deleting its users, in one line (`defaults: {accountEnabled:
// false}`, or `licenses` gone from the defaults), so both count toward the
// deletion threshold with the deletions, each user once.
describe('blocks and users left without a licence count toward the deletion threshold', () => {
  const users = (n: number) => Array.from({ length: n }, (_, i) => `u${i}@contoso.com`);
  const licensed = { licenses: [{ sku: 'STANDARDPACK', disabledPlans: [] }] };
  /** The first `blocked` kept users blocked; of them and the next ones, the first `unlicensed` declared without their licence. */
  const plan = (options: { managed: number; blocked: number; deleted?: number; unlicensed?: number; config?: Partial<Settings> }) => {
    const names = users(options.managed);
    const kept = names.slice(options.deleted ?? 0);
    const declared = (upn: string, i: number) => desiredUser(upn, { accountEnabled: i >= options.blocked, ...(i < (options.unlicensed ?? 0) ? {} : licensed) });
    return computePlan({
      now: NOW,
      desired: state(admin.desired, ...kept.map(declared)),
      current: state(admin.current, ...names.map((upn) => currentUser(upn, licensed))),
      catalog: catalog([subscription('STANDARDPACK', 1000, 8)]),
      settings: settings(options.config ?? {}),
    }).plan;
  };
  const threshold = (p: ReturnType<typeof plan>) => p.warnings.find((w) => w.code === 'DELETION_THRESHOLD')?.message;

  it('blocking more users than settings.maxDeletions needs --approve-deletions', () => {
    const p = plan({ managed: 100, blocked: 11 });
    expect(p.approvals).toEqual(['deletions']);
    expect(threshold(p)).toBe('11 users would be blocked from signing in, more than settings.maxDeletions (10); apply needs --approve-deletions');
  });

  it('one user over a limit of none is one user', () => {
    const p = plan({ managed: 100, blocked: 1, config: { maxDeletions: 0 } });
    expect(threshold(p)).toBe('1 user would be blocked from signing in, more than settings.maxDeletions (0); apply needs --approve-deletions');
  });

  it('blocking more than settings.maxDeletionPercent of the managed users needs it too', () => {
    const p = plan({ managed: 7, blocked: 3 });
    expect(p.approvals).toEqual(['deletions']);
    expect(threshold(p)).toBe('3 of 8 managed users (38%) would be blocked from signing in, more than settings.maxDeletionPercent (25%); apply needs --approve-deletions');
  });

  it('deletions and blocks add up, and the message says how many of each', () => {
    const p = plan({ managed: 100, blocked: 6, deleted: 5 });
    expect(p.approvals).toEqual(['deletions']);
    expect(threshold(p)).toBe('11 users would be deleted or blocked from signing in (5 deleted, 6 blocked), more than settings.maxDeletions (10); apply needs --approve-deletions');
  });

  it('users left without any licence count, and a blocked one losing its licence counts once', () => {
    const p = plan({ managed: 100, blocked: 0, unlicensed: 11 });
    expect(p.approvals).toEqual(['deletions']);
    expect(threshold(p)).toBe('11 users would be left without any licence, more than settings.maxDeletions (10); apply needs --approve-deletions');
    const all = plan({ managed: 100, blocked: 4, unlicensed: 8, deleted: 2, config: { maxDeletions: 9 } });
    expect(threshold(all)).toBe(
      '10 users would be deleted, blocked from signing in or left without any licence (2 deleted, 4 blocked, 4 without a licence), more than settings.maxDeletions (9); apply needs --approve-deletions',
    );
  });

  it('within the limits, blocks need no approval and warn nothing', () => {
    const p = plan({ managed: 100, blocked: 10 });
    expect(p.approvals).toEqual([]);
    expect(threshold(p)).toBeUndefined();
    expect(plan({ managed: 100, blocked: 20, config: { maxDeletions: 20 } }).approvals).toEqual([]);
  });

  it('a user created blocked loses nothing, and does not count', () => {
    const p = computePlan({
      now: NOW,
      desired: state(admin.desired, ...users(11).map((upn) => desiredUser(upn, { accountEnabled: false }))),
      current: state(admin.current),
      catalog: catalog(),
      settings: settings(),
    }).plan;
    expect(p.approvals).toEqual([]);
  });

  // Every service plan switched off leaves the seat held but no mailbox, files or Office: a licence in name only.
  it('a licence with every service plan switched off counts as none, one with a plan left on does not', () => {
    const withOff = (disabledPlans: string[]) => {
      const names = users(11);
      return computePlan({
        now: NOW,
        desired: state(admin.desired, ...names.map((upn) => desiredUser(upn, { licenses: [{ sku: 'STANDARDPACK', disabledPlans }] }))),
        current: state(admin.current, ...names.map((upn) => currentUser(upn, licensed))),
        catalog: catalog([subscription('STANDARDPACK', 1000, 8, ['EXCHANGE_S_STANDARD', 'SWAY'])]),
        settings: settings(),
      }).plan;
    };
    const emptied = withOff(['EXCHANGE_S_STANDARD', 'SWAY']);
    expect(emptied.approvals).toEqual(['deletions']);
    expect(threshold(emptied)).toBe('11 users would be left without any licence, more than settings.maxDeletions (10); apply needs --approve-deletions');
    expect(withOff(['SWAY']).approvals).toEqual([]);
  });
});
