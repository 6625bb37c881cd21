import type { DriftDocument } from '../drift/drift-document.js';
import type { DriftClass, DriftFinding, DriftFindingOf } from '../drift/finding.js';
import { DELETE_UNMANAGED, driftHeadline, driftSections, fieldLabel, fieldValue, findingText, licenseText, NEXT_STEPS, noticeLine, findingTrace, type DriftSection } from './drift-lines.js';
import { MARKDOWN_KEPT_VALUE_MAX, markdownCell, type ShowValue, markdownHtml, markdownSentences, markdownWords } from './escape-markdown.js';
import { countThatFit, joinBlocks, joinedLength, truncate } from './markdown-budget.js';
import { DEFAULT_MARKDOWN_MAX_LENGTH } from './markdown.js';
import { lookalikeText } from './lookalike-text.js';
import { formatMoney } from './money.js';

export interface DriftMarkdownOptions {
  /** Hard limit on the report's length in characters (GitHub allows 65,536). Default 60,000. */
  readonly maxLength?: number;
}

/** A cell is a value (a code span) or tenantctl's words; empty is a space. */
const value = (text: string) => (text === '' ? ' ' : markdownCell(text));
const words = (text: string) => (text === '' ? ' ' : markdownWords(text));
const trace = (finding: DriftFinding) => markdownSentences((show) => [findingTrace(finding, show) ?? ''], { cell: true })[0] || ' ';

const row = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;

/** One rendered table row and the finding it belongs to (a changed user has a row per field). */
interface Row {
  readonly finding: DriftFinding;
  readonly text: string;
}

interface Table {
  readonly header: readonly string[];
  readonly align: readonly string[];
  readonly rows: readonly Row[];
}

type Unmanaged = DriftFindingOf<'user.unmanaged'>;

/** The managed users an unmanaged one looks like, and how: values as code spans, in our words. */
const lookalikes = (f: Unmanaged) => markdownSentences((show) => f.lookalikeOf.map((lookalike) => lookalikeText(lookalike, show, show)), { cell: true }).join('; ') || ' ';

/** A `Looks like` column only where a user of the table looks like a managed one: other tables read as before. */
function unmanagedTable(findings: readonly DriftFinding[]): Table {
  const users = findings.filter((f): f is Unmanaged => f.kind === 'user.unmanaged');
  const lookalikeColumn = users.some((f) => f.lookalikeOf.length > 0);
  return {
    header: ['User', ...(lookalikeColumn ? ['Looks like'] : []), 'Display name', 'Roles', 'Licenses', 'Sign-in', 'Severity', 'Created'],
    align: ['---', ...(lookalikeColumn ? ['---'] : []), '---', '---', '---', '---', '---', '---'],
    rows: users.map((f) => ({
      finding: f,
      text: row([
        value(f.userPrincipalName),
        ...(lookalikeColumn ? [lookalikes(f)] : []),
        value(f.displayName),
        f.roles.length > 0 ? value(f.roles.map((role) => role.displayName).join(', ')) : words('(none)'),
        f.licenses.length > 0 ? value(f.licenses.map(licenseText).join(', ')) : words('(none)'),
        words(f.accountEnabled ? 'allowed' : 'blocked'),
        words(f.severity),
        trace(f),
      ]),
    })),
  };
}

function changedTable(findings: readonly DriftFinding[]): Table {
  return {
    header: ['User', 'Field', 'Expected (git)', 'Actual (tenant)', 'Last change'],
    align: ['---', '---', '---', '---', '---'],
    rows: findings.flatMap((f) =>
      f.kind !== 'user.changed'
        ? []
        : f.fields.map((field) => ({
            finding: f,
            text: row([value(f.userPrincipalName), value(fieldLabel(field)), value(fieldValue(field, 'expected')), value(fieldValue(field, 'actual')), trace(f)]),
          })),
    ),
  };
}

function lifecycleTable(findings: readonly DriftFinding[]): Table {
  return {
    header: ['User', 'Finding', 'Severity', 'Last change'],
    align: ['---', '---', '---', '---'],
    rows: findings.map((f) => {
      const text = findingText(f);
      // The summary is our words; the detail lines quote values.
      const detail = [...(text.summary ? [markdownWords(text.summary)] : []), ...text.details.map((line) => markdownCell(line.text))].join('; ');
      return { finding: f, text: row([value(text.subject), detail || ' ', words(f.severity), trace(f)]) };
    }),
  };
}

