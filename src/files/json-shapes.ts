/**
 * What JSON.parse makes V8 keep besides the values themselves, counted from
 * the text: the strings it interns (every field name, and every string of at
 * most 10 characters) and the hidden classes it builds for small objects.
 * Measured on Node 20; json-bounds.ts says what each costs.
 */

/**
 * V8's JSON.parse gives an object of more fields a dictionary, not a hidden
 * class (measured: 128 fields cost a class each, 129 none). Fields named by
 * an index ("0", "17") are the object's elements and do not count; the same
 * name twice counts twice.
 */
const SHAPE_FIELDS = 128;

/** V8 interns a string value of at most this many UTF-16 units (measured: 10 cost twice what 11 do). */
const SHORT_TEXT = 10;

/** The largest index V8 keeps as an element: 2^32 − 2. */
const MAX_INDEX = 4_294_967_294;

const NAME_SPAN = 2 ** 27;
const SEEN_PER_SHAPE = 8;
const RECENT_TEXTS = 65_536;

export const TOO_MANY_TEXTS = -1;
const TOO_MANY_SHAPES = -2;

/**
 * The interned strings met so far, and the shapes field names make: a tree
 * with a root for each number of fields (V8 starts an object of n fields
 * from a class of its own for n), whose every other node is a list of
 * names, as V8's hidden classes are linked by the name that extends each.
 */
export class Shapes {
  private readonly ids = new Map<string, number>();
  private readonly children = new Map<number, number>();
  // For each shape, a few names that extended it (their places in the file,
  // then the shape each made): objects of one kind repeat their names in one
  // order, so most names are found here without making a string of them.
  private readonly seen: number[][] = [];
  private readonly recentStart = new Int32Array(RECENT_TEXTS).fill(-1);
  private readonly recentLength = new Int32Array(RECENT_TEXTS);
  private readonly recentId = new Int32Array(RECENT_TEXTS);
  // Shapes 1 to SHAPE_FIELDS are the roots, one for each number of fields: not counted.
  private shapes = SHAPE_FIELDS;
  private misses = 0;

  constructor(
    readonly maxTexts: number,
    readonly maxShapes: number,
  ) {}

  /**
   * The number of the string written at `start`..`end`, or TOO_MANY_TEXTS.
   * Taken as written: one spelt two ways (an escape) counts twice, which no
   * plan does.
   */
  text(bytes: Buffer, start: number, end: number): number {
    // Most short texts repeat ("NL", a SKU, a kind): found in the cache by
    // their bytes, they need no string made.
    let hash = 0x811c9dc5;
    for (let k = start; k < end; k++) hash = Math.imul(hash ^ (bytes[k] ?? 0), 0x01000193);
    const slot = (hash >>> 0) & (RECENT_TEXTS - 1);
    const at = this.recentStart[slot] ?? -1;
    if (at >= 0 && sameBytes(bytes, at, at + (this.recentLength[slot] ?? 0), start, end)) return this.recentId[slot] ?? 0;
    const id = this.lookUp(bytes, start, end);
    if (id >= 0) {
      this.recentStart[slot] = start;
      this.recentLength[slot] = end - start;
      this.recentId[slot] = id;
    }
    return id;
  }

  private lookUp(bytes: Buffer, start: number, end: number): number {
    const text = bytes.toString('latin1', start, end);
    const known = this.ids.get(text);
    if (known !== undefined) return known;
    if (this.ids.size >= this.maxTexts) return TOO_MANY_TEXTS;
    this.ids.set(text, this.ids.size);
    return this.ids.size - 1;
  }

  /**
   * Counts the shapes of an object closed with these names (start and end of
   * each in `bytes`, as many as it has, or more than SHAPE_FIELDS, which were
   * counted as texts when they passed it), and its names as texts. V8 starts
   * each object from a class for its number of fields, so objects of
   * different sizes share no shapes, whatever their names. Null, or where the
   * name that makes one shape or text too many is written.
   */
  shape(bytes: Buffer, names: readonly number[]): { readonly offset: number; readonly tooMany: 'texts' | 'shapes' } | null {
    const fields = names.length / 2;
    if (fields === 0 || fields > SHAPE_FIELDS) return null;
    let shape = fields; // the root for objects of this many fields
    for (let k = 0; k < names.length; k += 2) {
      shape = this.extend(shape, bytes, names[k] ?? 0, names[k + 1] ?? 0);
      if (shape < 0) return { offset: (names[k] ?? 1) - 1, tooMany: shape === TOO_MANY_TEXTS ? 'texts' : 'shapes' };
    }
    return null;
  }

