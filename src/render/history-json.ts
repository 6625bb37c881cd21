import type { HistoryPages } from '../audit/history-pages.js';
import { HISTORY_FORMAT_VERSION, toHistoryDocument, type HistoryEntry } from '../audit/read-history.js';
import type { OtherWritesEntry } from '../audit/read-other-writes.js';
import { jsonText } from './escape-json.js';
import { ByteChunks, writeJsonValue } from './json-bytes.js';

/** `history --format json` (schemas/history.schema.json): two-space indentation and a final newline. */
export function renderHistoryJson(entries: readonly HistoryEntry[], user: string | null = null, otherWrites: readonly OtherWritesEntry[] = []): string {
  return `${jsonText(toHistoryDocument(entries, user, otherWrites))}\n`;
}

/**
 * A list the document holds at its first level, as JSON.stringify indents
 * it there: `[]` when empty, else each element written by json-bytes.ts
 * (the bytes jsonText writes, without building the text of an apply of
 * 100,000 changes as one string three times over), in pieces of UTF-8
 * decoded a chunk at a time. Pieces may end inside a line.
 */
async function* listPieces(name: string, items: AsyncIterable<unknown>, last: boolean): AsyncGenerator<string> {
  let index = 0;
  for await (const item of items) {
    yield index === 0 ? `  ${JSON.stringify(name)}: [\n    ` : ',\n    ';
    const out = new ByteChunks();
    writeJsonValue(out, index++, item, 2);
    for (const chunk of out.finish()) yield chunk.toString('utf8');
  }
  const close = last ? '\n' : ',\n';
  yield index === 0 ? `  ${JSON.stringify(name)}: []${close}` : `\n  ]${close}`;
}

/**
 * renderHistoryJson's text in pieces (not always whole lines), the entries read a page
 * at a time (history-pages.ts): the same document, without holding the
 * whole trail.
 */
export async function* historyJsonPieces(pages: HistoryPages, user: string | null = null): AsyncGenerator<string> {
  yield `{\n  "formatVersion": ${JSON.stringify(HISTORY_FORMAT_VERSION)},\n${user === null ? '' : `  "user": ${jsonText(user)},\n`}`;
  async function* applies() {
    for await (const { malformed: _, ...entry } of pages.applies()) yield entry;
  }
  yield* listPieces('applies', applies(), false);
  yield* listPieces('otherWrites', pages.otherWrites(), true);
  yield '}\n';
}
