import { jsonTextPiece } from './escape-json.js';
import { INVISIBLE_BEYOND_C0, MARK_PILE } from './escape-terminal.js';

/**
 * Pretty JSON written straight into UTF-8 bytes: for any value, exactly the
 * bytes of `jsonTextPiece(JSON.stringify(value, null, 2))` at the same depth
 * (see `writeJsonValue`), about three times faster than JSON.stringify with
 * indentation followed by a regular expression over the text and a UTF-8
 * copy. Most strings in a plan (names, addresses, SKUs) are printable ASCII
 * without `"`, `\` or `#`: those are checked and copied in one loop; any
 * other string is escaped by JSON.stringify and jsonTextPiece themselves.
 * Values that are not plain data (toJSON, boxed primitives, class instances,
 * BigInt, very deep nesting) are handed to JSON.stringify as well.
 */

/** Bytes per chunk: large enough that writes are few, small enough to stay out of the old generation for long. */
const CHUNK_BYTES = 1 << 20;
/** Beyond this depth a value is left to JSON.stringify, which reports cycles as it does for the whole document. */
export const MAX_DEPTH = 256;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const HASH = 0x23;
const SPACE = 0x20;
const NEWLINE = 0x0a;
const TILDE = 0x7e;

/**
 * Chunks of UTF-8 being filled. A chunk is only ever cut between two writes,
 * and every write is whole characters, so each chunk is valid UTF-8 on its
 * own (planJsonPieces decodes them one by one).
 */
export class ByteChunks {
  chunk: Buffer;
  at = 0;
  private full: Buffer[] = [];

  /** `chunkBytes`: the size of a chunk (tests make it small, to cut values at every place). */
  constructor(private readonly chunkBytes = CHUNK_BYTES) {
    this.chunk = Buffer.allocUnsafe(chunkBytes);
  }

  /** Makes room for `bytes` more bytes in the current chunk. */
  room(bytes: number): void {
    if (this.at + bytes > this.chunk.length) this.next(bytes);
  }

  private next(bytes: number): void {
    if (this.at > 0) this.full.push(this.chunk.subarray(0, this.at));
    this.chunk = Buffer.allocUnsafe(Math.max(this.chunkBytes, bytes));
    this.at = 0;
  }

  /** Text as UTF-8 (a UTF-16 code unit takes at most 3 bytes). */
  text(text: string): void {
    this.room(text.length * 3);
    this.at += this.chunk.write(text, this.at, 'utf8');
  }

  /** The chunks filled so far, each handed out once. */
  take(): Buffer[] {
    const full = this.full;
    this.full = [];
    return full;
  }

  /** Every chunk left, the partial one included. */
  finish(): Buffer[] {
    this.next(0);
    return this.take();
  }
}

/**
 * JSON.stringify's escapes (`"`, `\\`, C0 controls, lone surrogates) and then
 * jsonText's (escape-terminal.ts's invisible characters, piles of combining
 * marks, `##[`): a string without any of them is its own JSON text between quotes.
 */
const UNSAFE_STRING = new RegExp(`["\\\\\\u0000-\\u001f\\ud800-\\udfff]|${INVISIBLE_BEYOND_C0.source}|${MARK_PILE.source}|##\\[`, 'u');

/** What this writer leaves to the slow path among the two-byte characters: the invisible ones, and combining marks (which may pile up). */
const NOT_PLAIN = new RegExp(`${INVISIBLE_BEYOND_C0.source}|[\\p{Mn}\\p{Me}]`, 'u');

/** 1 for each character from U+00A0 to U+07FF that this writer encodes itself. */
const PLAIN_TWO_BYTE = new Uint8Array(0x800).map((_, c) => (c >= 0xa0 && !NOT_PLAIN.test(String.fromCharCode(c)) ? 1 : 0));

function writeSlowString(out: ByteChunks, value: string): void {
  out.text(UNSAFE_STRING.test(value) ? jsonTextPiece(JSON.stringify(value)) : `"${value}"`);
}

