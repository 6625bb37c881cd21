import { error, type Diagnostic, type SourceLocation } from '../diagnostics/diagnostic.js';
import { findPosition, type PointAt } from './locate.js';
import type { PositionIndex } from './position-index.js';
import { formatCount } from '../diagnostics/message-lists.js';

/**
 * Aliases may expand a document to at most this many values, or to twice the
 * values it writes out if that is more: real files reuse a few anchors, a
 * "billion laughs" file multiplies them. (yaml's own `maxAliasCount` is off:
 * it rejects a file that uses one anchor more than 100 times.)
 */
export const MIN_EXPANSION_LIMIT = 1_000_000;

/**
 * Aliases may expand a document to at most this many characters of text
 * (keys and scalars), or to twice the file's own length if that is more. The
 * value count alone lets a 170 KB file repeat one 100 KB string a thousand
 * times, and every later stage (the schema check, the rules, the messages
 * that quote it) then reads 100 MB. Within this limit, the work an expanded
 * file causes is that of a file of this size.
 */
export const MIN_EXPANSION_CHARACTERS = 16 * 1024 * 1024;

const IN_PROGRESS = -1;

/** Text a scalar stands for once expanded (null and other empty values: none). */
function scalarCharacters(value: unknown): number {
  if (value === null || value === undefined) return 0;
  return typeof value === 'string' ? value.length : String(value).length;
}

interface Size {
  readonly values: number;
  readonly characters: number;
}

type Measure = keyof Size;

const entriesOf = (value: object): [string | number, unknown][] => (Array.isArray(value) ? [...value.entries()] : Object.entries(value));

/**
 * Counts the values and characters a document has once every alias is
 * expanded, without expanding: a value reached twice is the same object (yaml
 * shares aliased values), so each object is measured once. A cycle counts as
 * infinite. Only collections are shared; a scalar is measured where it stands.
 */
class ExpansionMeter {
  readonly sizes = new Map<object, Size | typeof IN_PROGRESS>();
  readonly shared = new Set<object>();
  written = 0;
  cycle: (string | number)[] | undefined;
  private readonly trail: (string | number)[] = [];

  measure(value: unknown): Size {
    if (value === null || typeof value !== 'object') {
      this.written++;
      return { values: 1, characters: scalarCharacters(value) };
    }
    const known = this.sizes.get(value);
    if (known !== undefined) {
      this.shared.add(value);
      if (known !== IN_PROGRESS) return known;
      this.cycle ??= [...this.trail];
      return { values: Infinity, characters: Infinity };
    }
    this.written++;
    this.sizes.set(value, IN_PROGRESS);
    let values = 1;
    let characters = 0;
    for (const [key, child] of entriesOf(value)) {
      this.trail.push(key);
      const size = this.measure(child);
      this.trail.pop();
      values += size.values;
      characters += size.characters + (typeof key === 'string' ? key.length : 0);
    }
    const size = { values, characters };
    this.sizes.set(value, size);
    return size;
  }

  sizeOf(value: unknown, measure: Measure): number {
    if (value === null || typeof value !== 'object') return measure === 'values' ? 1 : scalarCharacters(value);
    const size = this.sizes.get(value);
    return size === undefined || size === IN_PROGRESS ? 1 : size[measure];
  }

  /**
   * Path to the first alias (or anchored value) on the way to the largest
   * expansion by `measure`, through entries larger than `threshold` (counting
   * an entry's key with its value); `pointAt` is 'key' when the path ends on a
   * key that is itself the long text (`*a : 1`, an aliased string as a key).
   */
  culprit(root: unknown, threshold: number, measure: Measure): { path: (string | number)[]; pointAt: PointAt } {
    const path: (string | number)[] = [];
    const entrySize = ([key, child]: [string | number, unknown]): number =>
      this.sizeOf(child, measure) + (measure === 'characters' && typeof key === 'string' ? key.length : 0);
    let node = root;
    for (;;) {
      if (path.length > 0 && node !== null && typeof node === 'object' && this.shared.has(node)) return { path, pointAt: 'value' };
      const entries = node === null || typeof node !== 'object' ? [] : entriesOf(node);
      let next: [string | number, unknown] | undefined;
      for (const entry of entries) {
        if (entrySize(entry) > threshold && (!next || entrySize(entry) > entrySize(next))) next = entry;
      }
      // Among entries of about the largest size (the same aliases in every user), the first.
      if (next && measure === 'characters') {
        const largest = entrySize(next);
        next = entries.find((entry) => entrySize(entry) * 2 >= largest);
      }
      if (!next) return { path, pointAt: 'value' };
      path.push(next[0]);
      if (measure === 'characters' && typeof next[0] === 'string' && next[0].length > this.sizeOf(next[1], measure)) return { path, pointAt: 'key' };
      node = next[1];
    }
  }
}

/**
 * The values `value` (parsed from a file of `textLength` characters) holds
 * once its aliases are expanded, which count toward the configuration's
 * total as written ones do; and YAML_ALIAS_LIMIT when they expand it beyond
 * either limit or into a cycle.
 */
export function checkExpansion(file: string, positions: () => PositionIndex, value: unknown, textLength: number): { readonly problem?: Diagnostic; readonly values: number; readonly written: number } {
  const meter = new ExpansionMeter();
  const total = meter.measure(value);
  const problem = expansionProblem(file, positions, value, textLength, meter, total);
  return problem ? { problem, values: total.values, written: meter.written } : { values: total.values, written: meter.written };
}

function expansionProblem(file: string, positions: () => PositionIndex, value: unknown, textLength: number, meter: ExpansionMeter, total: Size): Diagnostic | undefined {
  const limit = Math.max(MIN_EXPANSION_LIMIT, 2 * meter.written);
  const characterLimit = Math.max(MIN_EXPANSION_CHARACTERS, 2 * textLength);
  if (total.values <= limit && total.characters <= characterLimit) return undefined;
  const tooMany = total.values > limit;
  // A character bomb repeats one long text in many places, none above the limit: follow the largest.
  const { path, pointAt } = meter.cycle ? { path: meter.cycle, pointAt: 'value' as const } : meter.culprit(value, tooMany ? limit : 0, tooMany ? 'values' : 'characters');
  const location: SourceLocation = { file, path, ...findPosition(positions(), path, pointAt) };
  if (meter.cycle) {
    return error('YAML_ALIAS_LIMIT', 'this alias refers to a value that contains the alias itself, so it never ends; point it at another anchor', location);
  }
  if (tooMany) {
    return error(
      'YAML_ALIAS_LIMIT',
      `aliases expand this file to ${formatCount(total.values)} values although it writes only ${formatCount(meter.written)}` +
        ` (the limit is ${formatCount(limit)}, against "billion laughs" files); write the values out instead of nesting aliases in aliases`,
      location,
    );
  }
  return error(
    'YAML_ALIAS_LIMIT',
    `aliases expand this file to ${formatCount(total.characters)} characters of text although it is only ${formatCount(textLength)} long` +
      ` (the limit is ${formatCount(characterLimit)}: twice its length, or 16 MiB if that is more); write long values out where they are needed instead of repeating them through aliases`,
    location,
  );
}
