import type { HistoryPages, OtherWritesItem } from '../audit/history-pages.js';
import type { LargeApply } from '../audit/large-apply.js';
import type { LargeOtherWrites } from '../audit/large-other-writes.js';
import { HISTORY_FORMAT_VERSION, toHistoryDocument, type HistoryEntry } from '../audit/read-history.js';
import type { OtherWritesEntry } from '../audit/read-other-writes.js';
import { jsonText } from './escape-json.js';
import { ByteChunks, OWN, own, writeAscii, writeByte, writeJsonValue, writeKey, writeLineStart, writeOwn } from './json-bytes.js';

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
    if (item instanceof LargeChanges) {
      index++;
      yield* largeApplyPieces(item.large);
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

/** An apply whose changes are read as they are written out. */
class LargeChanges {
  constructor(readonly large: LargeApply) {}
}

/** One property of an object at `depth` as writeJsonValue writes it there; returns whether the object is still empty. */
function writeProperty(out: ByteChunks, first: boolean, key: string, value: unknown, depth: number): boolean {
  const how = own(key, value, depth + 1);
  if (how === undefined) return first;
  writeKey(out, first, depth + 1, key);
  if (how === OWN) writeOwn(out, value, depth + 1);
  else out.text(how);
  return false;
}

/**
 * The bytes writeJsonValue writes for an apply (an element of `applies`, at
 * depth 2) with all its changes, written property by property as its object
 * would be, its changes as they are read, a slice at a time.
 */
async function* largeApplyPieces(large: LargeApply): AsyncGenerator<string> {
  const depth = 2;
  const { malformed: _, ...entry } = large.entry;
  const out = new ByteChunks();
  let first = true;
  for (const [key, value] of Object.entries(entry)) {
    if (key !== 'changes') {
      first = writeProperty(out, first, key, value, depth);
      continue;
    }
    writeKey(out, first, depth + 1, key);
    first = false;
    let n = 0;
    for await (const slice of large.slices()) {
      for (const change of slice.changes) {
        if (n === 0) writeByte(out, 0x5b);
        writeLineStart(out, n === 0, depth + 2);
        const how = own(n++, change, depth + 2);
        if (how === OWN) writeOwn(out, change, depth + 2);
        else out.text(how ?? 'null');
      }
      for (const chunk of out.take()) yield chunk.toString('utf8');
    }
    if (n === 0) writeAscii(out, '[]');
    else {
      writeLineStart(out, true, depth + 1);
      writeByte(out, 0x5d);
    }
  }
  if (first) writeAscii(out, '{}');
  else {
    writeLineStart(out, true, depth);
    writeByte(out, 0x7d);
  }
  for (const chunk of out.finish()) yield chunk.toString('utf8');
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
    for await (const item of pages.applies()) {
      if (item.large) yield new LargeChanges(item.large);
      else {
        const { malformed: _, ...entry } = item.apply;
        yield entry;
      }
    }
  }
  yield* listPieces('applies', applies(), false);
  async function* otherWrites() {
    for await (const item of pages.otherWrites()) yield itemValue(item);
  }
  yield* listPieces('otherWrites', otherWrites(), true);
  yield '}\n';
}
