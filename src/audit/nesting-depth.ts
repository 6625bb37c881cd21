/**
 * How deep a recorded change may nest and still be shown. Apply writes
 * changes four or five levels deep (a change, its attributes, an attribute's
 * value, a licence's disabled plans); the writer may append a row of anything
 * (sql/roles.sql), and a change nested some 4,500 levels deep made
 * JSON.stringify overflow the stack: `history --format json` failed on every
 * run with an internal error, after writing half of its document. Deeper than
 * this, a recorded item is not a change, left out and counted as the others are.
 */
export const MAX_CHANGE_DEPTH = 64;

/** Whether `value` nests no deeper than `depth` levels of arrays and objects; stops at the first level past it. */
export function nestedWithin(value: unknown, depth: number = MAX_CHANGE_DEPTH): boolean {
  if (value === null || typeof value !== 'object') return true;
  if (depth === 0) return false;
  for (const item of Array.isArray(value) ? value : Object.values(value)) {
    if (!nestedWithin(item, depth - 1)) return false;
  }
  return true;
}
