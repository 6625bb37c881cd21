import { headOf, tailOf } from '../diagnostics/bounded-message.js';
import { formatCount } from '../diagnostics/message-lists.js';

/**
 * Untrusted text (configuration, catalog, database values, file names) for a
 * terminal or a CI log. Two dangers, both handled here so every printing path
 * shares one definition:
 *
 * 1. Characters that change what the reader sees: C0/C1 controls (ESC starts
 *    cursor moves, OSC 8 links, OSC 52 clipboard writes), DEL, format
 *    characters (bidirectional overrides and isolates, zero-width characters,
 *    Unicode tags, which can spell out hidden ASCII), line/paragraph
 *    separators, and every other character Unicode says to draw as nothing
 *    (Default_Ignorable_Code_Point: variation selectors, Hangul fillers, the
 *    combining grapheme joiner). Each is shown as `\uXXXX`, the notation JSON
 *    uses (a character beyond U+FFFF as its two UTF-16 halves, as JSON writes
 *    it), so a reader sees that something is there and what it is. So is a
 *    pile of more than MAX_STACKED_MARKS combining marks on one letter: drawn,
 *    it spills over the lines above and below and can cover them.
 * 2. GitHub Actions workflow commands. The runner acts on any line of a job's
 *    output that starts with `::` (after leading white space) or contains
 *    `##[` anywhere. Neutralised visibly, in the same notation: `##[` becomes
 *    `##\u005b` and a leading `::` becomes `\u003a:`. A zero-width character
 *    would also break them, but would hide the change from the reader.
 *
 * The notation is also valid inside a JSON string and decodes to the original
 * character, so the whole-output guard below can run over JSON unharmed.
 */

/** Invisible characters other than the C0 controls (U+0000–U+001F, which JSON.stringify escapes itself). */
export const BEYOND_C0 = '\\u007f-\\u009f\\p{Cf}\\p{Zl}\\p{Zp}\\p{Default_Ignorable_Code_Point}';
const INVISIBLE = new RegExp(`[\\u0000-\\u001f${BEYOND_C0}]`, 'gu');
/** The invisible characters other than C0 controls (which JSON.stringify already escapes). */
export const INVISIBLE_BEYOND_C0 = new RegExp(`[${BEYOND_C0}]`, 'gu');

/**
 * Combining marks one letter may carry as drawn. Real text stacks at most
 * about four (Vietnamese two, pointed Hebrew with cantillation or Tibetan
 * stacks four); "Zalgo" text stacks dozens to paint over neighbouring lines.
 * Marks that take no room of their own (Mn) and enclosing marks (Me) count.
 */
export const MAX_STACKED_MARKS = 4;
export const MARK_PILE = new RegExp(`[\\p{Mn}\\p{Me}]{${MAX_STACKED_MARKS + 1},}`, 'gu');

/** White space the Actions runner trims before looking for `::` (.NET `char.IsWhiteSpace`). */
export const LEADING_SPACE = '[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]*';
const COMMAND_START = new RegExp(`^(${LEADING_SPACE}):`);
const COMMAND_LINE = new RegExp(`^(${LEADING_SPACE})::`);

/** Every UTF-16 code unit of `text` as `\uXXXX`, which a JSON string decodes back to `text`. */
export function escapeCode(text: string): string {
  let escaped = '';
  for (let i = 0; i < text.length; i++) escaped += `\\u${text.charCodeAt(i).toString(16).padStart(4, '0')}`;
  return escaped;
}

