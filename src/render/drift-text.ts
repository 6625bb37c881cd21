import type { DriftDocument } from '../drift/drift-document.js';
import type { DriftFinding, DriftSeverity } from '../drift/finding.js';
import type { Sign } from './change-lines.js';
import { driftHeadline, driftSections, findingText, NEXT_STEPS, noticeLine, type DriftSection } from './drift-lines.js';

export interface DriftTextOptions {
  /** ANSI colours; false gives plain text without a single escape code. */
  readonly color: boolean;
}

type Paint = (text: string) => string;

const ansi =
  (code: number): Paint =>
  (text) =>
    `\u001b[${code}m${text}\u001b[0m`;
const plain: Paint = (text) => text;

/** `!` needs attention now, `~` differs, `·` a notice. */
const MARKERS: Record<DriftSeverity, string> = { critical: '!', high: '!', medium: '~', low: '~', info: '·' };

interface Palette {
  readonly severity: Record<DriftSeverity, Paint>;
  readonly sign: Record<Sign, Paint>;
  readonly bold: Paint;
}

const COLORS: Palette = {
  severity: { critical: ansi(31), high: ansi(31), medium: ansi(33), low: ansi(33), info: plain },
  sign: { '+': ansi(32), '-': ansi(31), '~': ansi(33), ' ': plain },
  bold: ansi(1),
};
const NO_COLORS: Palette = {
  severity: { critical: plain, high: plain, medium: plain, low: plain, info: plain },
  sign: { '+': plain, '-': plain, '~': plain, ' ': plain },
  bold: plain,
};

function findingBlock(finding: DriftFinding, palette: Palette): string {
  const text = findingText(finding);
  const marker = palette.severity[finding.severity](MARKERS[finding.severity]);
  // A notice (an unused seat) is one line: it is not drift.
  if (finding.severity === 'info' && text.details.length === 0) return `  ${marker} ${palette.bold(text.subject)}: ${text.summary}`;
  const label = [finding.severity, ...(text.trace ? [text.trace] : [])].join(', ');
  const header = `  ${marker} ${palette.bold(text.subject)} [${label}]`;
  const summary = text.summary ? [`      ${text.summary}`] : [];
  const details = text.details.map((line) => `${' '.repeat(6 + 2 * line.depth)}${palette.sign[line.sign](line.sign)} ${line.text}`.trimEnd());
  return [header, ...summary, ...details].join('\n');
}

function sectionBlock(section: DriftSection, palette: Palette): string {
  const title = palette.bold(`${section.title} (${section.findings.length})${section.legend ? `, ${section.legend}` : ''}:`);
  return [title, ...section.findings.map((finding) => findingBlock(finding, palette))].join('\n');
}

/**
 * The drift report for a terminal: the headline (and the cost of unused
 * seats), then one section per class, privileged unmanaged users first, each
 * field as `expected (git) → actual (tenant)`. Pure: colour only when asked.
 */
export function renderDriftText(drift: DriftDocument, options: DriftTextOptions): string {
  const palette = options.color ? COLORS : NO_COLORS;
  const notice = noticeLine(drift);
  const blocks = [[palette.bold(driftHeadline(drift)), ...(notice ? [notice] : [])].join('\n')];
  blocks.push(...driftSections(drift).map((section) => sectionBlock(section, palette)));
  if (drift.drift) blocks.push(NEXT_STEPS);
  return `${blocks.join('\n\n')}\n`;
}
