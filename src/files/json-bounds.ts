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
};

export interface BoundsProblem {
  /** Byte offset of the bracket or comma that passed the bound. */
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
  // Whether the container open at each depth is an object, and the fields of that object so far.
  const inObject: number[] = [];
  const objectFields: number[] = [];
  let depth = 0;
  let containers = 0;
  let items = 0;
  let fields = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === 0x22) {
      let end = i;
      do {
        end = bytes.indexOf(0x22, end + 1);
        if (end < 0) return null;
      } while (escapedQuote(bytes, end));
      i = end;
    } else if (b === 0x5b || b === 0x7b) {
      if (++depth > bounds.depth) return { offset: i, problem: `nested more than ${count(bounds.depth)} levels deep, which no plan is` };
      inObject[depth] = b === 0x7b ? 1 : 0;
      objectFields[depth] = 0;
      if (++containers > maxContainers) {
        return { offset: i, problem: `more than ${count(maxContainers)} arrays and objects, far more for its size than any plan holds` };
      }
      if (++items > maxItems) return tooManyItems(i, maxItems);
    } else if (b === 0x5d || b === 0x7d) depth--;
    else if (b === 0x2c) {
      if (++items > maxItems) return tooManyItems(i, maxItems);
      if (depth > 0 && inObject[depth] === 1) {
        if (++fields > maxFields) return { offset: i, problem: `more than ${count(maxFields)} fields in objects, far more for its size than any plan holds` };
        const inThis = (objectFields[depth] ?? 0) + 1;
        objectFields[depth] = inThis;
        if (inThis > maxObjectFields) return { offset: i, problem: `an object of more than ${count(maxObjectFields)} fields, far more for its size than any plan holds` };
      }
    }
  }
  return null;
}

function tooManyItems(offset: number, max: number): BoundsProblem {
  return { offset, problem: `more than ${count(max)} values, far more for its size than any plan holds` };
}

function escapedQuote(bytes: Buffer, quote: number): boolean {
  let backslashes = 0;
  for (let k = quote - 1; bytes[k] === 0x5c; k--) backslashes++;
  return backslashes % 2 === 1;
}
