/**
 * How much structure a plan file may hold before JSON.parse is let near it.
 * JSON.parse bounds neither nesting nor the number of values: a 256 MiB file
 * (the limit on plans) of `[[],[],…` cost it 215 s and 7 GB, and files of
 * many nests 9,999 deep brought V8 down. `plan --out` writes at most 7 levels,
 * one array or object per 72 bytes or more (one per 122 in an adoption of
 * 100,000 users) and one value per 9 bytes or more (each on an indented
 * line of its own, every short one deep inside), so these bounds refuse no plan it writes
 * and cap what parsing the largest file allowed can cost at a few seconds.
 */
import { Shapes, shortText, TOO_MANY_TEXTS } from './json-shapes.js';

export interface JsonBounds {
  /** Arrays and objects open at once. */
  readonly depth: number;
  /** At most this many arrays and objects in all, plus one per `bytesPerContainer` bytes of the file. */
  readonly containers: number;
  readonly bytesPerContainer: number;
  /** At most this many values and fields (commas, plus arrays and objects), plus one per `bytesPerItem` bytes. */
  readonly items: number;
  readonly bytesPerItem: number;
  /**
   * At most this many fields of objects (commas inside objects), plus one per
   * `bytesPerField` bytes. A field costs JSON.parse far more than a value in
   * a list (its name, and a slot in a dictionary once an object has many):
   * a 64 MiB object of 8 million short names took 13 s and 1.5 GB, and one
   * of 256 MiB would pass the 4 GB heap. A plan writes each field on a line
   * of its own, indented: 37 bytes a field in contoso's plan and in an
   * adoption of 1,000 users.
   */
  readonly fields: number;
  readonly bytesPerField: number;
  /**
   * At most this many fields in any one object, plus one per
   * `bytesPerObjectField` bytes: JSON.parse slows down as one object grows
   * into the millions of names (2 million took it 13 s here). A plan's largest
   * object is its fingerprint's, one field of about 110 bytes for each user
   * of the tenant.
   */
  readonly objectFields: number;
  readonly bytesPerObjectField: number;
  /**
   * At most this many different field names and short texts (strings of at
   * most 10 characters) in all, plus one per `bytesPerText` bytes. V8 interns
   * each, in a table that grows with every new one: 6.9 million names in 64
   * MiB took JSON.parse 6.3 s and 1.5 GB, 33.5 million short texts in 256 MiB
   * 33 s and 3.1 GB. A plan repeats a few dozen names, but for its
   * fingerprint, which names each user once; an adoption of 100,000 users
   * has 23,000 different short texts in 203 MB.
   */
  readonly texts: number;
  readonly bytesPerText: number;
  /**
   * At most this many bytes in a field name, as written. V8 hashes a string
   * of more than 16,383 characters by its length alone, so long names of one
   * length all collide, in its string table and in the scan's own: 80 MB of
   * 4,000 names of 20,000 characters cost the scan 36 s and JSON.parse 33 s,
   * and 256 MiB of them minutes. A plan's longest name is a user's id.
   */
  readonly nameBytes: number;
  /**
   * At most this many shapes of small objects, plus one per `bytesPerShape`
   * bytes. A shape is an object's number of fields (names that are no index,
   * at most SHAPE_FIELDS) with a list of its first names in their order,
   * counted as V8 does: one for each list that is not the start of one seen
   * before in an object of as many fields. V8 builds a hidden class for
   * each, kept while the objects live: small objects of 127 names each, all
   * different, cost it 14 s and 2.6 GB for 16 MiB; 127 names reordered in
   * each object 7 s and 1 GB for 64 MiB; the same names in objects of every
   * size from 1 to 128, 71 s and 4.4 GB for 256 MiB. An object of more
   * fields V8 keeps as a dictionary, which costs no shape. A plan has a few
   * hundred shapes.
   */
  readonly shapes: number;
  readonly bytesPerShape: number;
}


export const PLAN_BOUNDS: JsonBounds = {
  depth: 64,
  containers: 100_000,
  bytesPerContainer: 48,
  items: 100_000,
  bytesPerItem: 8,
  fields: 100_000,
  bytesPerField: 16,
  objectFields: 100_000,
  bytesPerObjectField: 128,
  texts: 100_000,
  bytesPerText: 128,
  nameBytes: 1_024,
  shapes: 10_000,
  bytesPerShape: 1_024,
};

export interface BoundsProblem {
  /** Byte offset of the bracket, comma or name that passed the bound. */
  readonly offset: number;
  readonly problem: string;
}

const count = (n: number): string => n.toLocaleString('en-US');

