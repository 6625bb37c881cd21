import type { RiskClass } from '../plan/change.js';
import type { Approval } from '../plan/plan.js';
import { isEmptyPlanDocument, type PlanDocument } from '../plan/plan-document.js';
import { changeLines, passwordSource, SENT_TO, userSections, type ChangeLine, type DocumentChange, type Sign, type UserSection } from './change-lines.js';
import { MARKDOWN_KEPT_VALUE_MAX, markdownCell, markdownHtml, markdownSentences, markdownWords } from './escape-markdown.js';
import { countThatFit, joinBlocks, joinedLength, truncate } from './markdown-budget.js';
import { formatMoney } from './money.js';
import { planWarnings, RECLAIMABLE_NAMES, reclaimableTotal, summaryLine, unmanagedNote } from './plan-notices.js';
import { settingCount, settingLines } from './setting-lines.js';

export interface MarkdownOptions {
  /** Hard limit on the comment's length in characters (GitHub allows 65,536). Default 60,000. */
  readonly maxLength?: number;
}

export const DEFAULT_MARKDOWN_MAX_LENGTH = 60_000;

/** Text inside raw HTML, where markdown escapes do not apply. Untrusted values: `markdownHtml`. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * Changes a reviewer approves one by one, most binding first: listed in full
 * before any detail. Purchases are approved as a whole, from the purchases
 * table, which is never cut either.
 */
export const APPROVAL_RISKS: readonly RiskClass[] = ['privileged', 'deletion'];

/** The approval a risk of APPROVAL_RISKS asks for: a deletion only above the plan's threshold. */
const APPROVAL_OF: Readonly<Record<string, Approval>> = { privileged: 'privileged', deletion: 'deletions' };

/** The order of the per-user details: what needs approval, then blocked sign-ins, then the rest. */
const DETAIL_ORDER: readonly RiskClass[] = [...APPROVAL_RISKS, 'purchase', 'sign-in-blocked'];

const rank = (risks: readonly RiskClass[], order: readonly RiskClass[]) => {
  const index = order.findIndex((risk) => risks.includes(risk));
  return index === -1 ? order.length : index;
};

/** GitHub's `diff` highlighting knows `+`, `-` and `!` (changed) at the start of a line. */
const DIFF_SIGN: Record<Sign, string> = { '+': '+', '-': '-', '~': '!', ' ': ' ' };

// Line texts are terminal-safe already (visible), and a code block shows them literally.
const diffLine = (line: ChangeLine) => `${DIFF_SIGN[line.sign]} ${'  '.repeat(line.depth)}${line.text}`.trimEnd();

