import type { ApplyResult } from '../apply/apply-plan.js';
import { terminalText } from './escape-terminal.js';
import { formatMoney } from './money.js';

const names = (values: readonly string[]) => values.map(terminalText).join(', ');

/**
 * The confirmation screen: what was created, changed, deleted and bought,
 * and where each new user's credentials go. Never a password. UPNs,
 * recipients, skus and product names are shown through `terminalText`.
 */
export function renderApplyResult(result: ApplyResult): string {
  const users = (kinds: readonly string[]) => [
    ...new Set(result.changes.filter((c) => kinds.includes(c.kind)).map((c) => c.userPrincipalName)),
  ];
  const created = users(['user.create']);
  const restored = users(['user.restore']);
  const deleted = users(['user.delete']);
  const lifecycle = new Set([...created, ...restored, ...deleted]);
  const changed = [...new Set(result.changes.map((c) => c.userPrincipalName))].filter((upn) => !lifecycle.has(upn));
  const lines = [`Apply #${result.applyId} complete: ${result.changes.length} change(s) committed in one transaction.`];
  const list = (label: string, upns: readonly string[]) => {
    if (upns.length > 0) lines.push(`  ${label} (${upns.length}): ${names(upns)}`);
  };
  list('created', created);
  list('restored', restored);
  list('changed', changed);
  list('deleted', deleted);
  for (const p of result.purchases) {
    lines.push(`  bought ${p.quantity} × ${terminalText(p.sku)} (${terminalText(p.productName)}) at ${formatMoney(p.unitPrice, p.currency)}: +${formatMoney(p.monthlyCost, p.currency)}/month`);
  }
  if (result.credentials.length > 0) {
    lines.push('Temporary passwords (never shown here) are queued for delivery:');
    for (const c of result.credentials) {
      lines.push(
        c.recipients.length > 0
          ? `  ${terminalText(c.userPrincipalName)} → ${names(c.recipients)}`
          : `  ${terminalText(c.userPrincipalName)} → nobody (no notify, no settings.adminEmail): reset the password to send new credentials`,
      );
    }
    lines.push('Send them with: tenantctl deliver');
  }
  return `${lines.join('\n')}\n`;
}
