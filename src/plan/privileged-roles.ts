import { GLOBAL_ADMINISTRATOR } from '../catalog/catalog.js';
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
    case 'user.update':
      return heldRoles.length > 0 && stopsPasswordExpiry(change);
    default:
      return false;
  }
}

const stopsPasswordExpiry = (change: Extract<Change, { kind: 'user.update' }>): boolean =>
  change.attributes.some((a) => a.attribute === 'passwordPolicies' && a.to === DISABLE_PASSWORD_EXPIRATION);

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
    case 'user.update':
      return `turns off password expiry of ${change.userPrincipalName}, who holds an admin role`;
    default:
      return `${change.kind} ${change.userPrincipalName}`;
  }
}
