import { someOf } from '../diagnostics/message-lists.js';
import { userKey, type OutsideRename, type TenantState, type User } from '../state/tenant-state.js';
import type { PlanWarning } from './plan.js';
import { isLiveAccount } from './rename.js';

/**
 * An account renamed outside tenantctl while the configuration still
 * declares it under the name it had. Planned as it stands, the declaration
 * is a new account (new object id, empty mailbox, new password) and the
 * renamed one is deleted if tenantctl manages it: the plan cannot tell a
 * rename from a leaver and a joiner, but the database recorded the rename.
 */
export interface RenamedOutside {
  /** The declared user, under the UPN the account had. */
  readonly declared: User;
  /** The account, under the UPN it has now; not declared. */
  readonly account: User;
  /** The change away from the declared UPN (the latest, when it was renamed more than once). */
  readonly rename: OutsideRename;
}

/**
 * Each declared user that no live account holds, paired with the account an
 * outside rename took that UPN from, when that account is active and not
 * declared under its new name. `current`: the directory after the
 * configuration's own renames (resolveRenames). One account per declared
 * user (the latest rename wins) and one declared user per account, sorted by
 * declared UPN. Nothing to do, and no pass over the users, without renames.
 */
export function renamedOutside(
  desired: ReadonlyMap<string, User>,
  current: ReadonlyMap<string, User>,
  outsideRenames: TenantState['outsideRenames'],
  now: Date,
): RenamedOutside[] {
  if (!outsideRenames || outsideRenames.size === 0) return [];
  const byDeclared = new Map<string, RenamedOutside>();
  for (const account of current.values()) {
    const directory = account.directory;
    const renames = directory && !directory.deletedAt ? outsideRenames.get(directory.id) : undefined;
    if (!renames || desired.has(userKey(account.userPrincipalName))) continue;
    for (let index = renames.length - 1; index >= 0; index--) {
      const rename = renames[index]!;
      const key = userKey(rename.from);
      const declared = desired.get(key);
      if (!declared || key === userKey(account.userPrincipalName) || isLiveAccount(current.get(key), now)) continue;
      const known = byDeclared.get(key);
      if (!known || known.rename.at < rename.at) byDeclared.set(key, { declared, account, rename });
      break;
    }
  }
  return [...byDeclared.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, pair]) => pair);
}

/** `alice@contoso.com, now alice.smith@contoso.com (renamed 2026-12-04 by role ci_admin)`. */
export function renamedOutsideText({ declared, account, rename }: RenamedOutside): string {
  return `${declared.userPrincipalName}, now ${account.userPrincipalName} (renamed ${rename.at.slice(0, 10)} by database role ${rename.databaseRole})`;
}

/**
 * The plan's warning: the reviewer is about to approve a new account and,
 * when tenantctl manages the renamed one, a deletion, where the tenant's
 * administrators meant a rename.
 */
export function renamedOutsideWarnings(pairs: readonly RenamedOutside[]): PlanWarning[] {
  if (pairs.length === 0) return [];
  const one = pairs.length === 1;
  const deletes = pairs.some((pair) => pair.account.directory?.managed);
  return [
    {
      code: 'RENAMED_OUTSIDE',
      message:
        `${one ? 'an account was' : 'accounts were'} renamed outside tenantctl while the configuration still declares the old UPN, so this plan creates ${one ? 'a new account' : 'new accounts'} under the old UPN` +
        `${deletes ? ` and deletes the renamed ${one ? 'one' : 'ones'} tenantctl manages` : ''}: ${someOf(pairs.map(renamedOutsideText), 5)}. ` +
        'A new account has a new object id, an empty mailbox and a new password. To keep the account, declare it under its new UPN, or rename it back: ' +
        (one
          ? `renamedFrom: ${pairs[0]!.account.userPrincipalName} under ${pairs[0]!.declared.userPrincipalName}`
          : 'renamedFrom: its new UPN under the old one'),
    },
  ];
}
