import type { DriftDocument } from '../drift/drift-document.js';
import type { DriftClass, DriftFinding, DriftFindingOf } from '../drift/finding.js';
import { driftHeadline, driftSections, fieldLabel, fieldValue, findingText, licenseText, NEXT_STEPS, noticeLine, type DriftSection } from './drift-lines.js';
import { escapeHtml, escapeMarkdown } from './markdown.js';
import { formatMoney } from './money.js';

const row = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
const cell = (text: string) => (text === '' ? ' ' : escapeMarkdown(text));

function table(header: readonly string[], align: readonly string[], rows: readonly (readonly string[])[]): string {
  return [row(header), row(align), ...rows.map((cells) => row(cells.map(cell)))].join('\n');
}

type Unmanaged = DriftFindingOf<'user.unmanaged'>;

function unmanagedTable(findings: readonly DriftFinding[]): string {
  const users = findings.filter((f): f is Unmanaged => f.kind === 'user.unmanaged');
  return table(
    ['User', 'Display name', 'Roles', 'Licenses', 'Sign-in', 'Severity'],
    ['---', '---', '---', '---', '---', '---'],
    users.map((f) => [
      f.userPrincipalName,
      f.displayName,
      f.roles.map((role) => role.displayName).join(', ') || '(none)',
      f.licenses.map(licenseText).join(', ') || '(none)',
      f.accountEnabled ? 'allowed' : 'blocked',
      f.severity,
    ]),
  );
}

function changedTable(findings: readonly DriftFinding[]): string {
  const rows = findings.flatMap((f) => {
    if (f.kind !== 'user.changed') return [];
    const trace = findingText(f).trace ?? '';
    return f.fields.map((field) => [f.userPrincipalName, fieldLabel(field), fieldValue(field, 'expected'), fieldValue(field, 'actual'), trace]);
  });
  return table(['User', 'Field', 'Expected (git)', 'Actual (tenant)', 'Last apply'], ['---', '---', '---', '---', '---'], rows);
}

function lifecycleTable(findings: readonly DriftFinding[]): string {
  return table(
    ['User', 'Finding', 'Severity', 'Last apply'],
    ['---', '---', '---', '---'],
    findings.map((f) => {
      const text = findingText(f);
      const detail = [text.summary, ...text.details.map((line) => line.text)].filter((part) => part !== '').join('; ');
      return [text.subject, detail, f.severity, text.trace ?? ''];
    }),
  );
}

function seatsTable(findings: readonly DriftFinding[]): string {
  return table(
    ['Subscription', 'Product', 'Seats bought', 'Assigned', 'Difference', 'Monthly cost'],
    ['---', '---', '---:', '---:', '---', '---:'],
    findings.flatMap((f) => {
      if (f.kind === 'seats.unused') {
        return [[f.sku, f.productName, String(f.purchased), String(f.consumed), `${f.unused} unused`, formatMoney(f.monthlyCost, f.currency)]];
      }
      if (f.kind === 'seats.overconsumed') {
        return [[f.sku, f.productName, String(f.purchased), String(f.consumed), `${f.excess} over`, `+${formatMoney(f.monthlyCost, f.currency)}`]];
      }
      return [];
    }),
  );
}

function passwordsTable(findings: readonly DriftFinding[]): string {
  return table(
    ['User', 'Set', 'Expired', 'Days overdue', 'Last apply'],
    ['---', '---', '---', '---:', '---'],
    findings.flatMap((f) =>
      f.kind === 'password.expired'
        ? [[f.userPrincipalName, f.passwordSetAt?.slice(0, 10) ?? 'unknown', f.passwordExpiresAt.slice(0, 10), String(f.daysOverdue), findingText(f).trace ?? '']]
        : [],
    ),
  );
}

/** The table each class is shown in. A class nobody tabulates fails to compile. */
const TABLES: Record<DriftClass, (findings: readonly DriftFinding[]) => string> = {
  privileged: unmanagedTable,
  changed: changedTable,
  lifecycle: lifecycleTable,
  unmanaged: unmanagedTable,
  seats: seatsTable,
  passwords: passwordsTable,
};

function sectionBlock(section: DriftSection): string {
  return [`### ${escapeMarkdown(section.title)} (${section.findings.length})`, '', TABLES[section.driftClass](section.findings)].join('\n');
}

/** The finding an auditor must not miss, as a GitHub alert above everything else. */
function privilegedAlert(drift: DriftDocument): string | null {
  const users = drift.findings.filter((f): f is Unmanaged => f.kind === 'user.unmanaged' && f.privileged);
  if (users.length === 0) return null;
  return [
    '> [!CAUTION]',
    ...users.map(
      (f) =>
        `> ${escapeMarkdown(f.userPrincipalName)} holds ${escapeMarkdown(f.roles.filter((r) => r.privileged).map((r) => r.displayName).join(', '))} ` +
        'and is not managed by tenantctl.',
    ),
  ].join('\n');
}

/**
 * The drift report for an issue or a chat message: title, headline and the
 * cost of unused seats, an alert for privileged unmanaged users, then one
 * table per class. Every value from the tenant or the configuration is
 * escaped, so no user name or attribute can inject markup.
 */
export function renderDriftMarkdown(drift: DriftDocument): string {
  const notice = noticeLine(drift);
  const headline = `**${escapeMarkdown(driftHeadline(drift))}**${notice ? ` ${escapeMarkdown(notice)}` : ''}`;
  const footer = `<sub>tenantctl ${escapeHtml(drift.tenantctlVersion)} · checked ${escapeHtml(drift.checkedAt)}</sub>`;
  const blocks = [
    '## tenantctl drift',
    headline,
    privilegedAlert(drift),
    ...driftSections(drift).map(sectionBlock),
    // Our own words, with code spans meant as such: no value from the tenant in it.
    drift.drift ? NEXT_STEPS : null,
    footer,
  ].filter((block): block is string => block !== null);
  return `${blocks.join('\n\n')}\n`;
}
