import type { PlanDocument } from '../plan/plan-document.js';
import { userSections, type ChangeLine, type Sign, type UserSection } from './change-lines.js';
import { planWarnings, seatLines, summaryLine, unmanagedNote } from './plan-notices.js';
import { settingLines } from './setting-lines.js';

export interface TextOptions {
  /** ANSI colours; false gives plain text without a single escape code. */
  readonly color: boolean;
}

type Paint = (text: string) => string;

interface Palette {
  readonly sign: Record<Sign, Paint>;
  readonly warning: Paint;
  readonly bold: Paint;
}

const ansi =
  (code: number): Paint =>
  (text) =>
    `\u001b[${code}m${text}\u001b[0m`;
const plain: Paint = (text) => text;

const COLORS: Palette = {
  sign: { '+': ansi(32), '-': ansi(31), '~': ansi(33), ' ': plain },
  warning: ansi(33),
  bold: ansi(1),
};
const NO_COLORS: Palette = { sign: { '+': plain, '-': plain, '~': plain, ' ': plain }, warning: plain, bold: plain };

const CHANGE_INDENT = 4;

function changeLine(line: ChangeLine, palette: Palette): string {
  const indent = ' '.repeat(CHANGE_INDENT + 2 * line.depth);
  // A context line of a diff keeps its sign column so the text lines up.
  return `${indent}${palette.sign[line.sign](line.sign)} ${line.text}`.trimEnd();
}

function userBlock(section: UserSection, palette: Palette): string {
  const header = `${palette.sign[section.sign](section.sign)} ${palette.bold(section.userPrincipalName)} (${section.note})`;
  return [header, ...section.lines.map((line) => changeLine(line, palette))].join('\n');
}

/**
 * The plan for a terminal, Terraform style: warnings first (`!` lines), then
 * each user's changes, seats bought and freed, the settings applying it
 * records, the users left alone, and the summary line last. Pure: no printing, colour only when asked for.
 */
export function renderText(plan: PlanDocument, options: TextOptions): string {
  const palette = options.color ? COLORS : NO_COLORS;
  const blocks: string[] = [];

  const warnings = planWarnings(plan);
  if (warnings.length > 0) blocks.push(warnings.map((warning) => `${palette.warning('!')} ${warning}`).join('\n'));

  const sections = userSections(plan);
  if (sections.length > 0) {
    blocks.push(palette.bold('tenantctl will perform the following actions:'));
    blocks.push(...sections.map((section) => userBlock(section, palette)));
  }

  const seats = seatLines(plan);
  if (seats.length > 0) blocks.push([palette.bold('Seats:'), ...seats.map((line) => changeLine(line, palette))].join('\n'));

  const settings = settingLines(plan.settingsToRecord ?? []);
  if (settings.length > 0) blocks.push([palette.bold('Settings to record:'), ...settings.map((line) => changeLine(line, palette))].join('\n'));

  const unmanaged = unmanagedNote(plan);
  if (unmanaged) blocks.push(unmanaged);

  blocks.push(palette.bold(summaryLine(plan)));
  return `${blocks.join('\n\n')}\n`;
}
