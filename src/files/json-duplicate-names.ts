import { closingQuote } from './json-bounds.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
/** The bytes the scan acts on outside strings: a quote, braces, brackets, a comma. */
const STRUCTURAL = new Uint8Array(256);
for (const b of [QUOTE, 0x7b, 0x7d, 0x5b, 0x5d, 0x2c]) STRUCTURAL[b] = 1;

/**
 * The name written at `start`..`end` as JSON.parse reads it: ASCII without
 * an escape (nearly every name) as it is, decoded only otherwise.
 */
function nameAt(bytes: Buffer, start: number, end: number): string {
  let ascii = true;
  for (let k = start; k < end; k++) {
    const b = bytes[k]!;
    if (b === BACKSLASH) return JSON.parse(`"${bytes.toString('utf8', start, end)}"`) as string;
    if (b >= 0x80) ascii = false;
  }
  return bytes.toString(ascii ? 'latin1' : 'utf8', start, end);
}

/** Where a JSON text first names a field again in the same object, and the name. */
export interface DuplicateName {
  /** Byte offset of the second name's opening quote. */
  readonly offset: number;
  readonly name: string;
}

/**
 * The first field named twice in one object of `bytes`, or null. JSON.parse
 * keeps the last of the two without a word, where another reader (a
 * reviewer's viewer, another language's parser) may keep the first: one file
 * read as two documents. Names are compared as JSON.parse reads them, so
 * `"a"` and `"\u0061"` are the same name. For text JSON.parse took: strings
 * are skipped to their closing quote, and a name is the first string of an
 * object or the first after a comma in one.
 */
export function firstDuplicateName(bytes: Buffer): DuplicateName | null {
  // Per depth: the names of the object open there so far, or null for an array.
  const names: (Set<string> | null)[] = [null];
  let depth = 0;
  let expectName = false;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    // Digits, letters and white space, most of a file outside its strings: one lookup each.
    if (STRUCTURAL[b] === 0) continue;
    if (b === QUOTE) {
      const end = closingQuote(bytes, i);
      if (end < 0) return null;
      const seen = names[depth];
      if (expectName && seen) {
        expectName = false;
        const name = nameAt(bytes, i + 1, end);
        if (seen.has(name)) return { offset: i, name };
        seen.add(name);
      }
      i = end;
    } else if (b === 0x7b) {
      names[++depth] = new Set();
      expectName = true;
    } else if (b === 0x5b) {
      names[++depth] = null;
    } else if (b === 0x7d || b === 0x5d) {
      names[depth--] = null;
    } else if (b === 0x2c) {
      expectName = names[depth] !== null;
    }
  }
  return null;
}