  /**
   * A field name of the object whose names so far are `names` (start and end
   * of each that is no index, one more than SHAPE_FIELDS when it has more):
   * 0, or TOO_MANY_TEXTS. An index ("0", "17") is an element, not a field:
   * it neither shapes the object nor counts towards its 128 fields. The
   * names that may shape it are counted as texts when it closes (shape()),
   * most of them found among the shapes' names without making a string.
   */
  name(bytes: Buffer, names: number[], start: number, end: number): number {
    if (names.length > SHAPE_FIELDS * 2 || arrayIndex(bytes, start, end)) return this.text(bytes, start, end);
    if (names.length === SHAPE_FIELDS * 2) {
      // The 129th: V8 makes the object a dictionary, so its names are texts only.
      if (this.texts(bytes, names) < 0 || this.text(bytes, start, end) < 0) return TOO_MANY_TEXTS;
    }
    names.push(start, end);
    return 0;
  }

  /** Counts the names (start and end of each) as texts: TOO_MANY_TEXTS, or 0. */
  private texts(bytes: Buffer, names: readonly number[]): number {
    for (let k = 0; k < names.length; k += 2) if (this.text(bytes, names[k] ?? 0, names[k + 1] ?? 0) < 0) return TOO_MANY_TEXTS;
    return 0;
  }

  /** The shape `shape` extended by the name at `start`..`end`, or TOO_MANY_TEXTS or TOO_MANY_SHAPES. */
  private extend(shape: number, bytes: Buffer, start: number, end: number): number {
    let seen = this.seen[shape];
    if (seen === undefined) this.seen[shape] = seen = [];
    for (let k = 0; k < seen.length; k += 3) {
      if (sameBytes(bytes, seen[k] ?? 0, seen[k + 1] ?? 0, start, end)) return seen[k + 2] ?? 0;
    }
    const id = this.text(bytes, start, end);
    if (id < 0) return id;
    // Exact below 2^53: a name takes 4 bytes at least, so both numbers stay
    // below 2^26 in any file under 256 MiB, the limit on plans.
    const key = shape * NAME_SPAN + id;
    let next = this.children.get(key);
    if (next === undefined) {
      if (this.shapes - SHAPE_FIELDS >= this.maxShapes) return TOO_MANY_SHAPES;
      next = ++this.shapes;
      this.children.set(key, next);
    }
    if (seen.length < SEEN_PER_SHAPE * 3) seen.push(start, end, next);
    else {
      // Full: the objects that opened the file need not be the common ones.
      const slot = (this.misses++ % SEEN_PER_SHAPE) * 3;
      seen[slot] = start;
      seen[slot + 1] = end;
      seen[slot + 2] = next;
    }
    return next;
  }
}

function sameBytes(bytes: Buffer, aStart: number, aEnd: number, bStart: number, bEnd: number): boolean {
  if (aEnd - aStart !== bEnd - bStart) return false;
  for (let k = 0; k < aEnd - aStart; k++) if (bytes[aStart + k] !== bytes[bStart + k]) return false;
  return true;
}

/**
 * Whether the string written at `start`..`end` is at most SHORT_TEXT UTF-16
 * units once read. Counts a lower bound (an escape or a byte that starts a
 * character as one, a four-byte character too), so a short one is never
 * missed; a character is at most 6 bytes written (`\uXXXX`).
 */
export function shortText(bytes: Buffer, start: number, end: number): boolean {
  if (end - start <= SHORT_TEXT) return true;
  if (end - start > SHORT_TEXT * 6) return false;
  let units = 0;
  for (let k = start; k < end; k++) {
    const b = bytes[k] ?? 0;
    if (b === 0x5c) k += bytes[k + 1] === 0x75 ? 5 : 1;
    else if (b >= 0x80 && b < 0xc0) continue;
    if (++units > SHORT_TEXT) return false;
  }
  return true;
}

/**
 * Whether the name written at `start`..`end` reads as an array index
 * (`0`, `17`, up to 2^32 − 2, no leading zero), which V8 keeps as an element,
 * not a field. Escapes are read: `"\u0030"` is `"0"`.
 */
function arrayIndex(bytes: Buffer, start: number, end: number): boolean {
  const first = bytes[start];
  // Most names start with a letter. A digit is at most 6 bytes written (`\u0030`).
  if (first === undefined || (first !== 0x5c && (first < 0x30 || first > 0x39)) || end - start > 10 * 6) return false;
  for (let k = start; k < end; k++) {
    const b = bytes[k] ?? 0;
    if (b === 0x5c) return isIndex(decoded(bytes, start, end));
    if (b < 0x30 || b > 0x39) return false;
  }
  return isIndex(bytes.toString('latin1', start, end));
}

function decoded(bytes: Buffer, start: number, end: number): string {
  try {
    return JSON.parse(`"${bytes.toString('utf8', start, end)}"`) as string;
  } catch {
    return ''; // not JSON: JSON.parse refuses the file after
  }
}

const isIndex = (text: string): boolean => /^(0|[1-9][0-9]{0,9})$/.test(text) && Number(text) <= MAX_INDEX;
