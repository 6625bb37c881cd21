import { userKey, type TenantState, type User } from '../state/tenant-state.js';
import { someOf } from '../diagnostics/message-lists.js';
import type { Change, ChangeOf } from './change.js';
import type { PlanWarning } from './plan.js';
import type { PlanProblem } from './plan-problem.js';
import { isExpired, restorableUntil } from './recycle-bin.js';

/**
 * Renames declared with `renamedFrom`, resolved against the directory. The
 * identity of a user is its object id, not its UPN (DOMAIN.md): a user
 * renamed from `old` to `new` is the same account, so the planner compares
 * the declaration of `new` with the directory's `old` and plans one rename
 * change instead of a deletion and a creation. A UPN written in another case
 * than the directory's is renamed too: the account is the same, its name is
 * not.
 */
export interface RenameResolution {
  /** The directory with each user to rename moved from its old key to its new one. */
  readonly current: ReadonlyMap<string, User>;
  /** One rename per user, and a purge for an expired row that held the new UPN. */
  readonly changes: readonly (ChangeOf<'user.rename'> | ChangeOf<'user.purge'>)[];
  /** About the renamed user's `renamedFrom`. */
  readonly problems: readonly PlanProblem[];
}

/** A row that is an account: active, or deleted less than 30 days ago. */
export function isLiveAccount(user: User | undefined, now: Date): boolean {
  const deletedAt = user?.directory?.deletedAt;
  return user?.directory !== undefined && !(deletedAt && isExpired(deletedAt, now));
}

/**
 * Why a rename cannot be planned; the same words validate and plan use.
 * `toDeletedAt`: the new UPN is held by a user in deleted users, which
 * deleting cannot free (DOMAIN.md: the name is free once it is gone for good).
 */
export function bothExistProblem(from: string, to: string, toDeletedAt?: string | null): string {
  if (toDeletedAt) {
    const until = restorableUntil(toDeletedAt).slice(0, 10);
    return `${to} says renamedFrom: ${from}, but ${to} is still the name of a deleted user, restorable until ${until}; the name is free only once that user is gone for good: choose another new name, or rename after ${until}`;
  }
  return `${to} says renamedFrom: ${from}, but both ${from} and ${to} exist in the tenant; a rename cannot merge two accounts: remove renamedFrom, or delete one of them first`;
}

export function resolveRenames(desired: TenantState, current: TenantState, now: Date): RenameResolution {
  // Copied only when a rename moves someone: 100,000 users and no rename need no copy.
  let moved: Map<string, User> | undefined;
  const changes: (ChangeOf<'user.rename'> | ChangeOf<'user.purge'>)[] = [];
  const problems: PlanProblem[] = [];
  // A UPN keeps the case it is written in: a new case is a rename of the same account, not an update of its nickname alone.
  const inNewCase = (key: string, user: User): void => {
    const held = current.users.get(key);
    if (held?.directory && held.userPrincipalName !== user.userPrincipalName && isLiveAccount(held, now)) {
      changes.push({ kind: 'user.rename', userPrincipalName: user.userPrincipalName, fromUserPrincipalName: held.userPrincipalName, userId: held.directory.id });
    }
  };
  for (const [key, user] of desired.users) {
    if (!user.renamedFrom || userKey(user.renamedFrom) === key) {
      inNewCase(key, user);
      continue;
    }
    const concerns = { kind: 'user', userPrincipalName: user.userPrincipalName, field: 'renamedFrom' } as const;
    const from = userKey(user.renamedFrom);
    if (desired.users.has(from)) {
      problems.push({
        message: `${user.userPrincipalName} says renamedFrom: ${user.renamedFrom}, which is declared too; one account cannot be both: remove one of the two`,
        concerns,
      });
      continue;
    }
    const old = current.users.get(from);
    const taken = current.users.get(key);
    if (!old?.directory || !isLiveAccount(old, now)) {
      // Nothing to rename from: already done, or never existed. The name may still be in a new case.
      inNewCase(key, user);
      continue;
    }
    if (isLiveAccount(taken, now)) {
      problems.push({ message: bothExistProblem(user.renamedFrom, user.userPrincipalName, taken?.directory?.deletedAt), concerns });
      continue;
    }
    if (taken?.directory?.deletedAt) {
      // An expired deleted user still holds the new UPN: remove it first.
      changes.push({ kind: 'user.purge', userPrincipalName: taken.userPrincipalName, userId: taken.directory.id, deletedAt: taken.directory.deletedAt });
    }
    moved ??= new Map(current.users);
    moved.delete(from);
    moved.set(key, old);
    changes.push({ kind: 'user.rename', userPrincipalName: user.userPrincipalName, fromUserPrincipalName: old.userPrincipalName, userId: old.directory.id });
  }
  return { current: moved ?? current.users, changes, problems };
}

/**
 * Users the plan creates although they say `renamedFrom`: no account has the
 * old name, usually because it is mistyped, and the account they meant is
 * left as it is (or deleted, if tenantctl manages it) while a new one, with a
 * new object id, mailbox and password, takes the new name. A rename already
 * done raises nothing: the new name exists, so nothing is created.
 */
export function renameSourceWarnings(changes: readonly Change[], desired: ReadonlyMap<string, User>): PlanWarning[] {
  const named: string[] = [];
  for (const change of changes) {
    if (change.kind !== 'user.create') continue;
    const key = change.userPrincipalName.toLowerCase();
    const from = desired.get(key)?.renamedFrom;
    if (from !== undefined && userKey(from) !== key) named.push(`${change.userPrincipalName} (renamedFrom: ${from})`);
  }
  if (named.length === 0) return [];
  return [
    {
      code: 'RENAME_SOURCE_MISSING',
      message:
        `no account is named as renamedFrom says, so ${named.length === 1 ? 'this user is created as a new account' : 'these users are created as new accounts'}, not renamed: ${someOf(named, 5)}. ` +
        'A new account has a new object id, an empty mailbox and a new password; correct renamedFrom to the account\'s current UPN, or remove it if the account is new',
    },
  ];
}
