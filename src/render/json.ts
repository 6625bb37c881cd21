import type { PlanDocument } from '../plan/plan-document.js';
import { jsonTextPiece } from './escape-json.js';
import { ByteChunks, OWN, own, writeAscii, writeByte, writeKey, writeLineStart, writeOwn } from './json-bytes.js';
import { writeChange } from './json-change.js';

/**
 * The JSON plan of INTERFACE.md (schemas/plan.schema.json): two-space
 * indentation, keys in the order `toPlanDocument` builds them, and a final
 * newline, so the same plan always gives the same bytes.
 */
export function renderJson(plan: PlanDocument): string {
  return [...planJsonPieces(plan)].join('');
}

/**
 * The UTF-8 bytes of `jsonTextPiece(JSON.stringify(plan, null, 2))` and a
 * newline (what `renderJson` returns), in chunks of about a megabyte, for
 * `plan --out` and for comparing a plan with a saved one: a plan of 100,000
 * adoptions is 200 MB of JSON, which as one string (and its UTF-8 copy)
 * costs seconds and about 1 GB of memory. Written by json-bytes.ts, which
 * gives JSON.stringify's bytes for every value, several times faster; a
 * chunk is handed out after each change. Each chunk is new (callers may keep
 * them) and valid UTF-8 on its own. (`chunkBytes`: for tests.)
 */
export function* planJsonChunks(plan: PlanDocument, chunkBytes?: number): Generator<Buffer> {
  const out = new ByteChunks(chunkBytes);
  const document: unknown = plan;
  const how = own('', document, 0);
  if (how !== OWN || typeof document !== 'object' || document === null || Array.isArray(document)) {
    // Not a plan's shape: as JSON.stringify writes it (which throws where it throws).
    out.text(`${typeof how === 'string' ? how : jsonTextPiece(JSON.stringify(document, null, 2))}\n`);
    yield* out.finish();
    return;
  }
  const fields = document as Record<string, unknown>;
  let first = true;
  for (const key of Object.keys(fields)) {
    const value = fields[key];
    const how = own(key, value, 1);
    if (how === undefined) continue;
    writeKey(out, first, 1, key);
    first = false;
    if (how !== OWN) out.text(how);
    else if (key === 'changes' && Array.isArray(value) && value.length > 0) yield* changes(out, value);
    else writeOwn(out, value, 1);
  }
  writeAscii(out, first ? '{}\n' : '\n}\n');
  yield* out.finish();
}

/** The elements of `changes` (at depth 2), a chunk handed out whenever one is full. */
function* changes(out: ByteChunks, changes: readonly unknown[]): Generator<Buffer> {
  writeByte(out, 0x5b);
  for (let index = 0; index < changes.length; index++) {
    writeLineStart(out, index === 0, 2);
    if (!writeChange(out, index, changes[index], 2)) writeAscii(out, 'null');
    yield* out.take();
  }
  writeLineStart(out, true, 1);
  writeByte(out, 0x5d);
}

/**
 * The same text as `renderJson`, in pieces (one per chunk of
 * `planJsonChunks`): for `plan --out` and callers that want strings.
 */
export function* planJsonPieces(plan: PlanDocument, chunkBytes?: number): Generator<string> {
  for (const chunk of planJsonChunks(plan, chunkBytes)) yield chunk.toString('utf8');
}
