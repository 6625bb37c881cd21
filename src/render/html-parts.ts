import type { ChangeLine, Sign } from './change-lines.js';
import { htmlText } from './escape-html.js';

/**
 * The building blocks the plan and drift pages share. Every function takes
 * markup already escaped (`Markup`), or plain text it escapes itself; the
 * names say which.
 */

/** HTML built only from `htmlText`/`htmlValue` output and tenantctl's own tags. */
export type Markup = string;

export interface Column {
  /** tenantctl's words. */
  readonly title: string;
  readonly numeric?: boolean;
}

export interface Row {
  readonly cells: readonly Markup[];
  /** For the kind filter: tenantctl's own change or finding kind. */
  readonly kind?: string;
}

const attribute = (name: string, value: string | undefined) => (value === undefined ? '' : ` ${name}="${htmlText(value)}"`);

/** A table; `filterable` ones are what the kind filter and search act on. */
export function table(columns: readonly Column[], rows: readonly Row[], options: { filterable?: boolean; id?: string } = {}): Markup {
  const numeric = (column: Column | undefined) => (column?.numeric ? ' class="num"' : '');
  const head = columns.map((column) => `<th${numeric(column)}>${htmlText(column.title)}</th>`).join('');
  const body = rows
    .map((row) => `<tr${attribute('data-kind', row.kind)}>${row.cells.map((cell, i) => `<td${numeric(columns[i])}>${cell}</td>`).join('')}</tr>`)
    .join('\n');
  const empty = options.filterable ? '\n<p class="muted empty" hidden>No rows match the filter.</p>' : '';
  return `<table${attribute('id', options.id)}${options.filterable ? ' data-filterable' : ''}>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>${empty}`;
}

/** A titled block; `tone` marks what a reviewer must not miss. */
export function section(title: string, content: readonly Markup[], tone?: 'alert' | 'warn'): Markup {
  return [`<section${tone ? ` class="${tone}"` : ''}>`, `<h2>${htmlText(title)}</h2>`, ...content, '</section>'].join('\n');
}

/** Headline numbers: `[label, value]`, both tenantctl's words. */
export function cards(items: readonly (readonly [string, string])[]): Markup {
  return `<dl class="cards">${items.map(([label, value]) => `<div><dt>${htmlText(label)}</dt><dd>${htmlText(value)}</dd></div>`).join('')}</dl>`;
}

const SIGN_CLASS: Record<Sign, string> = { '+': 'add', '-': 'remove', '~': 'change', ' ': 'context' };

/** Change or finding lines (unescaped text from change-lines/drift-lines), one per item, signs coloured. */
export function lines(items: readonly ChangeLine[]): Markup {
  if (items.length === 0) return '';
  const item = (line: ChangeLine) =>
    `<li class="depth-${line.depth}"><span class="${SIGN_CLASS[line.sign]}">${htmlText(line.sign)}</span> ${htmlText(line.text)}</li>`;
  return `<ul class="lines">${items.map(item).join('')}</ul>`;
}

/** A small label; `tone` is one of the stylesheet's classes. */
export function badge(text: string, tone?: string): Markup {
  return `<span class="badge${tone ? ` ${htmlText(tone)}` : ''}">${htmlText(text)}</span>`;
}

/**
 * The kind filter and search box over the filterable tables. Hidden until
 * the page's script runs (it shows the form), so a reader without scripts
 * sees every row and no dead controls. `kinds` are `[kind, count]`.
 */
export function filterForm(kinds: readonly (readonly [string, number])[], what: string): Markup {
  const total = kinds.reduce((sum, [, n]) => sum + n, 0);
  const options = [
    `<option value="">${htmlText(`every kind (${total})`)}</option>`,
    ...kinds.map(([kind, n]) => `<option value="${htmlText(kind)}">${htmlText(`${kind} (${n})`)}</option>`),
  ];
  return [
    '<form id="filter" class="filter" hidden>',
    `<label>Kind <select id="filter-kind">${options.join('')}</select></label>`,
    `<label>Search <input id="filter-text" type="search" placeholder="${htmlText(`user, ${what}, value…`)}" autocomplete="off"></label>`,
    '<span id="filter-shown" class="muted" aria-live="polite"></span>',
    '</form>',
  ].join('\n');
}

/** `[kind, count]` in order of first appearance. */
export function kindCounts(kinds: readonly string[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const kind of kinds) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  return [...counts.entries()];
}
