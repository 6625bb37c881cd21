import { roleName } from '../catalog/builtin-roles.js';
import type { User } from '../state/tenant-state.js';

/** A user holding an admin role in the directory (not deleted) or as declared: the names impostors go after. */
export interface AdministratorAccount {
  readonly key: string;
  /** In the directory, unless deleted. */
  readonly now: User | undefined;
  readonly declared: User | undefined;
  /** Both sets of roles, once each. */
  readonly roles: readonly string[];
}

/** The administrators among the declared users and the directory's, each account once. */
export function administratorAccounts(current: ReadonlyMap<string, User>, desired: ReadonlyMap<string, User>): AdministratorAccount[] {
  const found: AdministratorAccount[] = [];
  const live = (user: User | undefined) => (user && !user.directory?.deletedAt ? user : undefined);
  const add = (key: string, now: User | undefined, declared: User | undefined) => {
    if (!(now?.roles.length || declared?.roles.length)) return;
    found.push({ key, now, declared, roles: [...new Set([...(now?.roles ?? []), ...(declared?.roles ?? [])])] });
  };
  for (const [key, declared] of desired) add(key, live(current.get(key)), declared);
  for (const [key, now] of current) if (!desired.has(key)) add(key, live(now), undefined);
  return found;
}

/** `an existing user holding Global administrator`, `also in this plan holding …`: how a warning names the administrator. */
export function holding(existing: boolean, roles: readonly string[]): string {
  return `${existing ? 'an existing user' : 'also in this plan'} holding ${roles.map(roleName).sort().join(', ')}`;
}
