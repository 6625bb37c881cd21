import { fromVariableText } from '../credentials/password-variable.js';
import { andList, someOf } from '../diagnostics/message-lists.js';
import { WAY_IN_NAMES, type TenantState, type UnapprovedWayIn, type User, type WayIn } from '../state/tenant-state.js';
import type { PlanWarning } from './plan.js';

export const UNAPPROVED_WAY_IN_CODE = 'WAY_IN_CHANGED_WITHOUT_ROLE';

const CHANGED: Readonly<Record<WayIn, string>> = {
  created: 'account created',
  password: 'password reset',
  mobilePhone: 'mobile phone set',
  businessPhones: 'business phone set',
  signIn: 'sign-in allowed again',
};

/** `password reset by apply #3 on 2026-12-07, its temporary password sent to a@x and b@y`. */
function wayInText({ way, applyId, at, recipients, passwordFrom }: UnapprovedWayIn): string {
  const by = applyId === null ? 'outside tenantctl' : `by apply #${applyId}`;
  const sent = recipients.length > 0 ? `, its temporary password${fromText(passwordFrom)} sent to ${andList(recipients)}` : '';
  return `${CHANGED[way]} ${by} on ${at.slice(0, 10)}${sent}`;
}

/**
 * ` from $XDG_RUNTIME_DIR`: a password from a variable is known to whoever
 * chose the variable, not only to its recipients. The database's text is
 * checked again as a name (a name written like a password is never shown).
 */
const fromText = (passwordFrom: string | null | undefined): string => (passwordFrom === null || passwordFrom === undefined ? '' : fromVariableText(passwordFrom));

const CHECK =
  'Whoever received such a password or holds such a phone can sign in as the new administrator: check with `tenantctl history --user UPN` before approving the grant';
const CHECK_NAME =
  'An approver who knows the name may not know the account behind it: check with `tenantctl history --user UPN` who created it and where its first password went before approving the grant';

/** Accounts named in a warning of their own; the rest share one that names them. */
const SHOWN = 5;

/** The account that had a name before (by another id), as it is called now, and the name the grantee had before it. */
interface NameTaken {
  readonly holder: string;
  readonly before: string | undefined;
}

/**
 * For each granted account (by lower-cased UPN) whose name another account
 * had before (former_names, migration 0031): that account. Renaming an
 * account into a name is not a way in, and 0034 records no row for it, but
 * it is what made a grant look like one to a person its approver knows: the
 * author created tmp.helper@ (a new name: no row, its first password to the
 * author), renamed Pieter away and tmp.helper@ to pieter.bakker@ (neither
 * holding a role: no approval), and the grant of Pieter's old role to
 * pieter.bakker@ showed the grant alone. No work without former names.
 */
function namesTaken(
  granted: ReadonlyMap<string, readonly string[]>,
  current: ReadonlyMap<string, User>,
  formerNames: TenantState['formerNames'],
): ReadonlyMap<string, NameTaken> {
  const taken = new Map<string, NameTaken>();
  if (!formerNames || formerNames.size === 0 || granted.size === 0) return taken;
  const hadBy = new Map<string, string[]>();
  for (const [id, names] of formerNames) {
    for (const name of names) if (granted.has(name.toLowerCase())) hadBy.set(name.toLowerCase(), [...(hadBy.get(name.toLowerCase()) ?? []), id]);
  }
  if (hadBy.size === 0) return taken;
  const nameOf = new Map([...current.values()].flatMap((user) => (user.directory ? [[user.directory.id, user.userPrincipalName] as const] : [])));
  for (const [key, ids] of hadBy) {
    const id = current.get(key)?.directory?.id;
    const other = ids.find((holder) => holder !== id);
    if (id === undefined || other === undefined) continue;
    taken.set(key, { holder: nameOf.get(other) ?? 'an account no longer in the directory', before: formerNames.get(id)?.at(-1) });
  }
  return taken;
}

/**
 * A grant to an account whose way in (password, phone, sign-in) was changed
 * while it held no admin role: that change needed no approval, and the grant
 * alone showed the approver nothing of it. Revoking a role (not privileged
 * but for Global administrator), setting the phone, then granting the role
 * back, each in its own pull request, handed the account to whoever chose the
 * phone. Every grant is privileged already; this says what its approver must
 * check first. A warning per account, in UPN order, which ways changed first,
 * then the details and the roles granted: the markdown comment shows 256
 * characters of each, and all the roles at once or five long recipients ahead
 * of the ways pushed them out. `granted`: the roles the plan grants, by
 * lower-cased UPN (rolesGranted), as the planner has them already. A grant to
 * an account renamed into a name another account had (namesTaken) says so
 * too, after the ways; one created under such a name says so by its
 * creation.
 */
export function unapprovedWayInWarnings(
  granted: ReadonlyMap<string, readonly string[]>,
  current: ReadonlyMap<string, User>,
  recorded: TenantState['unapprovedWaysIn'],
  formerNames?: TenantState['formerNames'],
): PlanWarning[] {
  const taken = namesTaken(granted, current, formerNames);
  if ((!recorded || recorded.size === 0) && taken.size === 0) return [];
  const accounts: { name: string; text: string }[] = [];
  for (const [key, roles] of [...granted].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const user = current.get(key);
    const ways = (user?.directory ? recorded?.get(user.directory.id) : undefined) ?? [];
    const name = taken.get(key);
    // Created under that name, the creation says it: 0034 records only such a creation.
    const renamedInto = name && !ways.some(({ way }) => way === 'created') ? name : undefined;
    if (!user || (ways.length === 0 && !renamedInto)) continue;
    const ordered = [...ways].sort((a, b) => WAY_IN_NAMES.indexOf(a.way) - WAY_IN_NAMES.indexOf(b.way));
    // What changed, in words of a fixed vocabulary, right after the UPN (≤ 113 characters): at most 210
    // characters, inside the 256 the markdown comment keeps, however many roles or recipients follow.
    const parts = ordered.length > 0 ? [`${andList(ordered.map(({ way }) => CHANGED[way]))} while it held no admin role, so with no approval (${ordered.map(wayInText).join('; ')})`] : [];
    if (renamedInto) {
      const before = renamedInto.before ? `, renamed to it from ${renamedInto.before}` : '';
      parts.push(`its name was another account's, ${renamedInto.holder} now; this account${before}, is not that one`);
    }
    accounts.push({ name: user.userPrincipalName, text: `${user.userPrincipalName}: ${parts.join('; ')}; this plan grants it ${andList(roles)}. ${ordered.length > 0 ? CHECK : CHECK_NAME}` });
  }
  const warning = (message: string): PlanWarning => ({ code: UNAPPROVED_WAY_IN_CODE, message });
  const rest = accounts.slice(SHOWN);
  return [
    ...accounts.slice(0, SHOWN).map(({ text }) => warning(text)),
    ...(rest.length > 0 ? [warning(`${rest.length} more accounts this plan grants an admin role had a way in changed while they held none, or hold a name another account had: ${someOf(rest.map((a) => a.name), SHOWN)}. ${CHECK}`)] : []),
  ];
}
