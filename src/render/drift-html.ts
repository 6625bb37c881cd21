import type { DriftDocument } from '../drift/drift-document.js';
import { DRIFT_SEVERITIES, driftClass, type DriftClass, type DriftFinding, type DriftFindingOf } from '../drift/finding.js';
import { DELETE_UNMANAGED, driftHeadline, findingText, licenseText, NEXT_STEPS, noticeLine, SECTION_TITLES, findingTrace } from './drift-lines.js';
import { htmlSentences, htmlText, htmlValue } from './escape-html.js';
import { htmlPage } from './html-page.js';
import { badge, cards, filterForm, kindCounts, lines, section, table, type Markup, type Row } from './html-parts.js';
import { lookalikeText } from './lookalike-text.js';
import { formatMoney } from './money.js';

/**
 * The drift report as one self-contained HTML page: the headline, then the
 * accounts an auditor asks about first (privileged users nobody manages,
 * then unmanaged look-alikes of managed users, then every other unmanaged
 * user), then the other findings; all four tables
 * answer the same kind filter and text search. Same wording as the text and
 * markdown reports (drift-lines.ts); every value through `htmlText`.
 */

type Unmanaged = DriftFindingOf<'user.unmanaged'>;

const severity = (finding: DriftFinding) => badge(finding.severity, finding.severity);
const none = '<span class="muted">(none)</span>';

function header(drift: DriftDocument): Markup {
  const notice = noticeLine(drift);
  const meta = [`tenantctl ${drift.tenantctlVersion}`, `checked ${drift.checkedAt}`, ...(drift.configHash ? [`configuration ${drift.configHash.slice(0, 'sha256:'.length + 12)}`] : [])];
  return [
    '<header>',
    '<h1>tenantctl drift</h1>',
    `<p class="lead">${htmlText(driftHeadline(drift))}</p>`,
    ...(notice ? [`<p>${htmlText(notice)}</p>`] : []),
    `<p class="meta">${meta.map(htmlText).join(' · ')}</p>`,
    '</header>',
  ].join('\n');
}

function summaryCards(drift: DriftDocument): Markup {
  const { summary } = drift;
  return cards([
    ['Findings (drift)', String(summary.findings)],
    ['Privileged unmanaged', String(summary.privilegedUnmanaged)],
    ['Unmanaged users', String(summary.byKind['user.unmanaged'] ?? 0)],
    // Only when there are some: a page without them reads as before.
    ...(summary.lookalikes > 0 ? [['Look-alikes of managed users', String(summary.lookalikes)] as const] : []),
    ...DRIFT_SEVERITIES.filter((s) => s !== 'info').map((s): [string, string] => [s[0]?.toUpperCase() + s.slice(1), String(summary.bySeverity[s])]),
    ['Notices', String(summary.notices)],
    ['Unused seats', `${summary.unusedSeats} (${formatMoney(summary.unusedMonthlyCost, summary.currency)}/month)`],
  ]);
}

/** Who last wrote the finding's user, or who created it outside tenantctl (findingTrace); empty when nothing is recorded. */
function traceCell(f: DriftFinding): string {
  return htmlSentences((show) => [findingTrace(f, show) ?? ''])[0] ?? '';
}

/** The managed users it looks like, and how: values as code, in our words. */
const lookalikeCell = (f: Unmanaged) => htmlSentences((show) => f.lookalikeOf.map((lookalike) => lookalikeText(lookalike, show, show))).join('<br>');

function unmanagedRow(f: Unmanaged, lookalikeColumn: boolean): Row {
  const roles = f.roles.map((role) => `${htmlValue(role.displayName)}${role.privileged ? ` ${badge('privileged', 'needs')}` : ''}`).join('<br>');
  return {
    kind: f.kind,
    cells: [
      htmlValue(f.userPrincipalName),
      ...(lookalikeColumn ? [lookalikeCell(f)] : []),
      htmlValue(f.displayName),
      roles || none,
      f.licenses.length > 0 ? f.licenses.map((license) => htmlValue(licenseText(license))).join('<br>') : none,
      htmlText(f.accountEnabled ? 'allowed' : 'blocked'),
      severity(f),
      traceCell(f),
    ],
  };
}

