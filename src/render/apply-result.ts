import type { ApplyResult } from '../apply/apply-plan.js';
import { terminalText } from './escape-terminal.js';
import { formatMoney } from './money.js';
import { settingCount, settingLines } from './setting-lines.js';

const names = (values: readonly string[]) => values.map(terminalText).join(', ');

/** Up to this many new credentials are listed one per line; more are summarised by recipients. */
export const CREDENTIALS_LISTED = 20;

/**
 * Up to this many users are named on each line of what was created, changed
 * and so on; the count says how many there were. Adopting a directory of
 * 100,000 users named each of them on one line of 2.6 MB in the CI log.
 */
export const USERS_NAMED = 20;

export interface ApplyResultOptions {
  /** Name every user and list every credential, however many. */
  readonly verbose?: boolean;
}

/** `a, b, c and 99980 more`: the first USERS_NAMED entries, each shown by `show`, or all of them. */
function firstOf<T>(entries: readonly T[], show: (entry: T) => string, all: boolean): string {
  if (all || entries.length <= USERS_NAMED) return entries.map(show).join(', ');
  return `${entries.slice(0, USERS_NAMED).map(show).join(', ')} and ${entries.length - USERS_NAMED} more`;
}

const NOBODY = 'nobody (no notify, no settings.adminEmail): reset the password to send new credentials';

/** ` (not to settings.adminEmail a@contoso.com: the user's own mailbox)` where a reset withheld that copy. */
const withheldNote = (c: ApplyResult['credentials'][number]) =>
  c.withheld && c.withheld.length > 0 ? ` (not to settings.adminEmail ${names(c.withheld)}: the user's own mailbox)` : '';

function credentialLines(credentials: ApplyResult['credentials'], verbose: boolean): string[] {
  if (verbose || credentials.length <= CREDENTIALS_LISTED) {
    return credentials.map((c) => `  ${terminalText(c.userPrincipalName)} → ${c.recipients.length > 0 ? names(c.recipients) : NOBODY}${withheldNote(c)}`);
  }
  // Hundreds of new users: one line per set of recipients, largest first; a withheld copy is told on its own line.
  const groups = new Map<string, string[]>();
  for (const c of credentials) {
    const key = c.recipients.join(', ');
    groups.set(key, [...(groups.get(key) ?? []), c.userPrincipalName]);
  }
  const lines = [...groups]
    .sort(([a, x], [b, y]) => y.length - x.length || a.localeCompare(b))
    .map(([recipients, users]) => {
      const who = users.length === 1 ? '1 user' : `${users.length} users`;
      if (recipients !== '') return `  ${who} → ${terminalText(recipients)}`;
      const named = names(users.slice(0, 5)) + (users.length > 5 ? ` and ${users.length - 5} more` : '');
      return `  ${who} (${named}) → ${NOBODY}`;
    });
  // Few (an admin resets their own password): each named, so none hides in a group.
  const withheld = credentials.filter((c) => c.withheld && c.withheld.length > 0).map((c) => `  ${terminalText(c.userPrincipalName)}${withheldNote(c)}`);
  return [...lines, ...withheld, '  (--verbose lists each user)'];
}

/**
 * The confirmation screen: what was created, restored, renamed, changed, deleted, purged and bought,
 * the settings recorded,
 * and where each new user's credentials go, summarised by recipients when
 * there are many. Never a password. UPNs, recipients, skus and product names
 * are shown through `terminalText`.
 */
export function renderApplyResult(result: ApplyResult, options: ApplyResultOptions = {}): string {
  const users = (kinds: readonly string[]) => [
    ...new Set(result.changes.filter((c) => kinds.includes(c.kind)).map((c) => c.userPrincipalName)),
  ];
  const created = users(['user.create']);
  const restored = users(['user.restore']);
  const deleted = users(['user.delete']);
  // An account past the recycle bin whose row is removed: not a change to whoever takes its UPN now.
  const purged = users(['user.purge']);
  // A rename is the same account under a new UPN: named with both, as the plan shows it.
  const renames = result.changes.flatMap((c) => (c.kind === 'user.rename' ? [c] : []));
  const lifecycle = new Set([...created, ...restored, ...deleted, ...purged, ...renames.map((c) => c.userPrincipalName)]);
  const changed = [...new Set(result.changes.map((c) => c.userPrincipalName))].filter((upn) => !lifecycle.has(upn));
  const lines = [`Apply #${result.applyId} complete: ${result.changes.length} change(s) committed in one transaction.`];
  const verbose = Boolean(options.verbose);
  let shortened = false;
  const list = <T>(label: string, entries: readonly T[], show: (entry: T) => string) => {
    if (entries.length === 0) return;
    shortened ||= !verbose && entries.length > USERS_NAMED;
    lines.push(`  ${label} (${entries.length}): ${firstOf(entries, show, verbose)}`);
  };
  list('created', created, terminalText);
  list('restored', restored, terminalText);
  list('renamed', renames, (c) => `${terminalText(c.fromUserPrincipalName)} → ${terminalText(c.userPrincipalName)}`);
  list('changed', changed, terminalText);
  list('deleted', deleted, terminalText);
  list('purged', purged, terminalText);
  if (shortened) lines.push('  (--verbose names every user; `tenantctl history` keeps every change)');
  for (const p of result.purchases) {
    lines.push(`  bought ${p.quantity} × ${terminalText(p.sku)} (${terminalText(p.productName)}) at ${formatMoney(p.unitPrice, p.currency)}: +${formatMoney(p.monthlyCost, p.currency)}/month`);
  }
  const recorded = result.settingsRecorded ?? [];
  if (recorded.length > 0) {
    lines.push(`  recorded ${settingCount(recorded.length)}: later plans are held to them`);
    lines.push(...settingLines(recorded).map((line) => `    ${line.sign} ${line.text}`));
  }
  if (result.credentials.length > 0) {
    lines.push('Temporary passwords (never shown here) are queued for delivery:');
    lines.push(...credentialLines(result.credentials, Boolean(options.verbose)));
    lines.push('Send them with: tenantctl deliver');
  }
  return `${lines.join('\n')}\n`;
}