/** A code fence longer than any run of backticks inside, so no value can close it. */
function fenced(info: string, lines: readonly string[]): string {
  const longest = Math.max(0, ...lines.map((line) => Math.max(0, ...(line.match(/`+/g) ?? []).map((run) => run.length))));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return [`${fence}${info}`, ...lines, fence].join('\n');
}

function userDetails(section: UserSection): string {
  const summary = `<code>${section.sign} ${markdownHtml(section.userPrincipalName)}</code> ${markdownHtml(section.note)}`;
  return [`<details><summary>${summary}</summary>`, '', fenced('diff', section.lines.map(diffLine)), '', '</details>'].join('\n');
}

const row = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;

function summaryTable(plan: PlanDocument): string {
  const { create, restore, rename, update, delete: deletions, seatsToPurchase } = plan.summary;
  const increase = formatMoney(plan.cost.monthlyIncrease, plan.cost.currency);
  const cost = plan.cost.monthlyIncrease > 0 ? `+${increase}` : increase;
  return [
    row(['To create', 'To restore', 'To rename', 'To update', 'To delete', 'Seats to purchase', 'Monthly cost']),
    row(['---:', '---:', '---:', '---:', '---:', '---:', '---:']),
    row([String(create), String(restore), String(rename), String(update), String(deletions), String(seatsToPurchase), markdownWords(cost)]),
  ].join('\n');
}

/** As many names as the text plan gives: the table is never cut, so a cell must stay short whatever the plan. */
function reclaimableCell(purchase: PlanDocument['purchases'][number]): string {
  const seats = purchase.reclaimable;
  if (seats.length === 0) return 'none';
  const named = seats.slice(0, RECLAIMABLE_NAMES).map((seat) => `${markdownCell(seat.userPrincipalName, MARKDOWN_KEPT_VALUE_MAX)} (${markdownWords(formatMoney(seat.monthlyCost, purchase.currency))})`);
  if (seats.length === named.length) return named.join(', ');
  const total = reclaimableTotal(purchase);
  return `${named.join(', ')} and ${seats.length - named.length} more (${seats.length} seats, ${markdownWords(formatMoney(total, purchase.currency))}/month in all)`;
}

function purchasesTable(plan: PlanDocument): string | null {
  if (plan.purchases.length === 0) return null;
  return [
    '### Purchases',
    '',
    row(['Subscription', 'Product', 'Seats', 'Unit price', 'Monthly cost', 'Reclaimable instead (blocked users)']),
    row(['---', '---', '---:', '---:', '---:', '---']),
    ...plan.purchases.map((p) =>
      row([
        markdownCell(p.sku, MARKDOWN_KEPT_VALUE_MAX),
        markdownCell(p.productName, MARKDOWN_KEPT_VALUE_MAX),
        String(p.quantity),
        markdownWords(formatMoney(p.unitPrice, p.currency)),
        markdownWords(formatMoney(p.monthlyCost, p.currency)),
        reclaimableCell(p),
      ]),
    ),
  ].join('\n');
}

function freedSeatsTable(plan: PlanDocument): string | null {
  if (plan.freedSeats.length === 0) return null;
  return [
    '### Freed seats',
    '',
    'These seats stay billed until the subscription is reduced.',
    '',
    row(['Subscription', 'Seats', 'Monthly value']),
    row(['---', '---:', '---:']),
    ...plan.freedSeats.map((f) => row([markdownCell(f.sku, MARKDOWN_KEPT_VALUE_MAX), String(f.quantity), markdownWords(formatMoney(f.monthlyValue, plan.cost.currency))])),
  ].join('\n');
}

/** What applying the plan records, as a `diff` block; never cut (a setting per subscription at most). */
function settingsBlock(plan: PlanDocument): string | null {
  const lines = settingLines(plan.settingsToRecord ?? []);
  if (lines.length === 0) return null;
  return [`### Settings to record (${settingCount(lines.length)})`, '', fenced('diff', lines.map(diffLine))].join('\n');
}

function warningAlert(plan: PlanDocument): string | null {
  const warnings = markdownSentences((show) => planWarnings(plan, show), { maxValue: MARKDOWN_KEPT_VALUE_MAX });
  if (warnings.length === 0) return null;
  return ['> [!WARNING]', ...warnings.map((warning) => `> - ${warning}`)].join('\n');
}

/** One row per change that needs approval, most binding first: `| user | change | needs |`. */
function approvalRows(plan: PlanDocument): string[] {
  const context = { adminEmail: plan.settings.adminEmail };
  // Changes marked deletion (deletions, and the blocks and licence removals the threshold counts with them)
  // need no --approve-deletions within the threshold: listing them here would say they did.
  const needed = APPROVAL_RISKS.filter((risk) => plan.approvals.includes(APPROVAL_OF[risk] ?? 'privileged'));
  return plan.changes
    .map((change, index) => ({ change, index, rank: rank(change.risks, needed) }))
    .filter(({ rank: r }) => r < needed.length)
    .sort((a, b) => a.rank - b.rank || a.index - b.index)
    .map(({ change }: { change: DocumentChange }) => {
      const lines = changeLines(change, context);
      // A creation needs approval for where its temporary password goes (the account is an admin's), not for its first
      // attribute; and for where it comes from, when that is a variable (passwordSource): its value is the password.
      const sent = change.kind === 'user.create' ? lines.find((l) => l.text.startsWith(SENT_TO)) : undefined;
      const first = sent ?? lines[0];
      const from = sent && change.kind === 'user.create' ? passwordSource(change.password) : '';
      const what = first ? `${first.sign} ${from ? `password${from}; ` : ''}${first.text}` : change.kind;
      const needs = needed.filter((risk) => change.risks.includes(risk)).join(', ');
      return row([markdownCell(change.userPrincipalName), markdownCell(what), markdownWords(needs)]);
    });
}

function approvalBlock(rows: readonly string[], shown: number): string | null {
  if (rows.length === 0) return null;
  const left = rows.length - shown;
  const note = left > 0 ? [`${left} more of the ${rows.length} changes needing approval are not listed here, to stay under the comment size limit; the warnings above count them all, and the saved plan lists every one.`] : [];
  return [
    `### Needs approval (${rows.length} ${rows.length === 1 ? 'change' : 'changes'})`,
    '',
    row(['User', 'Change', 'Needs']),
    row(['---', '---', '---']),
    ...rows.slice(0, shown),
    ...(note.length > 0 ? ['', ...note.map(markdownWords)] : []),
  ].join('\n');
}

function omissionNote(omitted: number, total: number, maxLength: number, approvalsComplete: boolean): string {
  const kept = [
    ...(approvalsComplete ? ['every change needing approval is listed above'] : []),
    // With none shown, there is no order to speak of.
    ...(omitted < total ? ['the users shown come first by importance (approvals, then purchases, then blocked sign-ins)'] : []),
  ];
  return [
    '> [!NOTE]',
    `> The details of ${omitted} of ${total} users were left out to keep this comment under ${maxLength} characters${kept.length > 0 ? `; ${kept.join(', and ')}` : ''}. ` +
      'See every change in the saved plan (`tenantctl plan --out plan.json`, kept as the pipeline\'s artifact) ' +
      'or with `tenantctl plan -c PATH --format json`.',
  ].join('\n');
}

/** The per-user sections, what needs approval first; otherwise in plan order (by user). */
function byImportance(sections: readonly UserSection[]): UserSection[] {
  return sections
    .map((section, index) => ({ section, index, rank: rank(section.risks, DETAIL_ORDER) }))
    .sort((a, b) => a.rank - b.rank || a.index - b.index)
    .map(({ section }) => section);
}

/**
 * The plan as a pull-request comment: title, warnings and a summary table
 * first, then purchases, freed seats, every change that needs approval, and
 * each user's changes in a collapsed `diff` block, the users with changes
 * needing approval first. Never longer than `maxLength`: the summary, the
 * warnings and the approval list are kept; per-user details are cut from the
 * end, with a note saying how many were left out and where to see them all.
 * Only a plan whose approval list alone overflows has that list cut (with a
 * count); values are code spans or fenced code, never live markdown.
 */
export function renderMarkdown(plan: PlanDocument, options: MarkdownOptions = {}): string {
  const maxLength = options.maxLength ?? DEFAULT_MARKDOWN_MAX_LENGTH;
  const footer = `<sub>tenantctl ${markdownHtml(plan.tenantctlVersion)} · plan ${markdownHtml(plan.planHash.slice(0, 'sha256:'.length + 12))}</sub>`;
  const unmanaged = markdownSentences((show) => [unmanagedNote(plan, show)].filter((note): note is string => note !== null), { maxValue: MARKDOWN_KEPT_VALUE_MAX });
  // An empty plan's warnings too: a pull request that only changes settings (a raised deletion limit, where
  // temporary passwords are copied) changes no user, and its comment said no more than "No changes".
  // So is one that only records settings: no table of users' changes, all of them nought.
  if (isEmptyPlanDocument(plan) || (plan.changes.length === 0 && plan.purchases.length === 0)) {
    const blocks = ['## tenantctl plan', warningAlert(plan), settingsBlock(plan), markdownWords(summaryLine(plan)), ...unmanaged, footer];
    const text = joinBlocks(blocks.filter((block): block is string => block !== null));
    return text.length <= maxLength ? text : truncate(text, maxLength);
  }

  const head = ['## tenantctl plan', warningAlert(plan), summaryTable(plan), settingsBlock(plan), purchasesTable(plan), freedSeatsTable(plan)].filter(
    (block): block is string => block !== null,
  );
  const approvals = approvalRows(plan);
  const sections = byImportance(userSections(plan));
  const heading = `### Changes per user (${sections.length})`;
  const details = sections.map(userDetails);
  const all = [...head, approvalBlock(approvals, approvals.length), ...unmanaged, heading, ...details, footer].filter(
    (block): block is string => block !== null,
  );
  if (joinedLength(all) <= maxLength) return joinBlocks(all);

  // Something must go. Measure what stays (the note sized for its longest wording), then
  // give the approval list what it needs and the details what is left.
  // The note's longest wording: some users shown (so it speaks of their order), every approval listed.
  const must = [...head, ...unmanaged, heading, omissionNote(Math.max(0, sections.length - 1), sections.length, maxLength, true), footer];
  const approvalFrame = approvalBlock(approvals, 0);
  const approvalBudget = maxLength - joinedLength(approvalFrame ? [...must, approvalFrame] : must);
  const approvalsShown = Math.min(approvals.length, countThatFit(approvals, approvalBudget, 1));
  const approvalList = approvalBlock(approvals, approvalsShown);
  const withApprovals = approvalList ? [...head, approvalList] : head;
  const detailBudget = maxLength - joinedLength([...withApprovals, ...unmanaged, heading, must.at(-2) ?? '', footer]) - 2;
  const kept = countThatFit(details, detailBudget, 2);
  const text = joinBlocks([
    ...withApprovals,
    ...unmanaged,
    heading,
    ...details.slice(0, kept),
    omissionNote(sections.length - kept, sections.length, maxLength, approvalsShown === approvals.length),
    footer,
  ]);
  // Only a head longer than the limit on its own gets here.
  return text.length <= maxLength ? text : truncate(text, maxLength);
}