/**
 * Where `bytes` (JSON, or what claims to be) first passes `bounds`, or null.
 * One pass, skipping strings with indexOf (most of a plan is strings), so
 * brackets and commas inside strings do not count. Whether the text is JSON
 * at all is for JSON.parse to say after.
 */
export function beyondBounds(bytes: Buffer, bounds: JsonBounds): BoundsProblem | null {
  const maxContainers = bounds.containers + Math.floor(bytes.length / bounds.bytesPerContainer);
  const maxItems = bounds.items + Math.floor(bytes.length / bounds.bytesPerItem);
  const maxFields = bounds.fields + Math.floor(bytes.length / bounds.bytesPerField);
  const maxObjectFields = bounds.objectFields + Math.floor(bytes.length / bounds.bytesPerObjectField);
  const shapes = new Shapes(
    bounds.texts + Math.floor(bytes.length / bounds.bytesPerText),
    bounds.shapes + Math.floor(bytes.length / bounds.bytesPerShape),
  );
  // Per depth: whether the container open there is an object, its fields so
  // far (by commas), where its first names that are no index are written
  // (start and end of each; see Shapes.name), and whether the next string
  // in it is a name.
  const inObject: number[] = [0];
  const objectFields: number[] = [0];
  const objectNames: number[][] = [[]];
  const expectName: boolean[] = [false];
  let depth = 0;
  let containers = 0;
  let items = 0;
  let fields = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === 0x22) {
      const end = closingQuote(bytes, i);
      if (end < 0) return null;
      let next = 0;
      if (depth > 0 && expectName[depth]) {
        expectName[depth] = false;
        if (end - i - 1 > bounds.nameBytes) return { offset: i, problem: `a field name of more than ${count(bounds.nameBytes)} bytes, far longer than any plan's` };
        next = shapes.name(bytes, objectNames[depth] ?? [], i + 1, end);
      } else if (shortText(bytes, i + 1, end)) next = shapes.text(bytes, i + 1, end);
      if (next === TOO_MANY_TEXTS) return tooManyTexts(i, shapes.maxTexts);
      i = end;
    } else if (b === 0x5b || b === 0x7b) {
      if (++depth > bounds.depth) return { offset: i, problem: `nested more than ${count(bounds.depth)} levels deep, which no plan is` };
      inObject[depth] = b === 0x7b ? 1 : 0;
      objectFields[depth] = 0;
      const names = objectNames[depth];
      if (names === undefined) objectNames[depth] = [];
      else names.length = 0;
      expectName[depth] = b === 0x7b;
      if (++containers > maxContainers) {
        return { offset: i, problem: `more than ${count(maxContainers)} arrays and objects, far more for its size than any plan holds` };
      }
      if (++items > maxItems) return tooManyItems(i, maxItems);
    } else if (b === 0x5d || b === 0x7d) {
      if (b === 0x7d && inObject[depth] === 1) {
        const shaped = shapes.shape(bytes, objectNames[depth] ?? []);
        if (shaped?.tooMany === 'texts') return tooManyTexts(shaped.offset, shapes.maxTexts);
        if (shaped) return { offset: shaped.offset, problem: `objects of more than ${count(shapes.maxShapes)} different shapes, far more for its size than any plan holds` };
      }
      depth--;
    }
    else if (b === 0x2c) {
      if (++items > maxItems) return tooManyItems(i, maxItems);
      if (depth > 0 && inObject[depth] === 1) {
        expectName[depth] = true;
        if (++fields > maxFields) return { offset: i, problem: `more than ${count(maxFields)} fields in objects, far more for its size than any plan holds` };
        const inThis = (objectFields[depth] ?? 0) + 1;
        objectFields[depth] = inThis;
        if (inThis > maxObjectFields) return { offset: i, problem: `an object of more than ${count(maxObjectFields)} fields, far more for its size than any plan holds` };
      }
    }
  }
  return null;
}

function tooManyTexts(offset: number, max: number): BoundsProblem {
  return { offset, problem: `more than ${count(max)} different field names and short texts, far more for its size than any plan holds` };
}

function tooManyItems(offset: number, max: number): BoundsProblem {
  return { offset, problem: `more than ${count(max)} values, far more for its size than any plan holds` };
}

function escapedQuote(bytes: Buffer, quote: number): boolean {
  let backslashes = 0;
  for (let k = quote - 1; bytes[k] === 0x5c; k--) backslashes++;
  return backslashes % 2 === 1;
}

/** The offset of the quote closing the string opened at `open` (one not preceded by an odd number of backslashes), or -1. */
export function closingQuote(bytes: Buffer, open: number): number {
  let end = open;
  do {
    end = bytes.indexOf(0x22, end + 1);
    if (end < 0) return -1;
  } while (escapedQuote(bytes, end));
  return end;
}
