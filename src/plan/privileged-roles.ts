import { GLOBAL_ADMINISTRATOR } from '../catalog/catalog.js';
import { andList } from '../diagnostics/message-lists.js';
import type { Change } from './change.js';
import { DISABLE_PASSWORD_EXPIRATION } from '../state/tenant-state.js';

/**
 * Which changes need `--approve-privileged` (README "Approvals and saved
 * plans"). Every role tenantctl manages is an admin role, and each of them
 * can reset passwords, buy, or change what users reach (DOMAIN.md), so
 * granting any of them is privileged. Global administrator is the most
 * privileged: revoking it is privileged too (the lockout guard alone keeps a
 * minimum, not the right people). Deleting or blocking a user who holds any
 * admin role takes an administrator away, so it is privileged as well.
 * Resetting such a user's password is too: the temporary password goes to
 * the addresses the configuration names, so a pull request that changes an
 * admin's notify and resets the password would otherwise take the account
 * over with no approval beyond the merge. Restoring a deleted user who holds
 * one gives the role back to an account that can sign in again, as a grant
 * does: tenantctl releases the roles of a user it deletes, but one deleted by
 * another tool, or written into the recycle bin by SQL, keeps them, and a
 * configuration declaring that user with the role then planned no grant.
 * Allowing sign-in again to a blocked user who holds one is too, for the
 * same reason: a departed administrator's account is blocked with its roles
 * kept, and whoever still knows its password is an administrator again once
 * a pull request unblocks it.
 * Making an admin's passwords never expire (passwordPolicies) is too: a
 * password that never expires outlives a leak, on the accounts a leak costs
 * most; for the break-glass account Microsoft recommends it for, the review
 * is the point, and a new one needs the approval of its role's grant anyway.
 * Setting an admin's phones (mobilePhone, businessPhones) or sign-in name
 * (a rename) is too: Microsoft lets only an administrator of higher privilege
 * change these of a user holding an admin role ("sensitive actions"), since
 * the phones are where a self-service password reset sends its code and the
 * name is what the administrator signs in with; a pull request pointing a
 * Global administrator's mobile phone at its author's was approved by the
 * merge alone.
 */
export function isPrivilegedChange(change: Change, heldRoles: readonly string[]): boolean {
  switch (change.kind) {
    case 'role.grant':
      return true;
    case 'role.revoke':
      return change.roleTemplateId === GLOBAL_ADMINISTRATOR;
    case 'user.delete':
    case 'user.block':
    case 'user.password-reset':
    case 'user.restore':
    case 'user.unblock':
      return heldRoles.length > 0;
    case 'user.rename':
      // UPNs compare case-insensitively: a name written in another case signs in as before.
      return heldRoles.length > 0 && change.userPrincipalName.toLowerCase() !== change.fromUserPrincipalName.toLowerCase();
    case 'user.update':
      return heldRoles.length > 0 && privilegedUpdates(change).length > 0;
    default:
      return false;
  }
}

type UserUpdate = Extract<Change, { kind: 'user.update' }>;

/** Where a self-service password reset sends its code: an admin's are privileged to change. */
const RESET_CONTACTS: ReadonlySet<string> = new Set(['mobilePhone', 'businessPhones']);

/**
 * Whether `to` holds a number `from` did not, compared by its digits (and a
 * leading +): taking a phone away, or writing the same number with other
 * spaces or dashes, points no reset code anywhere new.
 */
function setsNewPhone(from: unknown, to: unknown): boolean {
  const numbers = (value: unknown) =>
    (Array.isArray(value) ? value : [value]).filter((phone): phone is string => typeof phone === 'string').map((phone) => phone.replace(/[^0-9+]/g, '')).filter((phone) => phone !== '');
  const before = new Set(numbers(from));
  return numbers(to).some((phone) => !before.has(phone));
}

/** What makes an update of an admin-role holder privileged, in words ("changes the mobile phone"), in the order of its attributes. */
export function privilegedUpdates(change: UserUpdate): string[] {
  const words = change.attributes.flatMap((a) => {
    if (a.attribute === 'passwordPolicies') return a.to === DISABLE_PASSWORD_EXPIRATION ? ['turns off password expiry'] : [];
    // Pointing a phone somewhere new is the way in; taking one away is not.
    if (!RESET_CONTACTS.has(a.attribute) || !setsNewPhone(a.from, a.to)) return [];
    return [a.attribute === 'mobilePhone' ? 'changes the mobile phone' : 'changes the business phone'];
  });
  return [...new Set(words)];
}

/** `grants Global administrator to a@contoso.com`: one privileged change, in words. Plain, unescaped text. */
export function describePrivilegedChange(change: Change): string {
  switch (change.kind) {
    case 'role.grant':
      return `grants ${change.roleName} to ${change.userPrincipalName}`;
    case 'role.revoke':
      return `revokes ${change.roleName} from ${change.userPrincipalName}`;
    case 'user.delete':
      return `deletes ${change.userPrincipalName}, who holds an admin role`;
    case 'user.block':
      return `blocks sign-in of ${change.userPrincipalName}, who holds an admin role`;
    case 'user.password-reset':
      return `resets the password of ${change.userPrincipalName}, who holds an admin role`;
    case 'user.restore':
      return `restores ${change.userPrincipalName}, who holds an admin role`;
    case 'user.unblock':
      return `allows sign-in again of ${change.userPrincipalName}, who holds an admin role`;
    case 'user.rename':
      return `renames ${change.fromUserPrincipalName} to ${change.userPrincipalName}, who holds an admin role`;
    case 'user.update':
      return `${andList(privilegedUpdates(change))} of ${change.userPrincipalName}, who holds an admin role`;
    default:
      return `${change.kind} ${change.userPrincipalName}`;
  }
}