/**
 * A string as a JSON string. Printable ASCII other than `"`, `\` and `#`, and
 * the characters from U+00A0 to U+07FF that neither JSON.stringify nor
 * jsonTextPiece escapes (accented letters, Greek, Cyrillic, Hebrew letters:
 * all but combining marks and a few format characters, PLAIN_TWO_BYTE) are
 * encoded here; a string with anything else takes the slow path.
 */
export function writeString(out: ByteChunks, value: string): void {
  const length = value.length;
  out.room(2 * length + 2);
  const chunk = out.chunk;
  let at = out.at;
  chunk[at++] = QUOTE;
  for (let i = 0; i < length; i++) {
    const c = value.charCodeAt(i);
    if (c >= SPACE && c <= TILDE) {
      if (c === QUOTE || c === BACKSLASH || c === HASH) return writeSlowString(out, value);
      chunk[at++] = c;
    } else if (c < 0x800 && PLAIN_TWO_BYTE[c] === 1) {
      chunk[at++] = 0xc0 | (c >> 6);
      chunk[at++] = 0x80 | (c & 0x3f);
    } else {
      return writeSlowString(out, value);
    }
  }
  chunk[at++] = QUOTE;
  out.at = at;
}

/**
 * `{` or `,`, a line break, the indentation of `depth`, and `"key": `: the
 * start of a property.
 */
export function writeKey(out: ByteChunks, first: boolean, depth: number, key: string): void {
  const length = key.length;
  out.room(2 * depth + length + 6);
  const chunk = out.chunk;
  let at = out.at;
  chunk[at++] = first ? 0x7b : 0x2c;
  chunk[at++] = NEWLINE;
  for (let i = 2 * depth; i > 0; i--) chunk[at++] = SPACE;
  const quote = at;
  chunk[at++] = QUOTE;
  for (let i = 0; i < length; i++) {
    const c = key.charCodeAt(i);
    if (c < SPACE || c > TILDE || c === QUOTE || c === BACKSLASH || c === HASH) {
      out.at = quote;
      writeSlowString(out, key);
      writeAscii(out, ': ');
      return;
    }
    chunk[at++] = c;
  }
  chunk[at++] = QUOTE;
  chunk[at++] = 0x3a;
  chunk[at++] = SPACE;
  out.at = at;
}

/** Text known to be printable ASCII (numbers, literals, punctuation). */
export function writeAscii(out: ByteChunks, text: string): void {
  const length = text.length;
  out.room(length);
  const chunk = out.chunk;
  let at = out.at;
  for (let i = 0; i < length; i++) chunk[at++] = text.charCodeAt(i);
  out.at = at;
}

/** `,` (unless first), a line break and the indentation of `depth`. */
export function writeLineStart(out: ByteChunks, first: boolean, depth: number): void {
  out.room(2 + 2 * depth);
  const chunk = out.chunk;
  let at = out.at;
  if (!first) chunk[at++] = 0x2c;
  chunk[at++] = NEWLINE;
  for (let i = 2 * depth; i > 0; i--) chunk[at++] = SPACE;
  out.at = at;
}

export function writeByte(out: ByteChunks, byte: number): void {
  out.room(1);
  out.chunk[out.at++] = byte;
}

/**
 * What JSON.stringify writes for `value` held under `key` at `depth`, for
 * values this writer leaves to it. Serialised as the one property of an
 * object, so that toJSON receives the same key; its lines are then indented
 * to `depth` (every line break in JSON.stringify's output is its own: line
 * breaks in strings are escaped). Undefined when the property is left out.
 */
function nativeText(key: string, value: unknown, depth: number): string | undefined {
  if (depth === 0) {
    const text = JSON.stringify(value, null, 2) as string | undefined;
    return text === undefined ? undefined : jsonTextPiece(text);
  }
  const holder = JSON.stringify({ [key]: value }, null, 2);
  if (holder === '{}') return undefined;
  const text = holder.slice(`{\n  ${JSON.stringify(key)}: `.length, holder.length - '\n}'.length);
  return jsonTextPiece(depth > 1 ? text.replace(/\n/g, `\n${'  '.repeat(depth - 1)}`) : text);
}

