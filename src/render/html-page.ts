import { createHash } from 'node:crypto';
import { htmlText } from './escape-html.js';

/**
 * The frame of every HTML report: one self-contained page. Its only style
 * sheet and script are inline and allowed by their sha256 in a strict
 * Content-Security-Policy (`default-src 'none'`), so the page fetches
 * nothing (no font, image, frame or connection) and no injected markup
 * could run or load anything even if a value escaped `htmlText`.
 *
 * Lines of the style sheet and script must never start with `::` or hold
 * `##[`: stdout passes the workflow-command guard (cmd/terminal.ts), which
 * would rewrite them and break their hashes.
 */

const STYLE = `
:root { color-scheme: light; --add: #1a7f37; --remove: #cf222e; --change: #9a6700; --line: #d0d7de; --muted: #57606a; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; margin: 0; color: #1f2328; background: #f6f8fa; }
main { max-width: 1200px; margin: 0 auto; padding: 24px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 28px 0 8px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
p.meta, .muted { color: var(--muted); }
p.lead { font-size: 16px; font-weight: 600; }
section { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 4px 16px 16px; margin-top: 16px; }
section.alert { border-color: var(--remove); border-left-width: 6px; }
section.warn { border-color: #d4a72c; border-left-width: 6px; }
dl.cards { display: flex; flex-wrap: wrap; gap: 8px; margin: 12px 0 0; }
dl.cards div { border: 1px solid var(--line); border-radius: 6px; padding: 8px 14px; min-width: 110px; background: #fff; }
dl.cards dt { color: var(--muted); font-size: 12px; }
dl.cards dd { margin: 0; font-size: 20px; font-weight: 600; }
table { border-collapse: collapse; width: 100%; margin-top: 8px; }
th, td { text-align: left; vertical-align: top; padding: 6px 8px; border-bottom: 1px solid var(--line); }
th { background: #f6f8fa; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
code { font: 12.5px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; overflow-wrap: anywhere; }
ul.lines { list-style: none; margin: 0; padding: 0; font: 12.5px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
ul.lines li { white-space: pre-wrap; overflow-wrap: anywhere; }
ul.lines li.depth-1 { padding-left: 2em; }
.add { color: var(--add); }
.remove { color: var(--remove); }
.change { color: var(--change); }
.badge { display: inline-block; border-radius: 10px; padding: 0 8px; font-size: 12px; border: 1px solid var(--line); margin: 1px 2px 1px 0; white-space: nowrap; }
.badge.needs { border-color: var(--remove); color: var(--remove); }
.badge.critical, .badge.high { border-color: var(--remove); color: var(--remove); }
.badge.medium { border-color: #d4a72c; color: var(--change); }
form.filter { display: flex; flex-wrap: wrap; gap: 12px; align-items: center; margin: 8px 0; }
form.filter input { min-width: 260px; padding: 4px 8px; font: inherit; }
form.filter select { padding: 4px; font: inherit; }
[hidden] { display: none !important; }
footer { margin-top: 24px; color: var(--muted); font-size: 12px; }
`;

/**
 * Kind filter and text search over every row of the tables marked
 * `data-filterable`. Rows carry their kind in `data-kind` (tenantctl's own
 * names); the search matches a row's textContent, every word anywhere in the
 * row. A table left without rows shows the note after it. Nothing read here
 * is ever written back as markup: only `hidden` and one counter's
 * textContent change.
 */
const SCRIPT = `
(function () {
  'use strict';
  var form = document.getElementById('filter');
  if (!form) return;
  var kind = document.getElementById('filter-kind');
  var search = document.getElementById('filter-text');
  var shown = document.getElementById('filter-shown');
  var tables = Array.prototype.slice.call(document.querySelectorAll('table[data-filterable]'));
  var rows = Array.prototype.slice.call(document.querySelectorAll('table[data-filterable] tbody tr'));
  var texts = rows.map(function (row) { return row.textContent.toLowerCase(); });
  function apply() {
    var wanted = kind.value;
    var words = search.value.toLowerCase().split(/\\s+/).filter(Boolean);
    var count = 0;
    rows.forEach(function (row, i) {
      var match = (wanted === '' || row.getAttribute('data-kind') === wanted) &&
        words.every(function (word) { return texts[i].indexOf(word) !== -1; });
      row.hidden = !match;
      if (match) count += 1;
    });
    tables.forEach(function (table) {
      var note = table.nextElementSibling;
      var any = Array.prototype.some.call(table.tBodies[0].rows, function (row) { return !row.hidden; });
      if (note && note.classList.contains('empty')) note.hidden = any;
    });
    shown.textContent = count + ' of ' + rows.length + ' shown';
  }
  form.addEventListener('submit', function (event) { event.preventDefault(); });
  kind.addEventListener('change', apply);
  search.addEventListener('input', apply);
  form.hidden = false;
  apply();
})();
`;

const hash = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/** The policy of a page holding exactly `STYLE` and `SCRIPT`: nothing else may load or run. */
export function contentSecurityPolicy(): string {
  return [
    "default-src 'none'",
    `style-src ${hash(STYLE)}`,
    `script-src ${hash(SCRIPT)}`,
    "img-src data:",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

export interface HtmlPage {
  /** tenantctl's words (escaped here). */
  readonly title: string;
  /** Markup built from escaped parts only. */
  readonly body: string;
}

/** The whole document. The policy comes first in <head>, before anything it governs. */
export function htmlPage(page: HtmlPage): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy()}">`,
    '<meta name="referrer" content="no-referrer">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${htmlText(page.title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    '<main>',
    page.body,
    '</main>',
    `<script>${SCRIPT}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
