import { error, warning, type Diagnostic } from '../../diagnostics/diagnostic.js';
import { renamedOutside } from '../../plan/outside-renames.js';
import { bothExistProblem, isLiveAccount } from '../../plan/rename.js';
import { userKey } from '../../state/tenant-state.js';
import { at, type ConfigRule, type DeclaredUser, type Rule } from './rule.js';
import { upnProblem } from './upn-rules.js';

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
    // A malformed old UPN is the schema's to report (UPN_INVALID); no account can have it.
    if (upnProblem(from)) return [];
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

/**
 * With the directory at hand: a user declared under the UPN an account had
 * until it was renamed outside tenantctl (the database recorded it), and not
 * declared under its new one. The plan would make a new account of the
 * declaration and delete the renamed one; located at the declaration, so the
 * pull request's annotations show it beside the plan's RENAMED_OUTSIDE.
 * An account that some `renamedFrom` names is being renamed back: no warning.
 */
export const renamedOutsideDirectory: Rule = ({ users, current, now }) => {
  if (!current?.outsideRenames || current.outsideRenames.size === 0) return [];
  const declared = new Map(users.map((d) => [userKey(d.user.userPrincipalName), d]));
  const renamingBack = new Set(users.flatMap(({ user }) => (user.renamedFrom ? [userKey(user.renamedFrom)] : [])));
  const desired = new Map([...declared].map(([key, d]) => [key, d.user]));
  return renamedOutside(desired, current.users, current.outsideRenames, now)
    .filter(({ account }) => !renamingBack.has(userKey(account.userPrincipalName)))
    .map(({ declared: user, account, rename }) => {
      const was = user.userPrincipalName;
      const is = account.userPrincipalName;
      const deletes = account.directory?.managed ? ` and ${is} is deleted` : '';
      return warning(
        'RENAMED_OUTSIDE',
        `${was} was renamed ${is} outside tenantctl on ${rename.at.slice(0, 10)} (database role ${rename.databaseRole}); declared under its old UPN, it is created as a new account (a new object id, an empty mailbox, a new password)${deletes}: declare ${is} instead, or add renamedFrom: ${is} to rename it back`,
        at(declared.get(userKey(was))!.location, 'userPrincipalName'),
      );
    });
};
