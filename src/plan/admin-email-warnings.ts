import type { Settings } from '../state/settings.js';
import type { PlanWarning } from './plan.js';
import { NEEDS_APPROVAL } from './recipient-mailboxes.js';

/** The warning; for a new address (newAdminEmail) it ends with NEEDS_APPROVAL, and apply lists it (approvals.ts). */
export const ADMIN_EMAIL_CODE = 'ADMIN_EMAIL_CHANGED';

/**
 * `settings.adminEmail` receives a copy of every temporary password a
 * creation or reset sends, an administrator's included, yet changing it
 * changes no user: a pull request that points it at another mailbox planned
 * to "No changes", and the plans after it named the address only among each
 * new user's recipients. Compared with the latest apply's record, as the
 * deletion limits are (loosenedLimitWarnings), case aside.
 */
// The plan records the new value (settings-to-record.ts), changing no user or not: said, so a
// reviewer knows that merging the pull request is what makes the address count.
const UNTIL_RECORDED = '; applying this plan records the new value, and the plans after it no longer warn';

export function adminEmailWarnings(settings: Settings, applied: Settings | null): PlanWarning[] {
  if (!applied) return [];
  const before = applied.adminEmail;
  const after = settings.adminEmail;
  if ((before ?? '').toLowerCase() === (after ?? '').toLowerCase()) return [];
  const message =
    after === null
      ? `settings.adminEmail is removed (${before} as last applied): temporary passwords are no longer copied to an administrator's address`
      : `settings.adminEmail ${before === null ? `is set to ${after} (none as last applied)` : `changes from ${before} (as last applied) to ${after}`}: every temporary password a creation or password reset sends from now on, an administrator's too, is copied to ${after}`;
  return [{ code: ADMIN_EMAIL_CODE, message: `${message}${UNTIL_RECORDED}${newAdminEmail(before, after) ? `; ${NEEDS_APPROVAL}` : ''}` }];
}

/**
 * Whether recording `after` points settings.adminEmail at an address the
 * latest apply did not record (changed, or set where it had none). From then
 * on the copy of every temporary password, an administrator's too, goes
 * there, so it is as privileged as giving a mailbox that address
 * (RECIPIENT_MAILBOX_TAKEN); a pull request changing that one line was
 * applied on the merge alone. Removing it stops the copies and a case-only
 * change reaches the same mailbox: neither needs the approval. Decided from
 * the addresses, never from a warning's words: the plan's approval, its
 * warning's ending and apply's list (the plan's settingsToRecord) agree.
 */
export function newAdminEmail(before: unknown, after: unknown): boolean {
  return typeof after === 'string' && after !== '' && after.toLowerCase() !== (typeof before === 'string' ? before.toLowerCase() : null);
}