/** Marks a value this writer writes itself (see `own`). */
export const OWN = 0;

/**
 * How `value`, held under `key` at `depth`, is written: OWN when it is plain
 * data this writer handles (a string, number, boolean, null, an array or an
 * object with Object's prototype or none, without toJSON); otherwise the text
 * JSON.stringify writes for it, or undefined where it leaves it out.
 */
export function own(key: string | number, value: unknown, depth: number): typeof OWN | string | undefined {
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
      return OWN;
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
    case 'object': {
      if (value === null) return OWN;
      if (depth < MAX_DEPTH && typeof (value as { toJSON?: unknown }).toJSON !== 'function') {
        if (Array.isArray(value)) return OWN;
        const prototype: unknown = Object.getPrototypeOf(value);
        if (prototype === Object.prototype || prototype === null) return OWN;
      }
      break;
    }
    default:
  }
  // BigInt, toJSON, boxed primitives, class instances, deep nesting: JSON.stringify knows (or throws as it would).
  return nativeText(String(key), value, depth);
}

/**
 * Writes `value`, held under `key` (a property name, or an array index) in a
 * document at `depth` (the top level is 0), as JSON.stringify(document, null,
 * 2) writes it there, escaped by jsonTextPiece. Returns false, having written
 * nothing, where JSON.stringify leaves the property out (undefined, a
 * function, a symbol, a toJSON giving undefined).
 */
export function writeJsonValue(out: ByteChunks, key: string | number, value: unknown, depth: number): boolean {
  const how = own(key, value, depth);
  if (how === undefined) return false;
  if (how === OWN) writeOwn(out, value, depth);
  else out.text(how);
  return true;
}

/** A value `own` said this writer handles. */
export function writeOwn(out: ByteChunks, value: unknown, depth: number): void {
  switch (typeof value) {
    case 'string':
      writeString(out, value);
      return;
    case 'number':
      writeAscii(out, Number.isFinite(value) ? `${value}` : 'null');
      return;
    case 'boolean':
      writeAscii(out, value ? 'true' : 'false');
      return;
    default:
      if (value === null) writeAscii(out, 'null');
      else if (Array.isArray(value)) writeArray(out, value, depth);
      else writeObject(out, value as Record<string, unknown>, depth);
  }
}

function writeArray(out: ByteChunks, array: readonly unknown[], depth: number): void {
  const length = array.length;
  if (length === 0) {
    writeAscii(out, '[]');
    return;
  }
  writeByte(out, 0x5b);
  for (let i = 0; i < length; i++) {
    writeLineStart(out, i === 0, depth + 1);
    const value = array[i];
    // Most values in a plan are strings: no need to ask `own`.
    if (typeof value === 'string') {
      writeString(out, value);
      continue;
    }
    const how = own(i, value, depth + 1);
    if (how === OWN) writeOwn(out, value, depth + 1);
    else out.text(how ?? 'null');
  }
  writeLineStart(out, true, depth);
  writeByte(out, 0x5d);
}

function writeObject(out: ByteChunks, object: Record<string, unknown>, depth: number): void {
  let first = true;
  for (const key of Object.keys(object)) {
    const value = object[key];
    if (typeof value === 'string') {
      writeKey(out, first, depth + 1, key);
      first = false;
      writeString(out, value);
      continue;
    }
    const how = own(key, value, depth + 1);
    if (how === undefined) continue;
    writeKey(out, first, depth + 1, key);
    first = false;
    if (how === OWN) writeOwn(out, value, depth + 1);
    else out.text(how);
  }
  if (first) {
    writeAscii(out, '{}');
    return;
  }
  writeLineStart(out, true, depth);
  writeByte(out, 0x7d);
}
