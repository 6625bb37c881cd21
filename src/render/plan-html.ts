import { isEmptyPlanDocument, type PlanDocument } from '../plan/plan-document.js';
import { changeLines, type DocumentChange, type LineContext } from './change-lines.js';
import { htmlSentences, htmlText, htmlValue } from './escape-html.js';
import { htmlPage } from './html-page.js';
import { badge, cards, filterForm, kindCounts, lines, section, table, type Markup } from './html-parts.js';
import { formatMoney } from './money.js';
import { APPROVAL_FLAGS, planWarnings, summaryLine, unmanagedNote } from './plan-notices.js';
import { settingCount, settingLines } from './setting-lines.js';

/**
 * The plan as one self-contained HTML page for auditors and CI artifacts:
 * the summary and everything that needs approval first (the approvals apply
 * will ask for, purchases with their cost, deletions, privileged changes),
 * then every change, one row each, grouped by user, with a kind filter and a
 * text search that work from a file. Same wording as the text and markdown
 * views (change-lines.ts, plan-notices.ts); every value through `htmlText`.
 */

const money = (amount: number, currency: string) => htmlText(formatMoney(amount, currency));

function header(plan: PlanDocument): Markup {
  const meta = [
    `tenantctl ${plan.tenantctlVersion}`,
    `plan ${plan.planHash.slice(0, 'sha256:'.length + 12)}`,
    ...(plan.gitCommit ? [`commit ${plan.gitCommit}`] : []),
    ...(plan.configHash ? [`configuration ${plan.configHash.slice(0, 'sha256:'.length + 12)}`] : []),
  ];
  return ['<header>', '<h1>tenantctl plan</h1>', `<p class="lead">${htmlText(summaryLine(plan))}</p>`, `<p class="meta">${meta.map(htmlText).join(' · ')}</p>`, '</header>'].join('\n');
}

function summaryCards(plan: PlanDocument): Markup {
  const { create, restore, rename, update, delete: deletions, seatsToPurchase } = plan.summary;
  const increase = formatMoney(plan.cost.monthlyIncrease, plan.cost.currency);
  return cards([
    ['To create', String(create)],
    ['To restore', String(restore)],
    ['To rename', String(rename)],
    ['To update', String(update)],
    ['To delete', String(deletions)],
    ['Seats to purchase', String(seatsToPurchase)],
    ['Monthly cost', plan.cost.monthlyIncrease > 0 ? `+${increase}` : increase],
  ]);
}

function approvalSection(plan: PlanDocument): Markup | null {
  const warnings = htmlSentences((show) => planWarnings(plan, show));
  if (warnings.length === 0 && plan.approvals.length === 0) return null;
  const flags = plan.approvals.map((approval) => badge(`${approval}: ${APPROVAL_FLAGS[approval]}`, 'needs')).join(' ');
  return section(
    // Counts the approvals (flags), where the markdown comment's heading counts the changes needing them.
    plan.approvals.length > 0 ? `Needs ${plan.approvals.length} ${plan.approvals.length === 1 ? 'approval' : 'approvals'}` : 'Warnings',
    [...(flags ? [`<p id="approvals">${flags}</p>`] : []), `<ul class="warnings">${warnings.map((w) => `<li>${w}</li>`).join('')}</ul>`],
    plan.approvals.length > 0 ? 'alert' : 'warn',
  );
}

/** The settings applying the plan records, as the latest apply recorded them and as they will be. */
function settingsSection(plan: PlanDocument): Markup | null {
  const records = plan.settingsToRecord ?? [];
  if (records.length === 0) return null;
  return section(`Settings to record (${settingCount(records.length)})`, [
    '<p class="muted">Applying this plan records them: the limits plans are held to, and where temporary passwords are copied, change with it.</p>',
    lines(settingLines(records)),
  ]);
}

function purchasesSection(plan: PlanDocument): Markup | null {
  if (plan.purchases.length === 0) return null;
  const rows = plan.purchases.map((p) => ({
    cells: [
      htmlValue(p.sku),
      htmlValue(p.productName),
      `${p.quantity}${p.spare > 0 ? ` <span class="muted">(${p.spare} spare)</span>` : ''}`,
      money(p.unitPrice, p.currency),
      money(p.monthlyCost, p.currency),
      p.reclaimable.length === 0
        ? '<span class="muted">none</span>'
        : p.reclaimable.map((seat) => `${htmlValue(seat.userPrincipalName)} (${money(seat.monthlyCost, p.currency)})`).join(', '),
    ],
  }));
  const total = `<p>Total: <strong>+${money(plan.cost.monthlyIncrease, plan.cost.currency)}</strong> per month (approve with <code>--approve-purchases</code>).</p>`;
  return section(
    `Purchases (${plan.purchases.length})`,
    [
      table(
        [{ title: 'Subscription' }, { title: 'Product' }, { title: 'Seats', numeric: true }, { title: 'Unit price', numeric: true }, { title: 'Monthly cost', numeric: true }, { title: 'Reclaimable instead (blocked users)' }],
        rows,
        { id: 'purchases' },
      ),
      total,
    ],
    'alert',
  );
}

