import type { ApplyResult } from '../apply/apply-plan.js';
import { terminalText } from './escape-terminal.js';
import { formatMoney } from './money.js';

const names = (values: readonly string[]) => values.map(terminalText).join(', ');

/** Up to this many new credentials are listed one per line; more are summarised by recipients. */
export const CREDENTIALS_LISTED = 20;

export interface ApplyResultOptions {
  /** List every credential, however many. */
  readonly verbose?: boolean;
}

const NOBODY = 'nobody (no notify, no settings.adminEmail): reset the password to send new credentials';

function credentialLines(credentials: ApplyResult['credentials'], verbose: boolean): string[] {
  if (verbose || credentials.length <= CREDENTIALS_LISTED) {
    return credentials.map((c) => `  ${terminalText(c.userPrincipalName)} → ${c.recipients.length > 0 ? names(c.recipients) : NOBODY}`);
  }
  // Hundreds of new users: one line per set of recipients, largest first.
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
  return [...lines, '  (--verbose lists each user)'];
}

/**
 * The confirmation screen: what was created, restored, renamed, changed, deleted and bought,
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
  // A rename is the same account under a new UPN: named with both, as the plan shows it.
  const renames = result.changes.flatMap((c) => (c.kind === 'user.rename' ? [c] : []));
  const lifecycle = new Set([...created, ...restored, ...deleted, ...renames.map((c) => c.userPrincipalName)]);
  const changed = [...new Set(result.changes.map((c) => c.userPrincipalName))].filter((upn) => !lifecycle.has(upn));
  const lines = [`Apply #${result.applyId} complete: ${result.changes.length} change(s) committed in one transaction.`];
  const list = (label: string, upns: readonly string[]) => {
    if (upns.length > 0) lines.push(`  ${label} (${upns.length}): ${names(upns)}`);
  };
  list('created', created);
  list('restored', restored);
  if (renames.length > 0) {
    lines.push(`  renamed (${renames.length}): ${renames.map((c) => `${terminalText(c.fromUserPrincipalName)} → ${terminalText(c.userPrincipalName)}`).join(', ')}`);
  }
  list('changed', changed);
  list('deleted', deleted);
  for (const p of result.purchases) {
    lines.push(`  bought ${p.quantity} × ${terminalText(p.sku)} (${terminalText(p.productName)}) at ${formatMoney(p.unitPrice, p.currency)}: +${formatMoney(p.monthlyCost, p.currency)}/month`);
  }
  if (result.credentials.length > 0) {
    lines.push('Temporary passwords (never shown here) are queued for delivery:');
    lines.push(...credentialLines(result.credentials, Boolean(options.verbose)));
    lines.push('Send them with: tenantctl deliver');
  }
  return `${lines.join('\n')}\n`;
}
