import { escapeCode, INVISIBLE_BEYOND_C0, neutraliseHashCommands } from './escape-terminal.js';

/**
 * JSON for stdout and files, with the same safety as terminal text and no
 * change of meaning. `JSON.stringify` escapes C0 controls but leaves DEL, C1
 * controls, bidi overrides, zero-width characters and line separators raw,
 * and `##[` in a string is a workflow command to a GitHub runner reading the
 * log. All of them are written as `\uXXXX` escapes instead, which every JSON
 * parser reads back as the same characters: the document is unchanged.
 * (These characters only ever occur inside strings: JSON's own syntax is
 * printable ASCII.)
 */
export function jsonText(value: unknown, indent = 2): string {
  return neutraliseHashCommands(JSON.stringify(value, null, indent).replace(INVISIBLE_BEYOND_C0, escapeCode));
}
