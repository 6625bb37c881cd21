import { error, type Diagnostic, type SourceLocation } from '../diagnostics/diagnostic.js';
import { findPosition } from './locate.js';
import type { PositionIndex } from './position-index.js';

/**
 * Aliases may expand a document to at most this many values, or to twice the
 * values it writes out if that is more: real files reuse a few anchors, a
 * "billion laughs" file multiplies them. (yaml's own `maxAliasCount` is off:
 * it rejects a file that uses one anchor more than 100 times.)
 */
const MIN_EXPANSION_LIMIT = 1_000_000;

const IN_PROGRESS = -1;

/**
 * Counts the values a document has once every alias is expanded, without
 * expanding: a value reached twice is the same object (yaml shares aliased
 * values), so each object is measured once. A cycle counts as infinite.
 */
class ExpansionMeter {
  readonly sizes = new Map<object, number>();
  readonly shared = new Set<object>();
  written = 0;
  cycle: (string | number)[] | undefined;
  private readonly trail: (string | number)[] = [];

  measure(value: unknown): number {
    if (value === null || typeof value !== 'object') {
      this.written++;
      return 1;
    }
    const known = this.sizes.get(value);
    if (known !== undefined) {
      this.shared.add(value);
      if (known !== IN_PROGRESS) return known;
      this.cycle ??= [...this.trail];
      return Infinity;
    }
    this.written++;
    this.sizes.set(value, IN_PROGRESS);
    let total = 1;
    const entries: [string | number, unknown][] = Array.isArray(value) ? [...value.entries()] : Object.entries(value);
    for (const [key, child] of entries) {
      this.trail.push(key);
      total += this.measure(child);
      this.trail.pop();
    }
    this.sizes.set(value, total);
    return total;
  }

  sizeOf(value: unknown): number {
    return value !== null && typeof value === 'object' ? (this.sizes.get(value) ?? 1) : 1;
  }

  /** Path to the first alias (or anchored value) on the way to the largest expansion. */
  culprit(root: unknown, limit: number): (string | number)[] {
    const path: (string | number)[] = [];
    let node = root;
    for (;;) {
      if (path.length > 0 && node !== null && typeof node === 'object' && this.shared.has(node)) return path;
      const entries: [string | number, unknown][] =
        node === null || typeof node !== 'object' ? [] : Array.isArray(node) ? [...node.entries()] : Object.entries(node);
      let next: [string | number, unknown] | undefined;
      for (const entry of entries) {
        if (this.sizeOf(entry[1]) > limit && (!next || this.sizeOf(entry[1]) > this.sizeOf(next[1]))) next = entry;
      }
      if (!next) return path;
      path.push(next[0]);
      node = next[1];
    }
  }
}

/** YAML_ALIAS_LIMIT when aliases expand `value` beyond the limit or into a cycle. */
export function checkExpansion(file: string, positions: () => PositionIndex, value: unknown): Diagnostic | undefined {
  const meter = new ExpansionMeter();
  const total = meter.measure(value);
  const limit = Math.max(MIN_EXPANSION_LIMIT, 2 * meter.written);
  if (total <= limit) return undefined;
  const path = meter.cycle ?? meter.culprit(value, limit);
  const location: SourceLocation = { file, path, ...findPosition(positions(), path, 'value') };
  if (meter.cycle) {
    return error('YAML_ALIAS_LIMIT', 'this alias refers to a value that contains the alias itself, so it never ends; point it at another anchor', location);
  }
  return error(
    'YAML_ALIAS_LIMIT',
    `aliases expand this file to ${total.toLocaleString('en-US')} values although it writes only ${meter.written.toLocaleString('en-US')}` +
      ` (the limit is ${limit.toLocaleString('en-US')}, against "billion laughs" files); write the values out instead of nesting aliases in aliases`,
    location,
  );
}

