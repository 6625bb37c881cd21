import { isAddressOf, nicknameOf } from '../config/rules/mailbox-owners.js';
import type { User } from '../state/tenant-state.js';

/**
 * settings.adminEmail, with the tenant's domains its owner is looked for in
 * (a nickname reaches its mailbox at each of them).
 */
export interface AdminCopy {
  readonly adminEmail: string;
  readonly tenantDomains: ReadonlySet<string>;
  /** The names an account (by id) had before and still receives mail at (former-names.ts); none when absent. */
  readonly formerNames?: (userId: string | undefined) => readonly string[];
}

/**
 * Whether settings.adminEmail is the mailbox of the user whose password is
 * reset: under its UPN or nickname, as declared, as it is now, or under a
 * name it had before (a rename keeps the mailbox, and the old address as an
 * alias: megan.bowen@ renamed to megan.smith@ last month still receives
 * megan.bowen@'s mail; its old nickname is taken to reach it at the
 * tenant's domains, as the nickname of a rename in the plan is). A reset is
 * often for an account taken over, and its owner cannot sign in to read the
 * password, so that copy is withheld; the user's notify still gets it. A
 * blocked user's mailbox is a shared one (the help desk's), read by those
 * given access: not withheld, as for defaults.notify.
 */
export function withholdsAdminCopy(copy: AdminCopy, desired: User, current: User): boolean {
  if (!desired.accountEnabled) return false;
  const address = copy.adminEmail.trim().toLowerCase();
  return (
    isAddressOf(address, desired.userPrincipalName, desired.attributes.mailNickname, copy.tenantDomains) ||
    isAddressOf(address, current.userPrincipalName, current.attributes.mailNickname, copy.tenantDomains) ||
    (copy.formerNames?.(current.directory?.id) ?? []).some((name) => isAddressOf(address, name, nicknameOf(name), copy.tenantDomains))
  );
}
