import { GLOBAL_ADMINISTRATOR } from '../catalog/catalog.js';
import { andList } from '../diagnostics/message-lists.js';
import type { PlanDocument } from '../plan/plan-document.js';
import { rolesGranted } from '../plan/privileged-roles.js';
import { passwordRecipients, passwordSource, visible } from './change-lines.js';
import type { ShowValue } from './escape-markdown.js';

/** Resets (and creations of admins) named one by one; the rest are counted. Each names all its recipients: at most five notify addresses and settings.adminEmail. */
const NAMED_RESETS = 5;

const list = (items: readonly string[], show: ShowValue) => andList(items, items.length, show);

/**
 * A user the plan creates and grants an admin role gets a temporary password
 * sent to its `notify` addresses and settings.adminEmail (as the admin center
 * emails the admin a copy): a pull request that adds a Global administrator
 * with its own address in `notify` showed the approver only the grant, not
 * who would sign in as that administrator. Each is named with its roles and
 * where the password goes; past NAMED_RESETS, the rest are counted.
 */
export function newAdminPasswordWarnings(plan: PlanDocument, show: ShowValue = visible): string[] {
  const context = { adminEmail: plan.settings.adminEmail };
  const granted = rolesGranted(plan.changes);
  // Past the names shown, the Global administrators' are the ones to keep.
  const global = new Set(plan.changes.flatMap((c) => (c.kind === 'role.grant' && c.roleTemplateId === GLOBAL_ADMINISTRATOR ? [c.userPrincipalName.toLowerCase()] : [])));
  const creations = plan.changes.flatMap((change) => {
    const roles = granted.get(change.userPrincipalName.toLowerCase()) ?? [];
    return change.kind === 'user.create' && roles.length > 0 ? [{ change, roles, global: global.has(change.userPrincipalName.toLowerCase()) }] : [];
  });
  creations.sort((a, b) => Number(b.global) - Number(a.global));
  const named = creations.slice(0, NAMED_RESETS).map(({ change, roles }) => {
    const recipients = passwordRecipients(change.notify, context);
    return `Creates ${show(change.userPrincipalName)}, whom this plan grants ${list(roles, show)}, and sends the temporary password${passwordSource(change.password, show)} to ${list(recipients, show) || 'nobody'}.`;
  });
  const rest = creations.length - named.length;
  const more = rest === 1 ? '1 more user' : `${rest} more users`;
  return rest > 0 ? [...named, `Creates ${more} this plan grants an admin role; where each one's temporary password goes is in its details.`] : named;
}

/**
 * A password reset hands a working credential for an account that exists,
 * and may hold an admin role, to the addresses the configuration names: a
 * pull request that adds `password.reset` and its own `notify` address takes
 * the account over (an admin's reset needs --approve-privileged; another
 * user's needs no approval). So each reset is named up front, with where its
 * password goes, admins first, instead of only in the user's folded details.
 */
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
    return `Resets the password of ${show(change.userPrincipalName)}${admin} and sends the temporary password${passwordSource(change.password, show)} to ${list(recipients, show) || 'nobody'}${withheld}.`;
  });
  const rest = ordered.length - named.length;
  return rest > 0 ? [...named, `Resets the passwords of ${rest} more users; where each one's goes is in its details.`] : named;
}
