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
function wayInText({ way, applyId, at, recipients }: UnapprovedWayIn): string {
  const by = applyId === null ? 'outside tenantctl' : `by apply #${applyId}`;
  const sent = recipients.length > 0 ? `, its temporary password sent to ${andList(recipients)}` : '';
  return `${CHANGED[way]} ${by} on ${at.slice(0, 10)}${sent}`;
}

const CHECK =
  'Whoever received such a password or holds such a phone can sign in as the new administrator: check with `tenantctl history --user UPN` before approving the grant';

/** Accounts named in a warning of their own; the rest share one that names them. */
const SHOWN = 5;

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
 * lower-cased UPN (rolesGranted), as the planner has them already.
 */
export function unapprovedWayInWarnings(
  granted: ReadonlyMap<string, readonly string[]>,
  current: ReadonlyMap<string, User>,
  recorded: TenantState['unapprovedWaysIn'],
): PlanWarning[] {
  if (!recorded || recorded.size === 0) return [];
  const accounts: { name: string; text: string }[] = [];
  for (const [key, roles] of [...granted].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const user = current.get(key);
    const ways = user?.directory ? recorded.get(user.directory.id) : undefined;
    if (!user || !ways || ways.length === 0) continue;
    const ordered = [...ways].sort((a, b) => WAY_IN_NAMES.indexOf(a.way) - WAY_IN_NAMES.indexOf(b.way));
    // What changed, in words of a fixed vocabulary, right after the UPN (≤ 113 characters): at most 210
    // characters, inside the 256 the markdown comment keeps, however many roles or recipients follow.
    const changed = andList(ordered.map(({ way }) => CHANGED[way]));
    accounts.push({
      name: user.userPrincipalName,
      text: `${user.userPrincipalName}: ${changed} while it held no admin role, so with no approval (${ordered.map(wayInText).join('; ')}); this plan grants it ${andList(roles)}`,
    });
  }
  const warning = (message: string): PlanWarning => ({ code: UNAPPROVED_WAY_IN_CODE, message });
  const rest = accounts.slice(SHOWN);
  return [
    ...accounts.slice(0, SHOWN).map(({ text }) => warning(`${text}. ${CHECK}`)),
    ...(rest.length > 0 ? [warning(`${rest.length} more accounts this plan grants an admin role had a way in changed while they held none: ${someOf(rest.map((a) => a.name), SHOWN)}. ${CHECK}`)] : []),
  ];
}

