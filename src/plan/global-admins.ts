import type { Settings } from '../state/settings.js';
import type { PlanWarning } from './plan.js';

export interface GlobalAdminCount {
  /** Enabled Global administrators now and after the plan. */
  readonly before: number;
  readonly after: number;
  readonly settings: Settings;
}

/**
 * Microsoft recommends fewer than five Global administrators, and at least
 * two (DOMAIN.md): more than settings.maxGlobalAdmins after the plan is a
 * warning. A plan that adds one above the limit raises it
 * (GLOBAL_ADMINS_ABOVE_MAX, which apply asks --approve-privileged for); one
 * that only leaves an existing excess is reminded of it (GLOBAL_ADMINS_MANY).
 * A tenant left with one is reminded of the second (GLOBAL_ADMINS_ONE); none
 * is settings.minGlobalAdmins' refusal, not a warning.
 */
export function globalAdminWarnings({ before, after, settings }: GlobalAdminCount): PlanWarning[] {
  const max = settings.maxGlobalAdmins;
  if (after === 1) {
    return [
      {
        code: 'GLOBAL_ADMINS_ONE',
        message:
          'the tenant keeps 1 enabled Global administrator; Microsoft recommends at least two, one of which may be an emergency ("break-glass") account without a licence, so that one lost sign-in does not lock the tenant out of administration',
      },
    ];
  }
  if (after <= max) return [];
  const recommendation = 'Microsoft recommends fewer than five; each one can do everything in the tenant';
  if (after > before) {
    return [
      {
        code: 'GLOBAL_ADMINS_ABOVE_MAX',
        message: `this plan brings the enabled Global administrators from ${before} to ${after}, more than settings.maxGlobalAdmins (${max}); ${recommendation}`,
      },
    ];
  }
  return [{ code: 'GLOBAL_ADMINS_MANY', message: `the tenant keeps ${after} enabled Global administrators, more than settings.maxGlobalAdmins (${max}); ${recommendation}` }];
}
