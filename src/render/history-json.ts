import type { HistoryPages, OtherWritesItem } from '../audit/history-pages.js';
import type { LargeOtherWrites } from '../audit/large-other-writes.js';
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
    if (item instanceof LargeWrites) {
      yield* largeEntryPieces(item.large, index++);
      continue;
    }
    const out = new ByteChunks();
    writeJsonValue(out, index++, item, 2);
    for (const chunk of out.finish()) yield chunk.toString('utf8');
  }
  const close = last ? '\n' : ',\n';
  yield index === 0 ? `  ${JSON.stringify(name)}: []${close}` : `\n  ]${close}`;
}

const itemValue = (item: OtherWritesItem) => (item.large ? new LargeWrites(item.large) : item.other);

/** An entry of `otherWrites` whose rows are read a part at a time: written as they arrive. */
class LargeWrites {
  constructor(readonly large: LargeOtherWrites) {}
}

/**
 * The bytes writeJsonValue writes for the entry with all its writes, without
 * holding them: the entry with no writes (`"writes": []` last, as its type
 * orders it), opened where its list is, and each part's rows written into it.
 */
async function* largeEntryPieces(large: LargeOtherWrites, index: number): AsyncGenerator<string> {
  const head = new ByteChunks();
  writeJsonValue(head, index, large.entry, 2);
  const text = Buffer.concat(head.finish()).toString('utf8');
  const empty = '"writes": []\n    }';
  if (!text.endsWith(empty)) throw new Error('history: an entry of other writes does not end with its writes');
  yield `${text.slice(0, -'[]\n    }'.length)}[`;
  let n = 0;
  for await (const part of large.parts()) {
    const out = new ByteChunks();
    for (const write of part) {
      out.text(n === 0 ? '\n        ' : ',\n        ');
      writeJsonValue(out, n++, write, 4);
    }
    for (const chunk of out.finish()) yield chunk.toString('utf8');
  }
  yield n === 0 ? ']\n    }' : '\n      ]\n    }';
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
  async function* otherWrites() {
    for await (const item of pages.otherWrites()) yield itemValue(item);
  }
  yield* listPieces('otherWrites', otherWrites(), true);
  yield '}\n';
}
