import type { ShowValue } from './escape-markdown.js';
import { terminalText } from './escape-terminal.js';

/**
 * Untrusted text (display names, UPNs, catalog names, file names, database
 * values) for the HTML report, and the only way any text reaches it.
 *
 * Two steps, in this order:
 * 1. The terminal's visibility rules (`terminalText`, escape-terminal.ts):
 *    control, bidi, zero-width characters and line breaks are shown as
 *    `\uXXXX`, so a value cannot reorder what a reader sees (`invoice\u202etxt.exe`)
 *    or hide characters; `##[` and a leading `::` are neutralised, since the
 *    page may be printed into a CI log. One classification, shared.
 * 2. The five characters HTML gives meaning to become entities. Safe in
 *    element content and in double- or single-quoted attribute values.
 *
 * Values never go anywhere else: no inline script or style holds them, and
 * the page's script reads the table only through `textContent`.
 */
export function htmlText(value: string): string {
  return terminalText(value)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** An untrusted value set apart as code, as the markdown report shows values. */
export function htmlValue(value: string): string {
  return `<code>${htmlText(value)}</code>`;
}

/**
 * Sentences built from tenantctl's words and untrusted values (the shared
 * wording of plan-notices.ts and drift-lines.ts): `build` receives a `show`
 * that sets each value aside; words and values are both escaped with
 * `htmlText`, values also wrapped in `<code>`. Neither can pose as the other:
 * the placeholder is NUL-delimited, and NUL never occurs in our words.
 */
export function htmlSentences(build: (show: ShowValue) => readonly string[]): string[] {
  const values: string[] = [];
  const sentences = build((value) => `\u0000${values.push(value) - 1}\u0000`);
  return sentences.map((sentence) =>
    sentence
      .split(/\u0000(\d+)\u0000/)
      .map((part, index) => (index % 2 === 1 ? htmlValue(values[Number(part)] ?? '') : htmlText(part)))
      .join(''),
  );
}
