import { isEmptyPlanDocument, type PlanDocument } from '../plan/plan-document.js';
import { userSections, type ChangeLine, type Sign, type UserSection } from './change-lines.js';
import { formatMoney } from './money.js';
import { planWarnings, summaryLine, unmanagedNote } from './plan-notices.js';

export interface MarkdownOptions {
  /** Hard limit on the comment's length in characters (GitHub allows 65,536). Default 60,000. */
  readonly maxLength?: number;
}

export const DEFAULT_MARKDOWN_MAX_LENGTH = 60_000;

/** Text for markdown prose and table cells: no HTML, links, emphasis, code or cell breaks. */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_{}[\]#|~$]/g, (c) => `\\${c}`)
    .replace(/\r?\n|\r/g, ' ')
    .replace(/^([+-])/, '\\$1');
}

/** Text inside raw HTML (`<summary>`), where markdown escapes do not apply. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** GitHub's `diff` highlighting knows `+`, `-` and `!` (changed) at the start of a line. */
const DIFF_SIGN: Record<Sign, string> = { '+': '+', '-': '-', '~': '!', ' ': ' ' };

const diffLine = (line: ChangeLine) => `${DIFF_SIGN[line.sign]} ${'  '.repeat(line.depth)}${line.text}`.trimEnd();

/** A code fence longer than any run of backticks inside, so no value can close it. */
function fenced(info: string, lines: readonly string[]): string {
  const longest = Math.max(0, ...lines.map((line) => Math.max(0, ...(line.match(/`+/g) ?? []).map((run) => run.length))));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return [`${fence}${info}`, ...lines, fence].join('\n');
}

function userDetails(section: UserSection): string {
  const summary = `<code>${section.sign} ${escapeHtml(section.userPrincipalName)}</code> ${escapeHtml(section.note)}`;
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
    row([String(create), String(restore), String(rename), String(update), String(deletions), String(seatsToPurchase), escapeMarkdown(cost)]),
  ].join('\n');
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
        escapeMarkdown(p.sku),
        escapeMarkdown(p.productName),
        String(p.quantity),
        escapeMarkdown(formatMoney(p.unitPrice, p.currency)),
        escapeMarkdown(formatMoney(p.monthlyCost, p.currency)),
        p.reclaimable.length === 0
          ? 'none'
          : p.reclaimable.map((seat) => `${escapeMarkdown(seat.userPrincipalName)} (${escapeMarkdown(formatMoney(seat.monthlyCost, p.currency))})`).join(', '),
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
    ...plan.freedSeats.map((f) =>
      row([escapeMarkdown(f.sku), String(f.quantity), escapeMarkdown(formatMoney(f.monthlyValue, plan.cost.currency))]),
    ),
  ].join('\n');
}

function warningAlert(plan: PlanDocument): string | null {
  const warnings = planWarnings(plan);
  if (warnings.length === 0) return null;
  return ['> [!WARNING]', ...warnings.map((warning) => `> - ${escapeMarkdown(warning)}`)].join('\n');
}

function omissionNote(omitted: readonly UserSection[], total: number, maxLength: number): string {
  const first = omitted[0] ? ` (${escapeMarkdown(omitted[0].userPrincipalName)} and the users after it)` : '';
  return [
    '> [!NOTE]',
    `> The details of ${omitted.length} of ${total} users${first} were left out to keep this comment under ${maxLength} characters. ` +
      'See every change with `tenantctl plan -c PATH --format text`, or in the JSON plan (`tenantctl plan -c PATH --format json`).',
  ].join('\n');
}

const join = (blocks: readonly string[]) => `${blocks.join('\n\n')}\n`;

/** Cuts at a character boundary (not inside a surrogate pair), for the last-resort truncation. */
function truncate(text: string, maxLength: number): string {
  const marker = '\n\n… (truncated)\n';
  if (maxLength <= marker.length) return text.slice(0, Math.max(0, maxLength));
  let end = maxLength - marker.length;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${text.slice(0, end)}${marker}`;
}

/** Title, then either "no changes" or warnings, summary table, seats and the users left alone. */
function headBlocks(plan: PlanDocument): string[] {
  const unmanaged = unmanagedNote(plan);
  const overview = isEmptyPlanDocument(plan)
    ? [escapeMarkdown(summaryLine(plan))]
    : [warningAlert(plan), summaryTable(plan), purchasesTable(plan), freedSeatsTable(plan)];
  return ['## tenantctl plan', ...overview, unmanaged ? escapeMarkdown(unmanaged) : null].filter((block): block is string => block !== null);
}

/**
 * The per-user details that fit: all of them, or as many as fit from the
 * start followed by a note on the rest. Every block costs its length plus the
 * blank line joining it; the note is sized for the worst case (every user left
 * out, named by the longest UPN) so the real one always fits.
 */
function detailBlocks(sections: readonly UserSection[], budget: number, maxLength: number): string[] {
  const heading = `### Changes per user (${sections.length})`;
  const details = sections.map(userDetails);
  const separator = '\n\n'.length;
  const cost = (blocks: readonly string[]) => blocks.reduce((sum, block) => sum + block.length + separator, 0);
  if (cost([heading, ...details]) <= budget) return [heading, ...details];

  const named = (section: UserSection) => escapeMarkdown(section.userPrincipalName).length;
  const longest = sections.reduce((a, b) => (named(b) > named(a) ? b : a));
  let used = cost([heading, omissionNote([longest, ...sections.slice(1)], sections.length, maxLength)]);
  let kept = 0;
  for (const block of details) {
    if (used + block.length + separator > budget) break;
    used += block.length + separator;
    kept++;
  }
  return [heading, ...details.slice(0, kept), omissionNote(sections.slice(kept), sections.length, maxLength)];
}

/**
 * The plan as a pull-request comment: title, warnings and a summary table
 * first, then purchases, freed seats, and each user's changes in a collapsed
 * `diff` block. Never longer than `maxLength`: per-user details are cut from
 * the end, with a note saying how many were left out and where to see them.
 */
export function renderMarkdown(plan: PlanDocument, options: MarkdownOptions = {}): string {
  const maxLength = options.maxLength ?? DEFAULT_MARKDOWN_MAX_LENGTH;
  const head = headBlocks(plan);
  const footer = `<sub>tenantctl ${escapeHtml(plan.tenantctlVersion)} · plan ${escapeHtml(plan.planHash.slice(0, 'sha256:'.length + 12))}</sub>`;
  const sections = userSections(plan);
  const budget = maxLength - join([...head, footer]).length;
  const text = join([...head, ...(sections.length > 0 ? detailBlocks(sections, budget, maxLength) : []), footer]);
  // Only a head longer than the limit on its own gets here (it is not expected to).
  return text.length <= maxLength ? text : truncate(text, maxLength);
}
