import { escapeCode, INVISIBLE_BEYOND_C0, MARK_PILE } from './escape-terminal.js';

/** The rules of `jsonText` in one pass: an invisible character, a pile of combining marks, or `##[`. */
const UNSAFE_IN_JSON = new RegExp(`${INVISIBLE_BEYOND_C0.source}|${MARK_PILE.source}|##\\[`, 'gu');
const safe = (match: string) => (match === '##[' ? '##\\u005b' : escapeCode(match));

/**
 * JSON for stdout and files, with the same safety as terminal text and no
 * change of meaning. `JSON.stringify` escapes C0 controls but leaves DEL, C1
 * controls, bidi overrides, zero-width characters, Unicode tags, variation
 * selectors, line separators and piles of combining marks raw,
 * and `##[` in a string is a workflow command to a GitHub runner reading the
 * log. All of them are written as `\uXXXX` escapes instead, which every JSON
 * parser reads back as the same characters: the document is unchanged.
 * (These characters only ever occur inside strings: JSON's own syntax is
 * printable ASCII.)
 */
export function jsonText(value: unknown, indent = 2): string {
  return jsonTextPiece(JSON.stringify(value, null, indent));
}

/**
 * `jsonText`'s escaping, for JSON text already serialised: the whole of it, or
 * any piece that does not cut a string in two. (No replacement can make or
 * break a `##[`: an escape holds no `#` or `[`, and `##\u005b` no `[`.)
 */
export function jsonTextPiece(json: string): string {
  return json.replace(UNSAFE_IN_JSON, safe);
}
