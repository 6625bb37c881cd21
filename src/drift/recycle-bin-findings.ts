import type { Role } from '../catalog/catalog.js';
import { roleRefs } from '../catalog/role-refs.js';
import { daysRemaining, isExpired, restorableUntil } from '../plan/recycle-bin.js';
import { holdsLicencesWhileDeleted, type TenantState, type User } from '../state/tenant-state.js';
import type { DriftFinding, DriftFindingOf } from './finding.js';

/** Code-unit order, not the locale's: findings and their licences list the same on every machine. */
export const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Deleted users the recycle bin still holds, with the days left to restore
 * them and the admin roles a restore gives back (a notice each).
 */
export function recycleBinFindings(current: TenantState, roles: ReadonlyMap<string, Role>, now: Date): DriftFinding[] {
  return [...current.users.values()].flatMap((user): DriftFinding[] => {
    const directory = user.directory;
    if (!directory?.deletedAt || isExpired(directory.deletedAt, now)) return [];
    return [
      {
        kind: 'user.in-recycle-bin',
        severity: 'info',
        userPrincipalName: user.userPrincipalName,
        userId: directory.id,
        managed: directory.managed,
        roles: roleRefs(user.roles, roles),
        deletedAt: directory.deletedAt,
        restorableUntil: restorableUntil(directory.deletedAt),
        daysRemaining: daysRemaining(directory.deletedAt, now),
      },
    ];
  });
}

/**
 * Deleted users that still hold licences, each a seat billed for nobody who
 * can sign in: found in the users the planner compares (renames resolved), in
 * the one pass over them, as the planner counts them
 * (holdsLicencesWhileDeleted). Whether the configuration declares the user decides what
 * apply does about it.
 */
export function licensedInRecycleBinFindings(desired: TenantState, currentUsers: ReadonlyMap<string, User>): DriftFindingOf<'user.licensed-in-recycle-bin'>[] {
  const findings: DriftFindingOf<'user.licensed-in-recycle-bin'>[] = [];
  for (const [key, user] of currentUsers) {
    const directory = user.directory;
    if (!holdsLicencesWhileDeleted(user) || !directory?.deletedAt) continue;
    findings.push({
      kind: 'user.licensed-in-recycle-bin',
      severity: 'medium',
      userPrincipalName: user.userPrincipalName,
      userId: directory.id,
      managed: directory.managed,
      declared: desired.users.has(key),
      deletedAt: directory.deletedAt,
      licenses: [...user.licenses].sort((a, b) => compareText(a.sku, b.sku)),
    });
  }
  return findings;
}

/**
 * One finding for a declared user deleted while holding licences, not one for
 * the deletion and another for its licences: the most precise of the two. A
 * managed user in the recycle bin was deleted outside tenantctl (tenantctl
 * releases the licences of a user it deletes, so the licences kept are how
 * such a delete shows): `user.deleted`, high. Any other (past the recycle bin,
 * or never managed) is `user.licensed-in-recycle-bin` in place of
 * `user.missing`: it says the same (apply restores it, or purges it and creates
 * it again) and names the seats it holds.
 */
export function oneFindingPerDeletedUser(userFindings: readonly DriftFinding[], licensed: readonly DriftFindingOf<'user.licensed-in-recycle-bin'>[]): DriftFinding[] {
  const deleted = new Set(userFindings.flatMap((f) => (f.kind === 'user.deleted' ? [f.userId] : [])));
  const kept = licensed.filter((f) => !(f.declared && deleted.has(f.userId)));
  const licensedDeclared = new Set(kept.flatMap((f) => (f.declared ? [f.userId] : [])));
  const precise = userFindings.filter((f) => !(f.kind === 'user.missing' && f.inDeletedUsers && licensedDeclared.has(f.userId)));
  return [...precise, ...kept];
}
