import type { PlanDocument } from '../plan/plan-document.js';
import { jsonTextPiece } from './escape-json.js';

/**
 * The JSON plan of INTERFACE.md (schemas/plan.schema.json): two-space
 * indentation, keys in the order `toPlanDocument` builds them, and a final
 * newline, so the same plan always gives the same bytes.
 */
export function renderJson(plan: PlanDocument): string {
  return [...planJsonPieces(plan)].join('');
}

/** `"changes": []` as JSON.stringify(document, null, 2) writes it at the top level. */
const EMPTY_CHANGES = '\n  "changes": []';
/** How JSON.stringify({ changes: [...] }, null, 2) starts and ends around the elements. */
const BATCH_HEAD = '{\n  "changes": [\n    '.length;
const BATCH_TAIL = '\n  ]\n}'.length;
/** Changes serialised per JSON.stringify call: large enough to be fast, small enough to stay out of the old generation. */
const BATCH = 256;

/**
 * The same text as `renderJson`, in pieces of at most `BATCH` changes each,
 * for `plan --out`: a plan of 100,000 adoptions is 200 MB of JSON, which as
 * one string (and its UTF-8 copy) costs seconds and about 1 GB of memory.
 * Each batch is serialised by JSON.stringify as the `changes` of a document of
 * its own, where its elements sit at the depth they have in the plan, so the
 * text between the brackets is exactly what JSON.stringify of the whole plan
 * writes there; it is escaped by the same rules (jsonTextPiece: `##[` lies
 * inside one string, hence inside one piece).
 */
export function* planJsonPieces(plan: PlanDocument): Generator<string> {
  const changes = plan.changes;
  // A copy with its own key order, the changes left empty (and the fingerprint read once).
  const envelope = jsonTextPiece(JSON.stringify({ ...plan, changes: [] }, null, 2));
  const at = envelope.indexOf(EMPTY_CHANGES);
  if (changes.length === 0 || at < 0) {
    yield `${changes.length === 0 ? envelope : jsonTextPiece(JSON.stringify(plan, null, 2))}\n`;
    return;
  }
  const open = at + EMPTY_CHANGES.length - 1;
  yield `${envelope.slice(0, open)}\n    `;
  for (let start = 0; start < changes.length; start += BATCH) {
    const batch = JSON.stringify({ changes: changes.slice(start, start + BATCH) }, null, 2);
    yield `${start === 0 ? '' : ',\n    '}${jsonTextPiece(batch.slice(BATCH_HEAD, batch.length - BATCH_TAIL))}`;
  }
  yield `\n  ${envelope.slice(open)}\n`;
}