const needsCell = (change: DocumentChange) => change.risks.map((risk) => badge(risk, risk === 'purchase' || risk === 'sign-in-blocked' ? undefined : 'needs')).join(' ');

/** A list of changes that carry one risk: user, change, what it needs. */
function riskSection(plan: PlanDocument, title: string, id: string, pick: (change: DocumentChange) => boolean, context: LineContext): Markup | null {
  const picked = plan.changes.filter(pick);
  if (picked.length === 0) return null;
  const rows = picked.map((change) => ({ cells: [htmlValue(change.userPrincipalName), htmlText(change.kind), lines(changeLines(change, context)), needsCell(change)] }));
  return section(`${title} (${picked.length})`, [table([{ title: 'User' }, { title: 'Kind' }, { title: 'Change' }, { title: 'Risks' }], rows, { id })], 'alert');
}

function freedSection(plan: PlanDocument): Markup | null {
  if (plan.freedSeats.length === 0) return null;
  const rows = plan.freedSeats.map((f) => ({ cells: [htmlValue(f.sku), String(f.quantity), money(f.monthlyValue, plan.cost.currency)] }));
  return section('Freed seats', [
    '<p class="muted">These seats stay billed until the subscription is reduced.</p>',
    table([{ title: 'Subscription' }, { title: 'Seats', numeric: true }, { title: 'Monthly value', numeric: true }], rows),
  ]);
}

function changesSection(plan: PlanDocument, context: LineContext): Markup | null {
  if (plan.changes.length === 0) return null;
  const users = new Set(plan.changes.map((change) => change.userPrincipalName.toLowerCase())).size;
  let previous = '';
  const rows = plan.changes.map((change) => {
    // The user is named on every row (search and filter show rows alone), dimmed when it repeats.
    const same = change.userPrincipalName.toLowerCase() === previous;
    previous = change.userPrincipalName.toLowerCase();
    const user = same ? `<span class="muted">${htmlValue(change.userPrincipalName)}</span>` : `<strong>${htmlValue(change.userPrincipalName)}</strong>`;
    return { kind: change.kind, cells: [user, htmlText(change.kind), lines(changeLines(change, context)), needsCell(change)] };
  });
  return section(`Changes per user (${plan.changes.length} changes, ${users} users)`, [
    filterForm(kindCounts(plan.changes.map((change) => change.kind)), 'role, license'),
    table([{ title: 'User' }, { title: 'Kind' }, { title: 'Change' }, { title: 'Risks' }], rows, { id: 'changes', filterable: true }),
  ]);
}

/** The whole page; an empty plan says so and shows only the summary. */
export function renderPlanHtml(plan: PlanDocument): string {
  const context: LineContext = { adminEmail: plan.settings.adminEmail };
  const unmanaged = htmlSentences((show) => [unmanagedNote(plan, show)].filter((note): note is string => note !== null));
  const parts = isEmptyPlanDocument(plan)
    ? [header(plan), summaryCards(plan), approvalSection(plan), ...unmanaged.map((note) => `<p>${note}</p>`)]
    : [
        header(plan),
        summaryCards(plan),
        approvalSection(plan),
        settingsSection(plan),
        purchasesSection(plan),
        riskSection(plan, 'Deletions', 'deletions', (change) => change.kind === 'user.delete', context),
        riskSection(plan, 'Privileged changes', 'privileged', (change) => change.risks.includes('privileged'), context),
        freedSection(plan),
        ...unmanaged.map((note) => section('Users left alone', [`<p>${note}</p>`])),
        changesSection(plan, context),
      ];
  const footer = `<footer>${htmlText(`Made by tenantctl ${plan.tenantctlVersion}. Apply exactly this plan with: tenantctl plan -c PATH --out plan.json, then tenantctl apply --plan plan.json -c PATH.`)}</footer>`;
  return htmlPage({ title: 'tenantctl plan', body: [...parts.filter((part): part is Markup => part !== null), footer].join('\n') });
}
