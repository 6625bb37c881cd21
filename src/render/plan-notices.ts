import { andList } from '../diagnostics/message-lists.js';
import { privilegedUpdates } from '../plan/privileged-roles.js';
import type { RiskClass } from '../plan/change.js';
import { isEmptyPlanDocument, type PlanDocument } from '../plan/plan-document.js';
import type { Approval } from '../plan/plan.js';
import { visible, type ChangeLine, type DocumentChange } from './change-lines.js';
import type { ShowValue } from './escape-markdown.js';
import { formatMoney } from './money.js';
import { newAdminPasswordWarnings, passwordResetWarnings } from './temporary-password-notices.js';
import { settingCount } from './setting-lines.js';

/**
 * Plan-wide wording shared by the text and markdown renderers: the warnings a
 * reviewer must read first, the seat lines, the note on unmanaged users and
 * the one-line summary. tenantctl's own words, with every untrusted value
 * (UPN, role name, sku, product name, warning text) passed through `show`:
 * `terminalText` (the default) for a terminal, a code span for markdown
 * (`markdownSentences`), so each output kind escapes values its own way.
 */

/** The apply flag that gives each approval. */
export const APPROVAL_FLAGS: Record<Approval, string> = {
  purchase: '--approve-purchases',
  deletions: '--approve-deletions',
  privileged: '--approve-privileged',
};

const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** `a, b and c`; past `cap` names, `a, b, c and 7 more`; each name shown escaped. */
export const nameList = (names: readonly string[], cap: number, show: ShowValue = visible): string => andList(names, cap, show);

const WARNING_NAMES = 5;

const upnsOf = (changes: readonly DocumentChange[]) => [...new Set(changes.map((change) => change.userPrincipalName))];

function privilegedWarnings(_plan: PlanDocument, changes: readonly DocumentChange[], show: ShowValue): string[] {
  /** The words before the users' names, by how many users they name. */
  const byAction = new Map<string, { words: (users: number) => string; upns: string[] }>();
  const adminUsers = (users: number) => (users === 1 ? 'admin user' : 'admin users');
  for (const change of changes) {
    // An admin's password reset, and the creation of a user this plan makes an admin, are named by
    // temporary-password-notices.ts, with the roles and where the temporary password goes.
    if (change.kind === 'user.password-reset' || change.kind === 'user.create') continue;
    // Privileged only for what privilegedUpdates names: password expiry turned off, phones changed. Named once, for the words and the grouping.
    const updates = change.kind === 'user.update' ? privilegedUpdates(change) : [];
    // The role name is a value (it may come from a catalog): shown, not trusted.
    const words =
      change.kind === 'role.grant' ? () => `Grants ${show(change.roleName)} to`
      : change.kind === 'role.revoke' ? () => `Revokes ${show(change.roleName)} from`
      : change.kind === 'user.delete' ? (users: number) => `Deletes ${adminUsers(users)}`
      : change.kind === 'user.block' ? (users: number) => `Blocks sign-in of ${adminUsers(users)}`
      : change.kind === 'user.restore' ? (users: number) => `Restores deleted ${adminUsers(users)}`
      : change.kind === 'user.unblock' ? (users: number) => `Allows sign-in again of blocked ${adminUsers(users)}`
      : change.kind === 'user.rename' ? (users: number) => `Renames ${adminUsers(users)}`
      : change.kind === 'user.update' ? (users: number) => `${capitalised(andList(updates))} of ${adminUsers(users)}`
      : () => `${change.kind}:`;
    const key = `${change.kind} ${'roleName' in change ? change.roleName : change.kind === 'user.update' ? updates.join() : ''}`;
    const entry = byAction.get(key) ?? { words, upns: [] };
    // A renamed admin is named as reviewers know her: by the name she has now.
    entry.upns.push(change.kind === 'user.rename' ? change.fromUserPrincipalName : change.userPrincipalName);
    byAction.set(key, entry);
  }
  return [...byAction.values()].map(({ words, upns }) => `${words(upns.length)} ${nameList(upns, WARNING_NAMES, show)}.`);
}