/** `##[` anywhere becomes `##\u005b`: no longer a workflow command, still readable. */
export function neutraliseHashCommands(text: string): string {
  return text.replace(/##\[/g, '##\\u005b');
}

/**
 * A value with every invisible or control character, and every pile of
 * combining marks, shown as `\uXXXX` and `##[` neutralised, but a leading `::` kept: for places where the value can
 * never start a line, such as a GitHub annotation's properties and message
 * (which follow `::error …::`). Elsewhere use `terminalText`.
 */
export function visibleCharacters(value: string): string {
  return neutraliseHashCommands(value.replace(INVISIBLE, escapeCode).replace(MARK_PILE, escapeCode));
}

/**
 * The longest text shown whole, in UTF-16 code units. The longest value a
 * configuration or catalog can hold is a streetAddress of 1,024 characters
 * (2,048 units, quoted as JSON at most twice that); the database holds
 * longer ones where its columns have no bound (a business phone, a product
 * name, an apply's actor, host or database role, the changes it recorded),
 * and one of a few megabytes would be one line of as many in a terminal, a
 * CI log or an HTML report.
 */
export const MAX_SHOWN_TEXT = 16_384;

/** `text` as it is, or past MAX_SHOWN_TEXT its start and end around how much was left out: the JSON formats keep it whole. */
function shownPart(text: string): string {
  if (text.length <= MAX_SHOWN_TEXT) return text;
  const head = headOf(text, MAX_SHOWN_TEXT * 0.75);
  const tail = tailOf(text, MAX_SHOWN_TEXT * 0.125);
  return `${head} … (${formatCount(text.length - head.length - tail.length)} characters left out) … ${tail}`;
}

/**
 * One value for terminal text, on one line: every invisible or control
 * character (newlines included) shown as `\uXXXX`, `##[` neutralised, and a
 * value that starts with `::` neutralised, since the caller may print it at
 * the start of a line (a file name in a diagnostic, say). A value longer
 * than MAX_SHOWN_TEXT is cut in its middle first.
 */
export function terminalText(value: string): string {
  const shown = visibleCharacters(shownPart(value));
  return COMMAND_LINE.test(shown) ? shown.replace(COMMAND_START, '$1\\u003a') : shown;
}

/**
 * A message that may span lines (an error with a list under it): like
 * `terminalText`, but line breaks are kept, and each line is checked for a
 * leading `::`. Values inside should already have gone through
 * `terminalText`, so they cannot add lines of their own.
 */
export function terminalMessage(message: string): string {
  return message
    .split(/\r\n|\r|\n/)
    .map((line) => terminalText(line))
    .join('\n');
}

/**
 * The last guard over everything tenantctl prints (`cmd/terminal.ts`), for a
 * value a renderer forgot: no line starts with `::` and none contains `##[`.
 * Other characters are left alone (colours are tenantctl's own). Lines are
 * split as the runner splits them (LF, CR, CRLF). With `allowCommands`, lines
 * starting with `::` pass: tenantctl's own annotations (`validate --format
 * github`), whose values were escaped with `annotationText`.
 */
export function neutraliseWorkflowCommands(text: string, allowCommands = false): string {
  const hashSafe = neutraliseHashCommands(text);
  // No `::` anywhere, no command line: the line by line pass is skipped (a history of 1.6 GB has 30 million lines).
  if (allowCommands || !hashSafe.includes('::')) return hashSafe;
  return hashSafe.replace(/(^|\r\n|\r|\n)([^\r\n]*)/g, (_match, lineBreak: string, line: string) =>
    `${lineBreak}${COMMAND_LINE.test(line) ? line.replace(COMMAND_START, '$1\\u003a') : line}`,
  );
}

const PLAIN_SHELL_WORD = /^[A-Za-z0-9_./:@%+=,-]+$/;

/**
 * A path in a command line shown to be copied: as it is when a POSIX shell
 * reads it as one word, else in single quotes (a space, `$`, `;`). A path
 * that `terminalText` would change (an invisible or control character, a
 * pile of combining marks, `##[`) is written `$'…'` with each such character
 * as `\uXXXX` or `\UXXXXXXXX`, which bash, zsh, ksh and POSIX.1-2024 shells
 * decode back to it: the line stays safe to print and still names the file.
 * In single quotes those escapes would be taken literally.
 */
export function shellWord(word: string): string {
  const quoted = PLAIN_SHELL_WORD.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`;
  if (terminalText(quoted) === quoted) return quoted;
  const escaped = word
    .replace(/[\\']/g, '\\$&')
    .replace(INVISIBLE, ansiEscape)
    .replace(MARK_PILE, (pile) => [...pile].map(ansiEscape).join(''))
    .replace(/##\[/g, '##\\u005b');
  return terminalText(`$'${escaped}'`);
}

/** One character as `$'…'` spells it: `\uXXXX`, or `\UXXXXXXXX` beyond U+FFFF. */
function ansiEscape(character: string): string {
  const code = character.codePointAt(0) ?? 0;
  return code > 0xffff ? `\\U${code.toString(16).padStart(8, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}