function seatsTable(findings: readonly DriftFinding[]): Table {
  return {
    header: ['Subscription', 'Product', 'Seats bought', 'Assigned', 'Difference', 'Monthly cost'],
    align: ['---', '---', '---:', '---:', '---', '---:'],
    rows: findings.flatMap((f) => {
      if (f.kind !== 'seats.unused' && f.kind !== 'seats.overconsumed') return [];
      const difference = f.kind === 'seats.unused' ? `${f.unused} unused` : `${f.excess} over`;
      const cost = `${f.kind === 'seats.overconsumed' ? '+' : ''}${formatMoney(f.monthlyCost, f.currency)}`;
      return [{ finding: f, text: row([value(f.sku), value(f.productName), String(f.purchased), String(f.consumed), words(difference), words(cost)]) }];
    }),
  };
}

function passwordsTable(findings: readonly DriftFinding[]): Table {
  return {
    header: ['User', 'Set', 'Expired', 'Days overdue', 'Last change'],
    align: ['---', '---', '---', '---:', '---'],
    rows: findings.flatMap((f) =>
      f.kind === 'password.expired'
        ? [
            {
              finding: f,
              text: row([value(f.userPrincipalName), words(f.passwordSetAt?.slice(0, 10) ?? 'unknown'), words(f.passwordExpiresAt.slice(0, 10)), String(f.daysOverdue), trace(f)]),
            },
          ]
        : [],
    ),
  };
}

/** The table each class is shown in. A class nobody tabulates fails to compile. */
const TABLES: Record<DriftClass, (findings: readonly DriftFinding[]) => Table> = {
  privileged: unmanagedTable,
  lookalike: unmanagedTable,
  credentials: lifecycleTable,
  changed: changedTable,
  lifecycle: lifecycleTable,
  unmanaged: unmanagedTable,
  seats: seatsTable,
  passwords: passwordsTable,
};

/** Report order: privileged users, look-alikes of managed ones and other unmanaged users first (an auditor's first question), then the rest. */
const FIRST: readonly DriftClass[] = ['privileged', 'lookalike', 'credentials', 'unmanaged'];
const inReportOrder = (sections: readonly DriftSection[]) => [
  ...FIRST.flatMap((c) => sections.filter((s) => s.driftClass === c)),
  ...sections.filter((s) => !FIRST.includes(s.driftClass)),
];

function tableBlock(section: DriftSection, table: Table, shown: number): string {
  const total = section.findings.length;
  const findingsShown = new Set(table.rows.slice(0, shown).map((r) => r.finding)).size;
  const count = findingsShown < total ? `${findingsShown} of ${total} shown` : String(total);
  return [`### ${markdownWords(section.title)} (${count})`, '', row(table.header), row(table.align), ...table.rows.slice(0, shown).map((r) => r.text)].join('\n');
}

/** ` It looks like managed user megan.bowen@contoso.com.` for a privileged look-alike: an admin posing as a colleague. */
function posingAs(f: Unmanaged, show: ShowValue): string {
  const managed = [...new Set(f.lookalikeOf.map((lookalike) => lookalike.userPrincipalName))];
  return managed.length > 0 ? ` It looks like managed user ${managed.map(show).join(', ')}.` : '';
}

/** Privileged unmanaged users the alert names; the rest are counted (the table lists them). */
const ALERT_NAMED = 10;

/**
 * The finding an auditor must not miss, as a GitHub alert above everything
 * else. `listed`: the privileged users' table below lists every one of them
 * (a report cut to its limit may not).
 */
function privilegedAlert(drift: DriftDocument, listed: boolean): string | null {
  const users = drift.findings.filter((f): f is Unmanaged => f.kind === 'user.unmanaged' && f.privileged);
  if (users.length === 0) return null;
  const lines = markdownSentences(
    (show) =>
      users
        .slice(0, ALERT_NAMED)
        .map((f) => `${show(f.userPrincipalName)} holds ${show(f.roles.filter((r) => r.privileged).map((r) => r.displayName).join(', '))} and is not managed by tenantctl.${posingAs(f, show)}`),
    { maxValue: MARKDOWN_KEPT_VALUE_MAX },
  );
  const more = users.length - ALERT_NAMED;
  const where = listed ? 'the table below lists them' : 'the table below lists those that fit, and drift --format json every one';
  if (more > 0) lines.push(markdownWords(`… and ${more} more privileged users nobody manages: ${where}.`));
  lines.push(markdownWords(DELETE_UNMANAGED));
  return ['> [!CAUTION]', ...lines.map((line) => `> ${line}`)].join('\n');
}

