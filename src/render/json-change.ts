import { MAX_DEPTH, OWN, own, writeAscii, writeByte, writeKey, writeLineStart, writeOwn, type ByteChunks } from './json-bytes.js';

/**
 * True when `a` and `b` are plain data that JSON.stringify writes as the same
 * text at the same depth: equal primitives, or arrays and objects (Object's
 * prototype or none, no toJSON) with the same keys in the same order and
 * such values. Anything else is not the same, even when identical: a toJSON
 * may depend on the key it is called with. (Both are read again here: the
 * same data means values, not getters that answer differently each time.)
 */
export function sameJson(a: unknown, b: unknown, depth = 0): boolean {
  // A BigInt is written by a toJSON, if anyone defined one.
  if (typeof a === 'bigint') return false;
  if (typeof a !== 'object' || a === null) return a === b;
  if (typeof b !== 'object' || b === null || depth >= MAX_DEPTH) return false;
  if (typeof (a as { toJSON?: unknown }).toJSON === 'function' || typeof (b as { toJSON?: unknown }).toJSON === 'function') return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], b[i], depth + 1)) return false;
    return true;
  }
  if (Array.isArray(b) || !isPlain(a) || !isPlain(b)) return false;
  const keys = Object.keys(a);
  const others = Object.keys(b);
  if (keys.length !== others.length) return false;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    if (key !== others[i] || !sameJson((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], depth + 1)) return false;
  }
  return true;
}

function isPlain(value: object): boolean {
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/**
 * One element of the plan's `changes` at `depth`, as writeJsonValue writes
 * it, but with a user change's `after` copied byte for byte from its
 * `before` when the two are the same data: an adoption's snapshots are the
 * user as the tenant has it and as the configuration declares it, which is
 * the same, and the two are nine tenths of the plan.
 */
export function writeChange(out: ByteChunks, index: number, change: unknown, depth: number): boolean {
  const how = own(index, change, depth);
  if (how === undefined) return false;
  if (how !== OWN) {
    out.text(how);
    return true;
  }
  if (typeof change !== 'object' || change === null || Array.isArray(change)) {
    writeOwn(out, change, depth);
    return true;
  }
  const object = change as Record<string, unknown>;
  // Where `before` was written, while it lies in one chunk.
  let before: { readonly chunk: Buffer; readonly start: number; readonly end: number; readonly value: unknown } | undefined;
  let first = true;
  for (const key of Object.keys(object)) {
    const value = object[key];
    const how = own(key, value, depth + 1);
    if (how === undefined) continue;
    writeKey(out, first, depth + 1, key);
    first = false;
    if (how !== OWN) {
      out.text(how);
    } else if (key === 'after' && before !== undefined && typeof value === 'object' && value !== null && sameJson(before.value, value)) {
      const length = before.end - before.start;
      out.room(length);
      out.at += before.chunk.copy(out.chunk, out.at, before.start, before.end);
    } else {
      const chunk = out.chunk;
      const start = out.at;
      writeOwn(out, value, depth + 1);
      if (key === 'before' && out.chunk === chunk) before = { chunk, start, end: out.at, value };
    }
  }
  if (first) {
    writeAscii(out, '{}');
    return true;
  }
  writeLineStart(out, true, depth);
  writeByte(out, 0x7d);
  return true;
}
