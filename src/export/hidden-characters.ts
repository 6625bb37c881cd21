import { BEYOND_C0, INVISIBLE_BEYOND_C0, LEADING_SPACE, MARK_PILE, MAX_STACKED_MARKS } from '../render/escape-terminal.js';

/*
 * An export is committed to git and printed to CI logs: a value must not hide
 * what it holds there (a bidi override reordering a reviewed line, a
 * zero-width character, a pile of combining marks), nor be a workflow command
 * to the Actions runner (`##[` anywhere, a line starting with `:`), which the
 * last guard over stdout would rewrite, changing the value (helper-74). Such a
 * string is written double-quoted, each of those characters as a YAML escape
 * (`\u202e`, `\U000e0041`) and `##[` as `##\u005b`, which read back as the
 * same string.
 */

/** What makes a string need escapes: what the terminal shows escaped (INVISIBLE_BEYOND_C0, MARK_PILE), `##[`, or a line (after white space) starting with `:`. */
const NEEDS_ESCAPES = new RegExp(`[${BEYOND_C0}]|[\\p{Mn}\\p{Me}]{${MAX_STACKED_MARKS + 1},}|##\\[|(?:^|[\\r\\n])${LEADING_SPACE}:`, 'u');
const NON_ASCII = /[^\x00-\x7f]/;

/** Whether `value` must be written double-quoted with escapes. */
export function needsEscapes(value: string): boolean {
  return NEEDS_ESCAPES.test(value);
}

/** Whether a string that is plain-safe ASCII-wise (no `#`, `[` or `:`) still needs escapes: only non-ASCII can. */
export function nonAsciiNeedsEscapes(value: string): boolean {
  return NON_ASCII.test(value) && NEEDS_ESCAPES.test(value);
}

const escapeCodePoint = (char: string): string => {
  const code = char.codePointAt(0)!;
  return code > 0xffff ? `\\U${code.toString(16).padStart(8, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
};

/**
 * YAML text in which every string that needsEscapes is double-quoted: those
 * strings' hidden characters and `##[` become escapes. Anywhere else (a key,
 * a comment) they cannot occur but in tenantctl's own words, and an escape in
 * a comment is still a comment.
 */
export function escapeHiddenCharacters(yamlText: string): string {
  if (!NEEDS_ESCAPES.test(yamlText)) return yamlText;
  const escaped = (match: string) => [...match].map(escapeCodePoint).join('');
  return yamlText.replace(INVISIBLE_BEYOND_C0, escaped).replace(MARK_PILE, escaped).replace(/##\[/g, '##\\u005b');
}
