import type { User } from '../state/tenant-state.js';
import { administratorAccounts, holding } from './administrators.js';
import { quoted } from './quoted-name.js';
import { TypoIndex } from './typo-squats.js';

/**
 * A pull request creating `megann.bowen@` or `mgean.bowen@` beside the
 * Global administrator `megan.bowen@` disguises no letter, so the skeleton
 * does not see it; the reviewer reads the admin's name. Only users holding
 * an admin role (now or as declared) are held (typo-squats.ts), so this
 * costs a pass over the users and the new UPNs' lengths in map reads.
 */

/** A UPN the plan brings in (created, or a rename's new one). */
export interface NewUpn {
  readonly key: string;
  readonly upn: string;
  readonly renamedFrom: string | undefined;
  readonly adopted: boolean;
}

export interface Administrator {
  readonly key: string;
  readonly upn: string;
  readonly roles: readonly string[];
  readonly existing: boolean;
}

export function administrators(current: ReadonlyMap<string, User>, desired: ReadonlyMap<string, User>): TypoIndex<Administrator> {
  const index = new TypoIndex<Administrator>();
  for (const { key, now, declared, roles } of administratorAccounts(current, desired)) {
    // Each UPN it has: an admin being renamed is squatted under either.
    for (const upn of new Set([now?.userPrincipalName, declared?.userPrincipalName])) {
      if (upn !== undefined) index.hold(upn, { key, upn, roles, existing: now !== undefined });
    }
  }
  return index;
}

/** The administrator, other than the account itself, whose local part `upn`'s is one edit from. */
export const squatted = (index: TypoIndex<Administrator>, upn: string, key: string, renamedFrom?: string): Administrator | undefined =>
  index.near(upn).find((a) => a.key !== key && a.key !== renamedFrom);

/**
 * `megann.bowen@contoso.com, created by this plan, is one letter away from
 * the administrator megan.bowen@contoso.com's user name, …` for each new
 * UPN one edit from an administrator's other than its own account's; by
 * the new UPN's index in `upns`.
 */
export function administratorTypoSquats(
  upns: readonly NewUpn[],
  current: ReadonlyMap<string, User>,
  desired: ReadonlyMap<string, User>,
  held?: TypoIndex<Administrator>,
): Map<number, string> {
  const said = new Map<number, string>();
  if (upns.length === 0) return said;
  const index = held ?? administrators(current, desired);
  if (index.size === 0) return said;
  upns.forEach(({ key, upn, renamedFrom, adopted }, i) => {
    const admin = squatted(index, upn, key, renamedFrom);
    if (!admin) return;
    const what = renamedFrom ? `the new name this plan gives ${renamedFrom}` : adopted ? 'adopted by this plan' : 'created by this plan';
    said.set(i, `${upn}, ${what}, is one letter away from the administrator ${quoted(admin.upn)}'s user name (a letter added, left out, changed, or two swapped), ${holding(admin.existing, admin.roles)}`);
  });
  return said;
}