/** The warning each risk class raises, from the changes carrying it. */
const RISK_WARNINGS: Record<RiskClass, (plan: PlanDocument, changes: readonly DocumentChange[], show: ShowValue) => string[]> = {
  purchase: (plan, _changes, show) => {
    if (plan.purchases.length === 0) return [];
    const seats = plan.purchases.reduce((sum, p) => sum + p.quantity, 0);
    const items = plan.purchases.map((p) => `${p.quantity} × ${show(p.sku)}`).join(', ');
    return [`Buys ${count(seats, 'seat', 'seats')} (${items}) for +${formatMoney(plan.cost.monthlyIncrease, plan.cost.currency)}/month.`];
  },
  deletion: (_plan, changes, show) => {
    // Blocks and lost licences carry the risk too (they count toward the threshold): named as blocks, and by the threshold's warning.
    const upns = upnsOf(changes.filter((change) => change.kind === 'user.delete'));
    return upns.length > 0 ? [`Deletes ${count(upns.length, 'user', 'users')}: ${nameList(upns, WARNING_NAMES, show)}.`] : [];
  },
  privileged: privilegedWarnings,
  'sign-in-blocked': (_plan, changes, show) => {
    // An admin's block is named under the privileged changes already ("Blocks sign-in of admin user …").
    const upns = upnsOf(changes.filter((change) => !change.risks.includes('privileged')));
    return upns.length > 0 ? [`Blocks sign-in of ${nameList(upns, WARNING_NAMES, show)}.`] : [];
  },
};

const RISK_ORDER: readonly RiskClass[] = ['purchase', 'deletion', 'privileged', 'sign-in-blocked'];

/**
 * What a reviewer must read before approving, most binding first: the
 * approvals apply will ask for, purchases, deletions, privileged role changes,
 * sign-in blocks, new admins and password resets and where their temporary
 * passwords go, then the plan's own
 * warnings (e.g. DELETION_THRESHOLD).
 */
export function planWarnings(plan: PlanDocument, show: ShowValue = visible): string[] {
  const approvals = plan.approvals.map((approval) => `${approval} (${APPROVAL_FLAGS[approval]})`);
  return [
    ...(approvals.length > 0 ? [`Applying this plan needs approval: ${approvals.join(', ')}.`] : []),
    ...RISK_ORDER.flatMap((risk) => RISK_WARNINGS[risk](plan, plan.changes.filter((change) => change.risks.includes(risk)), show)),
    ...newAdminPasswordWarnings(plan, show),
    ...passwordResetWarnings(plan, show),
    // A warning's message quotes values (UPNs, limits): shown whole as a value.
    ...plan.warnings.map((warning) => `${warning.code}: ${show(warning.message)}`),
  ];
}

/** `+ purchase 2 × ENTERPRISEPACK (Office 365 Enterprise E3) at $20.00 = $40.00/month`, then freed seats. */
export function seatLines(plan: PlanDocument): ChangeLine[] {
  return [
    ...plan.purchases.flatMap((p): ChangeLine[] => [
      {
        sign: '+',
        text: `purchase ${p.quantity} × ${visible(p.sku)} (${visible(p.productName)}) at ${formatMoney(p.unitPrice, p.currency)} = ${formatMoney(p.monthlyCost, p.currency)}/month${p.spare > 0 ? ` (${p.spare} to keep settings.spareSeats.${visible(p.sku)} free)` : ''}`,
        depth: 0,
      },
      ...reclaimableLines(p),
    ]),
    ...plan.freedSeats.map(
      (f): ChangeLine => ({
        sign: '-',
        text: `free ${count(f.quantity, 'seat', 'seats')} of ${visible(f.sku)}: ${formatMoney(f.monthlyValue, plan.cost.currency)}/month stays billed until the subscription is reduced`,
        depth: 0,
      }),
    ),
  ];
}

