import { andList } from '../diagnostics/message-lists.js';
import type { PlanDocument } from '../plan/plan-document.js';
import { rolesGranted } from '../plan/privileged-roles.js';
import { passwordRecipients, visible } from './change-lines.js';
import type { ShowValue } from './escape-markdown.js';

/**
 * A password reset hands a working credential for an account that exists,
 * and may hold an admin role, to the addresses the configuration names: a
 * pull request that adds `password.reset` and its own `notify` address takes
 * the account over (an admin's reset needs --approve-privileged; another
 * user's needs no approval). So each reset is named up front, with where its
 * password goes, admins first, instead of only in the user's folded details.
 */

/** Resets named one by one; the rest are counted. Each names all its recipients: at most five notify addresses and settings.adminEmail. */
const NAMED_RESETS = 5;

const list = (items: readonly string[], show: ShowValue) => andList(items, items.length, show);

export function passwordResetWarnings(plan: PlanDocument, show: ShowValue = visible): string[] {
  const context = { adminEmail: plan.settings.adminEmail };
  const resets = plan.changes.flatMap((change) => (change.kind === 'user.password-reset' ? [change] : []));
  if (resets.length === 0) return [];
  // A user the same plan makes an admin is named as one: the reset is the way into the account the grant empowers.
  const granted = rolesGranted(plan.changes);
  const heldOf = (change: (typeof resets)[number]) => change.before?.roles ?? [];
  const grantedOf = (change: (typeof resets)[number]) => (heldOf(change).length > 0 ? [] : (granted.get(change.userPrincipalName.toLowerCase()) ?? []));
  const isAdmin = (change: (typeof resets)[number]) => heldOf(change).length > 0 || grantedOf(change).length > 0;
  const ordered = [...resets.filter(isAdmin), ...resets.filter((change) => !isAdmin(change))];
  const named = ordered.slice(0, NAMED_RESETS).map((change) => {
    const roles = heldOf(change);
    const admin = roles.length > 0 ? `, who holds ${list(roles, show)},`
      : grantedOf(change).length > 0 ? `, whom this plan grants ${list(grantedOf(change), show)},`
      : '';
    const recipients = passwordRecipients(change.notify, context, change.adminCopyWithheld);
    const withheld = change.adminCopyWithheld && context.adminEmail ? `, not to settings.adminEmail ${show(context.adminEmail)} (the user's own mailbox)` : '';
    return `Resets the password of ${show(change.userPrincipalName)}${admin} and sends the temporary password to ${list(recipients, show) || 'nobody'}${withheld}.`;
  });
  const rest = ordered.length - named.length;
  return rest > 0 ? [...named, `Resets the passwords of ${rest} more users; where each one's goes is in its details.`] : named;
}
