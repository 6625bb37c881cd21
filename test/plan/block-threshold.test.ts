import { describe, expect, it } from 'vitest';
import { computePlan } from '../../src/plan/compute-plan.js';
import type { Settings } from '../../src/state/settings.js';
import { admin, catalog, currentUser, desiredUser, settings, state } from '../support/fixtures.js';

const NOW = new Date('2026-12-01T12:00:00.000Z');

// Blocking sign-in takes a company's access away as surely as deleting its
// users, in one line (`defaults: {accountEnabled: false}`), so blocks count
// toward the deletion threshold with the deletions.
describe('blocks count toward the deletion threshold', () => {
  const users = (n: number) => Array.from({ length: n }, (_, i) => `u${i}@contoso.com`);
  const plan = (options: { managed: number; blocked: number; deleted?: number; config?: Partial<Settings> }) => {
    const names = users(options.managed);
    const kept = names.slice(options.deleted ?? 0);
    return computePlan({
      now: NOW,
      desired: state(admin.desired, ...kept.map((upn, i) => desiredUser(upn, { accountEnabled: i >= options.blocked }))),
      current: state(admin.current, ...names.map((upn) => currentUser(upn))),
      catalog: catalog(),
      settings: settings(options.config ?? {}),
    }).plan;
  };
  const threshold = (p: ReturnType<typeof plan>) => p.warnings.find((w) => w.code === 'DELETION_THRESHOLD')?.message;

  it('blocking more users than settings.maxDeletions needs --approve-deletions', () => {
    const p = plan({ managed: 100, blocked: 11 });
    expect(p.approvals).toEqual(['deletions']);
    expect(threshold(p)).toBe('11 users would be blocked from signing in, more than settings.maxDeletions (10); apply needs --approve-deletions');
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
});
