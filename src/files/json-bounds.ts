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
  /**
   * At most this many different field names in all, plus one per
   * `bytesPerName` bytes. Each new name is a string V8 interns: 6.9 million
   * names in 64 MiB took JSON.parse 6.3 s and 1.5 GB. A plan repeats a few
   * dozen names, but for its fingerprint, which names each user once.
   */
  readonly names: number;
  readonly bytesPerName: number;
  /**
   * At most this many shapes of small objects, plus one per `bytesPerShape`
   * bytes. A shape is the list of an object's first `SHAPE_FIELDS` names in
   * their order, counted as V8 does: one for each list that is not the start
   * of one seen before. V8 builds a hidden class for each, kept while the
   * objects live: small objects of 127 names each, all different, cost it
   * 14 s and 2.6 GB for 16 MiB, and 127 names reordered in each object 7 s
   * and 1 GB for 64 MiB. An object of more fields V8 keeps as a dictionary,
   * which costs no shape. A plan has a few hundred shapes.
   */
  readonly shapes: number;
  readonly bytesPerShape: number;
}

/**
 * V8's JSON.parse gives an object of more fields a dictionary, not a hidden
 * class (measured on Node 20: 128 fields cost a class each, 129 none).
 */
const SHAPE_FIELDS = 128;
const NAME_SPAN = 2 ** 27;
const SEEN_PER_SHAPE = 8;

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
  names: 100_000,
  bytesPerName: 128,
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
    bounds.names + Math.floor(bytes.length / bounds.bytesPerName),
    bounds.shapes + Math.floor(bytes.length / bounds.bytesPerShape),
  );
  // Per depth: whether the container open there is an object, its fields so
  // far (by commas), its names so far, the shape they make, and whether the
  // next string in it is a name.
  const inObject: number[] = [0];
  const objectFields: number[] = [0];
  const objectNames: number[] = [0];
  const objectShape: number[] = [0];
  const expectName: boolean[] = [false];
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
      if (depth > 0 && expectName[depth]) {
        expectName[depth] = false;
        const named = (objectNames[depth] ?? 0) + 1;
        objectNames[depth] = named;
        const next = named <= SHAPE_FIELDS ? shapes.extend(objectShape[depth] ?? 0, bytes, i + 1, end) : shapes.name(bytes, i + 1, end);
        if (next === TOO_MANY_NAMES) return { offset: i, problem: `more than ${count(shapes.maxNames)} different field names, far more for its size than any plan holds` };
        if (next === TOO_MANY_SHAPES) return { offset: i, problem: `objects of more than ${count(shapes.maxShapes)} different shapes, far more for its size than any plan holds` };
        if (named <= SHAPE_FIELDS) objectShape[depth] = next;
      }
      i = end;
    } else if (b === 0x5b || b === 0x7b) {
      if (++depth > bounds.depth) return { offset: i, problem: `nested more than ${count(bounds.depth)} levels deep, which no plan is` };
      inObject[depth] = b === 0x7b ? 1 : 0;
      objectFields[depth] = 0;
      objectNames[depth] = 0;
      objectShape[depth] = 0;
      expectName[depth] = b === 0x7b;
      if (++containers > maxContainers) {
        return { offset: i, problem: `more than ${count(maxContainers)} arrays and objects, far more for its size than any plan holds` };
      }
      if (++items > maxItems) return tooManyItems(i, maxItems);
    } else if (b === 0x5d || b === 0x7d) depth--;
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

const TOO_MANY_NAMES = -1;
const TOO_MANY_SHAPES = -2;

/**
 * The field names met so far, and the shapes they make: a tree whose root
 * (0) is the empty object and whose every other node is a list of names, as
 * V8's hidden classes are linked by the name that extends each.
 */
class Shapes {
  private readonly ids = new Map<string, number>();
  private readonly children = new Map<number, number>();
  // For each shape, the first few names that extended it (their places in
  // the file, then the shape each made): objects of one kind repeat their
  // names in one order, so most names are found here without making a
  // string of them.
  private readonly seen: number[][] = [];
  private shapes = 0;
  private misses = 0;

  constructor(
    readonly maxNames: number,
    readonly maxShapes: number,
  ) {}

  /**
   * The name's number, or TOO_MANY_NAMES. Names are taken as written: one
   * spelt two ways (an escape) counts twice, which no plan does.
   */
  name(bytes: Buffer, start: number, end: number): number {
    const name = bytes.toString('latin1', start, end);
    const known = this.ids.get(name);
    if (known !== undefined) return known;
    if (this.ids.size >= this.maxNames) return TOO_MANY_NAMES;
    this.ids.set(name, this.ids.size);
    return this.ids.size - 1;
  }

  /** The shape `shape` extended by the name at `start`..`end`, or TOO_MANY_NAMES or TOO_MANY_SHAPES. */
  extend(shape: number, bytes: Buffer, start: number, end: number): number {
    let seen = this.seen[shape];
    if (seen === undefined) this.seen[shape] = seen = [];
    for (let k = 0; k < seen.length; k += 3) {
      if (sameBytes(bytes, seen[k] ?? 0, seen[k + 1] ?? 0, start, end)) return seen[k + 2] ?? 0;
    }
    const id = this.name(bytes, start, end);
    if (id < 0) return id;
    // Exact below 2^53: a name takes 4 bytes at least, so both numbers stay
    // below 2^26 in any file under 256 MiB, the limit on plans.
    const key = shape * NAME_SPAN + id;
    let next = this.children.get(key);
    if (next === undefined) {
      if (this.shapes >= this.maxShapes) return TOO_MANY_SHAPES;
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

function tooManyItems(offset: number, max: number): BoundsProblem {
  return { offset, problem: `more than ${count(max)} values, far more for its size than any plan holds` };
}

function escapedQuote(bytes: Buffer, quote: number): boolean {
  let backslashes = 0;
  for (let k = quote - 1; bytes[k] === 0x5c; k--) backslashes++;
  return backslashes % 2 === 1;
}
