import type { User } from '../state/tenant-state.js';
import { administratorAccounts, holding } from './administrators.js';
import { displayNameForms } from './display-name-forms.js';
import { localEnd, withoutSeparators } from './name-index.js';
import { quoted } from './quoted-name.js';

/**
 * A new account given the very display name of an administrator (case
 * aside, or with a qualifier in brackets added: `Megan Bowen (IT)`) is how a
 * disguise starts in a pull request: the address book shows the two alike,
 * and the letters need no trick. Namesakes of ordinary users are not named:
 * several Jan de Vries work in a large tenant. Only the administrators'
 * names are held, so this costs a pass over the users and a map of a few.
 */

/**
 * A display name the plan gives an account (created, or changed by an
 * update), or the declared one of an account it adopts: an adoption is where
 * the administrators decide which accounts of the directory to trust, and an
 * account created outside git under an admin's name is trusted from then on,
 * and no longer named by drift.
 */
export interface GivenName {
  readonly key: string;
  readonly upn: string;
  readonly name: string;
  readonly renamedFrom: string | undefined;
  readonly created: boolean;
  readonly adopted: boolean;
}

interface Administrator {
  readonly key: string;
  readonly upn: string;
  readonly shown: string;
  readonly roles: readonly string[];
  readonly existing: boolean;
}

/** Administrators (administrators.ts) by each display name they have now or as declared, lower-cased. */
function administratorsByName(current: ReadonlyMap<string, User>, desired: ReadonlyMap<string, User>): Map<string, Administrator[]> {
  const byName = new Map<string, Administrator[]>();
  for (const { key, now, declared, roles } of administratorAccounts(current, desired)) {
    const upn = (declared ?? now)!.userPrincipalName;
    for (const shown of new Set([now?.attributes.displayName, declared?.attributes.displayName])) {
      if (shown === undefined) continue;
      const name = shown.toLowerCase();
      byName.set(name, [...(byName.get(name) ?? []), { key, upn, shown, roles, existing: now !== undefined }]);
    }
  }
  return byName;
}

const bareLocal = (upn: string) => withoutSeparators(upn.slice(0, localEnd(upn)).toLowerCase());

/**
 * `megan.bowen.admin@` or `adm-megan.bowen@` named "Megan Bowen (admin)"
 * beside `megan.bowen@`: an administrator's separate admin account, which
 * many tenants give every administrator. Not named when the account is
 * declared with an admin role: that grant is in the plan's approvals
 * (`--approve-privileged` for a privileged one) and names the account, so
 * the reviewer asks whose it is there. Without a role, such an account has
 * no reason to be the admin's own, and is named.
 */
const ownAdminAccount = (upn: string, adminUpn: string) => bareLocal(upn).includes(bareLocal(adminUpn));

/** `the displayName "Megan Bowen" of m.bowen2@contoso.com, created by this plan, is the name of megan.bowen@contoso.com, …`, one per given name. */
export function administratorNamesakes(given: readonly GivenName[], current: ReadonlyMap<string, User>, desired: ReadonlyMap<string, User>): string[] {
  if (given.length === 0) return [];
  const administrators = administratorsByName(current, desired);
  if (administrators.size === 0) return [];
  return given.flatMap(({ key, upn, name, renamedFrom, created, adopted }) => {
    const holdsRole = (desired.get(key)?.roles.length ?? 0) > 0;
    for (const { compared, qualified } of displayNameForms(name)) {
      const admin = administrators.get(compared.toLowerCase())?.find((a) => a.key !== key && a.key !== renamedFrom && !(holdsRole && ownAdminAccount(upn, a.upn)));
      if (!admin) continue;
      const how = qualified ? ', with a qualifier in brackets added' : compared === admin.shown ? '' : ', in another case';
      return [`the displayName "${quoted(name)}" of ${upn}${created ? ', created by this plan,' : adopted ? ', adopted by this plan,' : ''} is the name of ${quoted(admin.upn)}, "${quoted(admin.shown)}", ${holding(admin.existing, admin.roles)}${how}`];
    }
    return [];
  });
}
