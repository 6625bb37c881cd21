import { GLOBAL_ADMINISTRATOR } from '../catalog/catalog.js';
import { andList } from '../diagnostics/message-lists.js';
import type { AttributeChange, Change, ChangeKind } from './change.js';
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
 * Creating a user the same plan grants a role is too (rolesForPrivilege
 * passes those roles): its temporary password goes to the `notify` addresses
 * and settings.adminEmail, so whoever reads them holds the new administrator.
 */
export function isPrivilegedChange(change: Change, heldRoles: readonly string[]): boolean {
  switch (change.kind) {
    case 'role.grant':
      return true;
    case 'role.revoke':
      return change.roleTemplateId === GLOBAL_ADMINISTRATOR;
    case 'user.create':
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

/**
 * Ways into an account: a creation or a password reset (its temporary
 * password goes to the `notify` addresses and settings.adminEmail), a phone
 * set (where a self-service reset sends its code), sign-in allowed again. A
 * restore sends no password: the account keeps the one it had.
 */
const WAYS_IN: ReadonlySet<ChangeKind> = new Set(['user.create', 'user.password-reset', 'user.update', 'user.unblock']);

/** The admin role names each user is granted by these changes, by lower-cased UPN. */
export function rolesGranted(changes: readonly Change[]): ReadonlyMap<string, readonly string[]> {
  const granted = new Map<string, string[]>();
  for (const change of changes) {
    if (change.kind !== 'role.grant') continue;
    const key = change.userPrincipalName.toLowerCase();
    granted.set(key, [...(granted.get(key) ?? []), change.roleName]);
  }
  return granted;
}

/**
 * The roles that make `change` privileged: those its user holds now and, for
 * a way into the account, those the same plan grants. A plan that granted a
 * role and reset the same user's password (to its own notify address) or set
 * its phone showed the approver the grant alone, not how the account it
 * empowers would be taken. A new account holds only what the plan grants it,
 * whatever the purged account of the same name held.
 */
export function rolesForPrivilege(change: Change, held: readonly string[], granted: ReadonlyMap<string, readonly string[]>): readonly string[] {
  if (!WAYS_IN.has(change.kind)) return held;
  const more = granted.get(change.userPrincipalName.toLowerCase()) ?? [];
  if (change.kind === 'user.create') return more;
  return more.length === 0 ? held : [...held, ...more];
}

type UserUpdate = Extract<Change, { kind: 'user.update' }>;

/** Where a self-service password reset sends its code: an admin's are privileged to change. */
const RESET_CONTACTS: ReadonlySet<string> = new Set(['mobilePhone', 'businessPhones']);

/**
 * The characters that only lay a phone number out: ASCII spaces, dashes,
 * dots, parentheses and slashes. Every other one counts. Comparing by the
 * ASCII digits alone made `+31 6 1234 0001 ٧٧` (Arabic-Indic digits, which a
 * phone dials as 7s) or a number with fullwidth `０`s added the old number,
 * and an admin's phone changed with no approval.
 */
const LAYOUT = /[ \-.()/]/g;

/**
 * Whether `to` holds a number `from` did not, compared as written but for its
 * layout (LAYOUT): taking a phone away, or writing the same number with other
 * spaces or dashes, points no reset code anywhere new.
 */
function setsNewPhone(from: unknown, to: unknown): boolean {
  const numbers = (value: unknown) =>
    (Array.isArray(value) ? value : [value]).filter((phone): phone is string => typeof phone === 'string').map((phone) => phone.replace(LAYOUT, '')).filter((phone) => phone !== '');
  const before = new Set(numbers(from));
  return numbers(to).some((phone) => !before.has(phone));
}

/** `changes the mobile phone` when this attribute change points a phone somewhere new; taking one away is not. */
function phoneSet(a: AttributeChange): string[] {
  if (!RESET_CONTACTS.has(a.attribute) || !setsNewPhone(a.from, a.to)) return [];
  return [a.attribute === 'mobilePhone' ? 'changes the mobile phone' : 'changes the business phone'];
}

/** The phones an update points somewhere new, in words: where a self-service password reset sends its code. */
export function phonesSet(change: UserUpdate): string[] {
  return [...new Set(change.attributes.flatMap(phoneSet))];
}

/** What makes an update of an admin-role holder privileged, in words ("changes the mobile phone"), in the order of its attributes. */
export function privilegedUpdates(change: UserUpdate): string[] {
  const words = change.attributes.flatMap((a) => {
    if (a.attribute === 'passwordPolicies') return a.to === DISABLE_PASSWORD_EXPIRATION ? ['turns off password expiry'] : [];
    return phoneSet(a);
  });
  return [...new Set(words)];
}

/**
 * `grants Global administrator to a@contoso.com`: one privileged change, in
 * words. Plain, unescaped text. `holder`: how a user's admin role is named,
 * `whom this plan grants Global administrator` for a user who holds none yet.
 */
export function describePrivilegedChange(change: Change, holder = 'who holds an admin role'): string {
  switch (change.kind) {
    case 'role.grant':
      return `grants ${change.roleName} to ${change.userPrincipalName}`;
    case 'role.revoke':
      return `revokes ${change.roleName} from ${change.userPrincipalName}`;
    case 'user.create':
      return `creates ${change.userPrincipalName}, ${holder}`;
    case 'user.delete':
      return `deletes ${change.userPrincipalName}, ${holder}`;
    case 'user.block':
      return `blocks sign-in of ${change.userPrincipalName}, ${holder}`;
    case 'user.password-reset':
      return `resets the password of ${change.userPrincipalName}, ${holder}`;
    case 'user.restore':
      return `restores ${change.userPrincipalName}, ${holder}`;
    case 'user.unblock':
      return `allows sign-in again of ${change.userPrincipalName}, ${holder}`;
    case 'user.rename':
      return `renames ${change.fromUserPrincipalName} to ${change.userPrincipalName}, ${holder}`;
    case 'user.update':
      return `${andList(privilegedUpdates(change))} of ${change.userPrincipalName}, ${holder}`;
    default:
      return `${change.kind} ${change.userPrincipalName}`;
  }
}