/** Counted as the headline counts: its findings, and the notices (unused seats, deleted users) beside them. */
function omissionNote(left: number, drift: DriftDocument, maxLength: number): string {
  const notices = drift.findings.length - drift.summary.findings;
  const of = notices > 0 ? `the ${drift.summary.findings} findings and ${notices} ${notices === 1 ? 'notice' : 'notices'}` : `${drift.findings.length} findings`;
  return [
    '> [!NOTE]',
    `> ${left} of ${of} were left out to keep this report under ${maxLength} characters; ` +
      'privileged and unmanaged users come first. See every finding with `tenantctl drift -c PATH --format json` (or `--format text`).',
  ].join('\n');
}

/**
 * The drift report for an issue or a chat message: title, headline and the
 * cost of unused seats, an alert for privileged unmanaged users, then one
 * table per class, privileged and unmanaged users first. Values are code
 * spans, so no user name or attribute can mention, link or inject markup.
 * Never longer than `maxLength`: the headline and the alert (ten users named,
 * the rest counted) are kept, then the privileged users' table and the
 * others as far as they fit; rows are cut from the end, with a note.
 */
export function renderDriftMarkdown(drift: DriftDocument, options: DriftMarkdownOptions = {}): string {
  const maxLength = options.maxLength ?? DEFAULT_MARKDOWN_MAX_LENGTH;
  const notice = noticeLine(drift);
  const headline = `**${markdownWords(driftHeadline(drift))}**${notice ? ` ${markdownWords(notice)}` : ''}`;
  const footer = `<sub>tenantctl ${markdownHtml(drift.tenantctlVersion)} · checked ${markdownHtml(drift.checkedAt)}</sub>`;
  // Our own words, with code spans meant as such: no value from the tenant in it.
  const nextSteps = drift.drift ? NEXT_STEPS : null;
  const topWith = (alert: string | null) => ['## tenantctl drift', headline, alert].filter((block): block is string => block !== null);
  const top = topWith(privilegedAlert(drift, true));
  const bottom = [nextSteps, footer].filter((block): block is string => block !== null);
  const sections = inReportOrder(driftSections(drift)).map((section) => ({ section, table: TABLES[section.driftClass](section.findings) }));

  const full = [...top, ...sections.map(({ section, table }) => tableBlock(section, table, table.rows.length)), ...bottom];
  if (joinedLength(full) <= maxLength) return joinBlocks(full);

  const total = drift.findings.length;
  const shown: { section: DriftSection; table: Table; rows: number }[] = [];
  // Budgeted with the alert's longer words, for a privileged users' table that may be cut.
  let budget = maxLength - joinedLength([...topWith(privilegedAlert(drift, false)), omissionNote(total, drift, maxLength), ...bottom]);
  // Privileged users first (inReportOrder), then the rest, each table as far as it fits.
  for (const { section, table } of sections) {
    // The frame with its longest heading (`n of n shown`), plus the blank line before it.
    const n = section.findings.length;
    const frame = tableBlock(section, table, 0).replace(`(0 of ${n} shown)`, `(${n} of ${n} shown)`).length + 2;
    const rows = countThatFit(table.rows.map((r) => r.text), budget - frame, 1);
    if (rows === 0) break;
    budget -= tableBlock(section, table, rows).length + 2;
    shown.push({ section, table, rows });
    if (rows < table.rows.length) break;
  }
  const blocks = shown.map((s) => tableBlock(s.section, s.table, s.rows));
  const shownFindings = new Set(shown.flatMap((s) => s.table.rows.slice(0, s.rows).map((r) => r.finding))).size;
  const privileged = sections.find(({ section }) => section.driftClass === 'privileged');
  const listed = !privileged || shown.some((s) => s.section === privileged.section && s.rows === s.table.rows.length);
  const text = joinBlocks([...topWith(privilegedAlert(drift, listed)), ...blocks, omissionNote(total - shownFindings, drift, maxLength), ...bottom]);
  return text.length <= maxLength ? text : truncate(text, maxLength);
}