const LOOKS_LIKE = { title: 'Looks like' };
const UNMANAGED_COLUMNS = [{ title: 'User' }, { title: 'Display name' }, { title: 'Roles' }, { title: 'Licenses' }, { title: 'Sign-in' }, { title: 'Severity' }, { title: 'Created' }];

type UnmanagedClass = Extract<DriftClass, 'privileged' | 'lookalike' | 'unmanaged'>;

const UNMANAGED_LEADS: Record<UnmanagedClass, Markup> = {
  privileged: `<p>These accounts hold Global administrator and are neither declared nor created by tenantctl: nobody reviews them in a pull request. Those holding another admin role follow, under users nobody manages, as high. ${htmlText(DELETE_UNMANAGED)}</p>`,
  lookalike: `<p>These accounts are neither declared nor created by tenantctl, and a name of each looks like a managed user's: make sure none is an account posing as that user. ${htmlText(DELETE_UNMANAGED)}</p>`,
  unmanaged: '<p class="muted">Not declared and not created by tenantctl; apply never changes them (declare one to adopt it; to delete one, adopt it, then remove its declaration).</p>',
};

/** A `Looks like` column only where a user of the table looks like a managed one: other tables read as before. */
function unmanagedSection(findings: readonly DriftFinding[], driftClassShown: UnmanagedClass): Markup | null {
  const users = findings.filter((f): f is Unmanaged => f.kind === 'user.unmanaged' && driftClass(f) === driftClassShown);
  if (users.length === 0) return null;
  const lookalikeColumn = users.some((f) => f.lookalikeOf.length > 0);
  const columns = lookalikeColumn ? [UNMANAGED_COLUMNS[0]!, LOOKS_LIKE, ...UNMANAGED_COLUMNS.slice(1)] : UNMANAGED_COLUMNS;
  const rows = users.map((f) => unmanagedRow(f, lookalikeColumn));
  return section(
    `${SECTION_TITLES[driftClassShown]} (${users.length})`,
    [UNMANAGED_LEADS[driftClassShown], table(columns, rows, { id: driftClassShown, filterable: true })],
    driftClassShown === 'unmanaged' ? 'warn' : 'alert',
  );
}

function findingRow(f: DriftFinding): Row {
  const text = findingText(f);
  const summary = text.summary ? `<p>${htmlText(text.summary)}</p>` : '';
  return { kind: f.kind, cells: [htmlValue(text.subject), htmlText(f.kind), severity(f), `${summary}${lines(text.details)}`, traceCell(f)] };
}

function otherSection(findings: readonly DriftFinding[]): Markup | null {
  const rest = findings.filter((f) => f.kind !== 'user.unmanaged');
  if (rest.length === 0) return null;
  return section(`Other findings (${rest.length})`, [
    '<p class="muted">Changed fields read expected (git) → actual (tenant).</p>',
    table([{ title: 'User or subscription' }, { title: 'Kind' }, { title: 'Severity' }, { title: 'Finding' }, { title: 'Last change' }], rest.map(findingRow), {
      id: 'findings',
      filterable: true,
    }),
  ]);
}

/** `tenantctl`'s own advice, with its backtick-quoted commands shown as code. */
const nextSteps = () => `<p>${htmlText(NEXT_STEPS).replace(/`([^`]+)`/g, '<code>$1</code>')}</p>`;

/** The whole page; a report without findings says so under the summary. */
export function renderDriftHtml(drift: DriftDocument): string {
  const { findings } = drift;
  const parts = [
    header(drift),
    summaryCards(drift),
    findings.length > 0 ? filterForm(kindCounts(findings.map((f) => f.kind)), 'field, subscription') : null,
    unmanagedSection(findings, 'privileged'),
    unmanagedSection(findings, 'lookalike'),
    unmanagedSection(findings, 'unmanaged'),
    otherSection(findings),
    drift.drift ? nextSteps() : null,
    `<footer>${htmlText(`Made by tenantctl ${drift.tenantctlVersion} at ${drift.checkedAt}.`)}</footer>`,
  ];
  return htmlPage({ title: 'tenantctl drift', body: parts.filter((part): part is Markup => part !== null).join('\n') });
}
