import { userKey, type TenantState } from '../state/tenant-state.js';

const NONE: readonly string[] = Object.freeze([]);

/**
 * The names an account had before (TenantState.formerNames) that still
 * reach its mailbox: Exchange keeps each as an alias, so a temporary
 * password sent there is read by the account's own owner. A name another
 * account holds now is that account's mailbox and no longer this one's: a
 * row of the directory under it (one in deleted users too, which keeps the
 * name until purged), or a declared user under it that is not this account
 * (a new account re-created under the old name; the account itself renamed
 * back is known by that name as declared). Once that other account is
 * purged and nobody declares the name, it counts as this account's again:
 * whether Exchange gave the alias back is not known, and a copy withheld
 * costs less than one read by the person it is about. `declares`: whether
 * the configuration declares a user under a lower-cased UPN. No work, and
 * no pass over the users, for a directory without renames.
 */
export function formerNamesOf(current: TenantState | null | undefined, declares: (key: string) => boolean): (userId: string | undefined) => readonly string[] {
  const formerNames = current?.formerNames;
  if (!current || !formerNames || formerNames.size === 0) return () => NONE;
  const kept = new Map<string, readonly string[]>();
  return (userId) => {
    if (userId === undefined || !formerNames.has(userId)) return NONE;
    const known = kept.get(userId);
    if (known) return known;
    // Never its own name now: the read leaves that out. Declared under it, it is the account renamed back, or another one.
    const names = (formerNames.get(userId) ?? NONE).filter((name) => !current.users.has(userKey(name)) && !declares(userKey(name)));
    kept.set(userId, names);
    return names;
  };
}
