// A limit the configuration loosens counts once an apply has recorded it.
// That apply must be possible: a tenant already below the minimum last
// applied (an administrator deleted in the admin center) planned every
// change, including one that only lowers settings.minGlobalAdmins, against
// the old minimum, so no apply could ever record the lower one. And a
// recorded apply's settings are data the writer role appends: a value that is
// no number must not turn the configuration's own limit off.
import { describe, expect, it } from 'vitest';
import { appliedSettings } from '../../src/audit/last-settings.js';
import { computePlan } from '../../src/plan/compute-plan.js';
import type { Settings } from '../../src/state/settings.js';
import { admin, catalog, currentUser, desiredUser, GA, settings, state } from '../support/fixtures.js';

const NOW = new Date('2026-12-01T12:00:00.000Z');

describe('a loosened minGlobalAdmins on a tenant already below the recorded one', () => {
  const plan = (config: Partial<Settings>, applied: Settings | null, desired = state(admin.desired)) =>
    computePlan({ now: NOW, desired, current: state(admin.current), catalog: catalog(), settings: settings(config), applied });

  it('is planned when the plan takes no Global administrator away, so that an apply can record it', () => {
    const { plan: planned, problems } = plan({ minGlobalAdmins: 1 }, settings({ minGlobalAdmins: 2 }));
    expect(problems).toEqual([]);
    // And its warning says what it is held to, not the recorded minimum it is no longer held to.
    expect(planned.warnings.filter((w) => w.code === 'SAFETY_LIMIT_LOOSENED').map((w) => w.message)).toEqual([
      'settings.minGlobalAdmins changes from 2 (as last applied) to 1, a looser limit: this plan takes no Global administrator away and counts 1; one that takes one away is held to 2 until an apply has recorded the new limit',
    ]);
  });

  it('still refuses a plan that takes one away', () => {
    const current = state(admin.current, currentUser('megan@contoso.com', { roles: [GA] }));
    const desired = state(admin.desired, desiredUser('megan@contoso.com'));
    const { problems } = computePlan({ now: NOW, desired, current, catalog: catalog(), settings: settings({ minGlobalAdmins: 1 }), applied: settings({ minGlobalAdmins: 2 }) });
    expect(problems.map((p) => p.message)).toEqual([expect.stringContaining('fewer than settings.minGlobalAdmins (2 as last applied')]);
  });

  it('keeps the configuration minimum it does not loosen', () => {
    expect(plan({ minGlobalAdmins: 2 }, settings({ minGlobalAdmins: 2 })).problems.length).toBe(1);
  });
});

describe('recorded settings that are not numbers', () => {
  it('leave the configuration limits in force', () => {
    const forged = appliedSettings(JSON.stringify({ minGlobalAdmins: 'x', maxGlobalAdmins: null, maxMonthlyPurchaseCost: 'x', maxSeats: null, spareSeats: 7 }), new Set());
    const current = state(admin.current, currentUser('megan@contoso.com', { roles: [GA] }));
    const desired = state(admin.desired, desiredUser('megan@contoso.com'));
    const { problems } = computePlan({ now: NOW, desired, current, catalog: catalog(), settings: settings({ minGlobalAdmins: 2 }), applied: forged });
    expect(problems.map((p) => p.message)).toEqual([expect.stringContaining('fewer than settings.minGlobalAdmins (2)')]);
  });
});
