import { error, warning, type Diagnostic } from '../../diagnostics/diagnostic.js';
import { bothExistProblem, isLiveAccount } from '../../plan/rename.js';
import { userKey } from '../../state/tenant-state.js';
import { at, type ConfigRule, type DeclaredUser, type Rule } from './rule.js';

/**
 * `renamedFrom` names the account a user was before. That account cannot be
 * declared as well (one account cannot be two users), and two users cannot
 * both be renamed from it.
 */
export const renamedFromUnique: ConfigRule = ({ users }) => {
  // Indexed only once some user is renamed: most configurations rename nobody.
  let declaredUsers: Map<string, DeclaredUser> | undefined;
  const declared = () => (declaredUsers ??= new Map(users.map((d) => [userKey(d.user.userPrincipalName), d])));
  const claimed = new Map<string, DeclaredUser>();
  const diagnostics: Diagnostic[] = [];
  for (const d of users) {
    const from = d.user.renamedFrom;
    if (!from || userKey(from) === userKey(d.user.userPrincipalName)) continue;
    const where = at(d.location, 'renamedFrom');
    const other = declared().get(userKey(from));
    if (other) {
      diagnostics.push(
        error(
          'RENAME_OLD_DECLARED',
          `${d.user.userPrincipalName} is renamed from ${from}, which is declared too; a rename keeps one account under a new name: remove the declaration of ${from}, or remove renamedFrom`,
          where,
          at(other.location, 'userPrincipalName'),
        ),
      );
      continue;
    }
    const earlier = claimed.get(userKey(from));
    if (earlier) {
      diagnostics.push(
        error(
          'RENAME_TWICE',
          `${d.user.userPrincipalName} and ${earlier.user.userPrincipalName} are both renamed from ${from}; one account can take only one new name: keep renamedFrom on one of them`,
          where,
          at(earlier.location, 'renamedFrom'),
        ),
      );
      continue;
    }
    claimed.set(userKey(from), d);
  }
  return diagnostics;
};

/**
 * With the directory at hand (plan, and validate when a database is
 * reachable): a rename whose old and new UPN both exist cannot be planned;
 * one already applied (only the new UPN exists) is harmless, and the field
 * can go; one whose old UPN is nobody's (usually mistyped) makes a new account.
 */
export const renamedFromDirectory: Rule = ({ users, current, now }) => {
  if (!current) return [];
  return users.flatMap(({ user, location }): Diagnostic[] => {
    const from = user.renamedFrom;
    if (!from || userKey(from) === userKey(user.userPrincipalName)) return [];
    const old = isLiveAccount(current.users.get(userKey(from)), now);
    const holder = current.users.get(userKey(user.userPrincipalName));
    const renamed = isLiveAccount(holder, now);
    const where = at(location, 'renamedFrom');
    if (old && renamed) return [error('RENAME_BOTH_EXIST', bothExistProblem(from, user.userPrincipalName, holder?.directory?.deletedAt), where)];
    if (!old && renamed) {
      return [warning('RENAME_DONE', `${from} was renamed to ${user.userPrincipalName} already; renamedFrom changes nothing any more and can be removed`, where)];
    }
    if (!old) {
      return [
        warning(
          'RENAME_SOURCE_MISSING',
          `${user.userPrincipalName} says renamedFrom: ${from}, but no account is named ${from}, so the plan creates ${user.userPrincipalName} as a new account (a new object id, an empty mailbox, a new password), not a rename; correct renamedFrom to the account's current UPN, or remove it if the account is new`,
          where,
        ),
      ];
    }
    return [];
  });
};
