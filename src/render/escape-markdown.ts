import { formatCount } from '../diagnostics/message-lists.js';
import { terminalText } from './escape-terminal.js';

/**
 * The longest value a part of a report that is never cut shows (a catalog's
 * product names are at most 256 characters, a UPN 113): ten of them still fit.
 */
export const MARKDOWN_KEPT_VALUE_MAX = 256;

/**
 * The longest value a markdown report shows, in characters: longer than any
 * the configuration allows (a street address 1,024, a display name 256),
 * even as a drift line of two of them, and far shorter than the 65,536 a
 * comment may hold. A value
 * written into the database by SQL is bounded by nothing; whole, one role or
 * product name of 60,000 characters would fill a report's never-cut part
 * and leave no room for the rest.
 */
export const MARKDOWN_VALUE_MAX = 4_096;

/** The first `max` characters of `value` (never half of a surrogate pair), and how many more it has. */
function cutValue(value: string, max: number): { readonly text: string; readonly more: number } {
  if (value.length <= max) return { text: value, more: 0 };
  let end = 0;
  let kept = 0;
  while (end < value.length && kept < max) {
    end += (value.codePointAt(end) ?? 0) > 0xffff ? 2 : 1;
    kept += 1;
  }
  let more = 0;
  for (let at = end; at < value.length; at += (value.codePointAt(at) ?? 0) > 0xffff ? 2 : 1) more += 1;
  return { text: value.slice(0, end), more };
}

/**
 * Untrusted text for a pull-request comment or issue on GitHub/GitLab.
 *
 * A value is shown as an inline code span. Inside one nothing is live: no
 * `@mention` (GitHub mentions cannot be escaped with `\@` or `&#64;`, only
 * code or an invisible zero-width space, which would hide the change), no
 * autolink (`https://…`, `www.…`, e-mail addresses), no `#123` reference, no
 * emoji shortcode, no HTML, no emphasis. Control, bidi and zero-width
 * characters and line breaks are first made visible as for the terminal, so
 * a value stays on one line and shows what it holds; `##[` and a leading `::`
 * are neutralised as well, since markdown is also printed into CI logs.
 * A value longer than MARKDOWN_VALUE_MAX is cut, and the cut said.
 */
export function markdownText(value: string, max = MARKDOWN_VALUE_MAX): string {
  const { text, more } = cutValue(value, max);
  const span = codeSpan(terminalText(text));
  return more === 0 ? span : `${span}${markdownWords(`… (${formatCount(more)} more characters not shown)`)}`;
}

function codeSpan(shown: string): string {
  if (shown === '') return '';
  const longest = Math.max(0, ...(shown.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  // A span that starts or ends with a backtick, or with spaces on both
  // sides, needs one padding space each side (CommonMark strips exactly one).
  const pad = /^`|`$/.test(shown) || /^ .* $/.test(shown) ? ' ' : '';
  return `${fence}${pad}${shown}${pad}${fence}`;
}

/**
 * A value in a table cell: a code span whose `|` is escaped, since GFM splits
 * cells on `|` before it parses code spans (`\|` gives `|` inside the span).
 */
export function markdownCell(value: string, max = MARKDOWN_VALUE_MAX): string {
  return markdownText(value, max).replace(/\|/g, '\\|');
}

/**
 * tenantctl's own words in markdown prose or a cell: the ASCII punctuation
 * markdown acts on is backslash-escaped (two `$` would start math), `<`, `>`
 * and `&` become entities, and line breaks become spaces. GitHub still links
 * `#12` after `\#`, so words that name an apply number pass it as a value.
 * Not for untrusted values: use `markdownText` for those.
 */
export function markdownWords(words: string): string {
  return terminalText(words.replace(/\r\n|\r|\n/g, ' '))
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_{}[\]#|~$!]/g, (c) => `\\${c}`)
    .replace(/^([+-])/, '\\$1')
    .replace(/^(\d+)([.)])/, '$1\\$2');
}

/** A function that shows one untrusted value inside a sentence. */
export type ShowValue = (value: string) => string;

/**
 * Sentences built from tenantctl's words and untrusted values, for markdown:
 * `build` receives a `show` to wrap each value with; the words are escaped
 * with `markdownWords`, the values become code spans (`markdownText`), and
 * neither can be mistaken for the other. `cell` escapes `|` for table cells.
 */
export function markdownSentences(build: (show: ShowValue) => readonly string[], options: { cell?: boolean; maxValue?: number } = {}): string[] {
  const values: string[] = [];
  // NUL never occurs in our own words and values are kept aside, so a
  // placeholder cannot be forged by either.
  const sentences = build((value) => `\u0000${values.push(value) - 1}\u0000`);
  const show = (value: string) => (options.cell ? markdownCell : markdownText)(value, options.maxValue);
  return sentences.map((sentence) =>
    sentence
      .split(/\u0000(\d+)\u0000/)
      .map((part, index) => (index % 2 === 1 ? show(values[Number(part)] ?? '') : markdownWords(part)))
      .join(''),
  );
}

/** Untrusted text inside raw HTML that tenantctl writes into markdown (`<summary>`, `<code>`). */
export function markdownHtml(value: string): string {
  return terminalText(value).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
