import { roleName } from '../catalog/builtin-roles.js';
import type { LicenseAssignment, User, UserAttributes } from '../state/tenant-state.js';

/**
 * A user's state as a policy engine reads it in the JSON plan (`before` and
 * `after` of user changes): attributes, sign-in, admin roles by their admin
 * center names, licences with the plans switched off. Never a password,
 * a reset token or who is notified.
 */
export interface UserSnapshot {
  readonly userPrincipalName: string;
  readonly accountEnabled: boolean;
  /** When the user was deleted (it is in the recycle bin), or null. */
  readonly deletedAt: string | null;
  readonly attributes: UserAttributes;
  readonly roles: readonly string[];
  readonly licenses: readonly LicenseAssignment[];
}

export function userSnapshot(user: User | undefined): UserSnapshot | null {
  if (!user) return null;
  return {
    userPrincipalName: user.userPrincipalName,
    accountEnabled: user.accountEnabled,
    deletedAt: user.directory?.deletedAt ?? null,
    attributes: user.attributes,
    roles: user.roles.map(roleName).sort(),
    licenses: user.licenses,
  };
}