/** How many blocked users a purchase's reclaimable seats name, in every format. */
export const RECLAIMABLE_NAMES = 5;

/** What a purchase's reclaimable seats cost per month together, summed in cents. */
export function reclaimableTotal(purchase: PlanDocument['purchases'][number]): number {
  return purchase.reclaimable.reduce((sum, seat) => sum + Math.round(seat.monthlyCost * 100), 0) / 100;
}

/** Under a purchase: the seats blocked users hold, which could be reclaimed instead of bought. */
function reclaimableLines(purchase: PlanDocument['purchases'][number]): ChangeLine[] {
  const seats = purchase.reclaimable;
  if (seats.length === 0) return [];
  const total = reclaimableTotal(purchase);
  const names = nameList(seats.map((seat) => seat.userPrincipalName), RECLAIMABLE_NAMES);
  const text = `or reclaim ${count(seats.length, 'seat', 'seats')} held by blocked users (${formatMoney(total, purchase.currency)}/month): ${names}`;
  return [{ sign: ' ', text, depth: 1 }];
}

const UNMANAGED_NAMES = 10;

/**
 * `3 users not managed by tenantctl are left alone: a, b and c. Holding admin
 * roles: a (Global administrator, privileged) and b (Password
 * administrator).`; null when there are none. The admins come privileged
 * first (drift calls them critical), as many as the names before them.
 */
export function unmanagedNote(plan: PlanDocument, show: ShowValue = visible): string | null {
  const users = plan.unmanagedUsers;
  if (users.length === 0) return null;
  const verb = users.length === 1 ? 'user not managed by tenantctl is' : 'users not managed by tenantctl are';
  const note = `${users.length} ${verb} left alone: ${nameList(users, UNMANAGED_NAMES, show)}.`;
  const admins = plan.unmanagedAdmins;
  if (admins.length === 0) return note;
  const named = admins
    .slice(0, UNMANAGED_NAMES)
    .map((admin) => `${show(admin.userPrincipalName)} (${admin.roles.map((role) => show(role)).join(', ')}${admin.privileged ? ', privileged' : ''})`);
  const more = admins.length - named.length;
  const list = more > 0 ? `${named.join(', ')} and ${more} more` : andList(named);
  return `${note} Holding admin roles: ${list}.`;
}

/**
 * `Plan: 3 to create, 2 to update, 1 to delete; 2 seats to purchase (+$40.00/month).`,
 * `…; 1 setting to record.`, `Plan: no change to users; 1 setting to record.`,
 * or `No changes. The tenant matches the configuration.`
 */
export function summaryLine(plan: PlanDocument): string {
  if (isEmptyPlanDocument(plan)) return 'No changes. The tenant matches the configuration.';
  const { create, restore, rename, update, delete: deletions, seatsToPurchase } = plan.summary;
  const records = plan.settingsToRecord ?? [];
  const recorded = records.length > 0 ? [`${settingCount(records.length)} to record`] : [];
  if (plan.changes.length === 0 && plan.purchases.length === 0) return `Plan: no change to users; ${recorded.join('')}.`;
  // Restores and renames are named only when there are some, so the usual line stays short.
  const lifecycle = [...(restore > 0 ? [`${restore} to restore`] : []), ...(rename > 0 ? [`${rename} to rename`] : [])];
  const users = `Plan: ${[`${create} to create`, ...lifecycle, `${update} to update`, `${deletions} to delete`].join(', ')}`;
  const cost = formatMoney(plan.cost.monthlyIncrease, plan.cost.currency);
  const seats = seatsToPurchase === 0 ? [] : [`${count(seatsToPurchase, 'seat', 'seats')} to purchase (+${cost}/month)`];
  return `${[users, ...seats, ...recorded].join('; ')}.`;
}
