import type { LargeOtherWrites, TableCount } from '../audit/large-other-writes.js';
import type { OtherWrite } from '../audit/read-other-writes.js';
import { terminalText } from './escape-terminal.js';
import { changedText, columnName, objectLines, tableKind, whoWrote } from './other-writes-text.js';

const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

const OPERATIONS = {
  insert: ['insert into', 'inserts into'],
  update: ['update of', 'updates of'],
  delete: ['delete from', 'deletes from'],
} as const;

/** `200000 updates of users (department: 200000, sign-in: 3)`. */
function countLine(table: TableCount): string {
  const [one, many] = OPERATIONS[table.operation];
  const columns = table.columns.map((c) => `${terminalText(columnName(c.column))}: ${c.rows}`).join(', ');
  return `  counted: ${count(table.rows, one, many)} ${terminalText(table.table)}${columns === '' ? '' : ` (${columns})`}`;
}

/**
 * One transaction outside an apply too large to list whole (a bulk update of
 * every user): its header as any other's, the rows it wrote counted per table,
 * operation and column by the server, so that its scale is never hidden, the
 * rows of the rarer kinds past the first ones (`large.rare`), and its first
 * rows (`large.listed`, of the first part read) as other entries show theirs.
 * Only those rows are read; `history --format json` lists them all.
 */
export async function largeOtherWritesBlock(large: LargeOtherWrites): Promise<string> {
  // The first part alone, which is bounded in bytes too: listed rows of megabytes each would be held whole.
  let first: readonly OtherWrite[] = [];
  for await (const part of large.parts()) {
    first = part.slice(0, large.listed);
    break;
  }
  const kinds = new Set(large.tables.map((table) => tableKind(table.table)));
  const rest = large.rows - first.length;
  // Counted alone, a role granted or a password hash replaced among the bulk names neither whose nor what.
  const rare = await large.rare(first.length);
  const rareLines = rare.rows === 0 ? [] : [
    `  ! of a kind counted ${large.listed} times or fewer above, ${rare.rows === rare.listed.length ? `the ${count(rare.rows, 'row', 'rows')}` : `the first ${rare.listed.length} of the ${rare.rows} rows`} past the first ${first.length}:`,
    ...objectLines(rare.listed),
  ];
  return [
    `${whoWrote(large.entry)} — ${changedText(large.users, kinds)}: ${count(large.rows, 'row', 'rows')} in one transaction`,
    ...large.tables.map(countLine),
    ...rareLines,
    `  ! too many rows to list here: the first ${first.length} follow, the other ${rest} are counted above; history --format json lists them all`,
    ...objectLines(first),
  ].join('\n');
}
