import type { Diagnostic, SourceLocation } from '../diagnostics/diagnostic.js';
import { buildPositionIndex, lineAndColumn, lineStarts, type IndexedEntry, type IndexedNode, type PositionIndex } from './position-index.js';
import type { FileRegions } from './yaml-regions.js';
import type { SourcePosition } from './yaml-document.js';
import type { ConfigFile } from './yaml-source.js';

export { jsKeyOf, parseWithPositions, positionAt, type SourcePosition, type SourcePositions } from './yaml-document.js';

/**
 * Which end of a map pair a problem is about: the key (an unknown or missing
 * field) or the value (a bad value).
 */
export type PointAt = 'key' | 'value';

interface Found {
  /** The node at the path, or at its deepest existing ancestor. */
  readonly node: IndexedNode | undefined;
  /** The map entry whose value `node` is, if it was reached through a key. */
  readonly entry: IndexedEntry | undefined;
  readonly complete: boolean;
}

function seqIndex(segment: string | number): number {
  if (typeof segment === 'number') return segment;
  return /^\d+$/.test(segment) ? Number(segment) : -1;
}

/** Walks `path` through maps, sequences and (resolved) aliases; each step is a lookup, not a search. */
function descend(root: IndexedNode | undefined, path: readonly (string | number)[]): Found {
  let node = root;
  let entry: IndexedEntry | undefined;
  for (const segment of path) {
    const target = node?.kind === 'alias' ? node.target : node;
    if (target?.kind === 'map') {
      const next = target.entries.get(String(segment));
      if (!next) return { node, entry, complete: false };
      entry = next;
      node = next.value;
    } else if (target?.kind === 'seq' && target.items[seqIndex(segment)] !== undefined) {
      entry = undefined;
      node = target.items[seqIndex(segment)];
    } else {
      return { node, entry, complete: false };
    }
  }
  return { node, entry, complete: true };
}

/**
 * The offset to point at. Without a preference: the value, except a block
 * collection under a key, whose key line reads better than its first item.
 * A missing path points at its deepest existing ancestor, at its key if it has one.
 */
function offsetFor(found: Found, pointAt: PointAt | undefined): number | undefined {
  const { node, entry, complete } = found;
  const keyStart = entry?.keyStart;
  if (keyStart === undefined) return node?.start;
  if (!complete || pointAt === 'key' || node?.start === undefined) return keyStart;
  if (pointAt === undefined && (node.kind === 'map' || node.kind === 'seq') && !node.flow) return keyStart;
  return node.start;
}

/** Position of `path` in an indexed file; undefined only for an empty document. */
export function findPosition(index: PositionIndex, path: readonly (string | number)[], pointAt?: PointAt): SourcePosition | undefined {
  const offset = offsetFor(descend(index.root, path), pointAt);
  return offset === undefined ? undefined : lineAndColumn(index, offset);
}

/** Position indexes, kept only as long as their ConfigFile is. */
const indexes = new WeakMap<ConfigFile, PositionIndex>();
const regionsOf = new WeakMap<ConfigFile, FileRegions>();
/** Per file: region start → that region's own index (offsets relative to the region). */
const regionIndexes = new WeakMap<ConfigFile, Map<number, IndexedNode | undefined>>();
const lineStartsOf = new WeakMap<ConfigFile, PositionIndex>();

function lineStartsIn(source: ConfigFile): PositionIndex {
  let starts = lineStartsOf.get(source);
  if (!starts) lineStartsOf.set(source, (starts = { root: undefined, lineStarts: lineStarts(source.text) }));
  return starts;
}

/** Whether a file's text holds a CR, asked once per file: a file of 400 parts too large was scanned 400 times. */
const crOf = new WeakMap<ConfigFile, boolean>();
function holdsCr(source: ConfigFile): boolean {
  let cr = crOf.get(source);
  if (cr === undefined) crOf.set(source, (cr = source.text.includes('\r')));
  return cr;
}

/** Keeps where a file's entries and list items are (see yaml-regions.ts), for as long as the file is. */
export function rememberRegions(source: ConfigFile, regions: FileRegions): void {
  regionsOf.set(source, regions);
}

function wholeIndex(source: ConfigFile): PositionIndex {
  let index = indexes.get(source);
  if (!index) {
    index = buildPositionIndex(source.text);
    indexes.set(source, index);
  }
  return index;
}

/** The index of text[start, end), or undefined when it holds an alias (which may name an anchor outside it). */
function regionIndex(source: ConfigFile, start: number, end: number): IndexedNode | undefined | null {
  let cache = regionIndexes.get(source);
  if (!cache) regionIndexes.set(source, (cache = new Map()));
  if (cache.has(start)) return cache.get(start) ?? null;
  const text = source.text.slice(start, end);
  const root = text.includes('*') ? undefined : buildPositionIndex(text).root;
  cache.set(start, root);
  return root ?? null;
}

/*
 * A list item's line `  - word…` (a plain key or scalar right after the dash):
 * its value starts at the word, which is where indexing the item would point.
 * Most diagnostics about a whole user (USER_NO_ACCESS: hundreds at 100,000
 * users) point there; anything else (a comment, anchor, tag, quote, flow or
 * nested item, a value on the next line) is indexed.
 */
const PLAIN_ITEM = / *- +(?=[A-Za-z0-9_])/y;

function plainItemValue(text: string, lineStart: number): number | undefined {
  PLAIN_ITEM.lastIndex = lineStart;
  return PLAIN_ITEM.test(text) ? PLAIN_ITEM.lastIndex : undefined;
}

/**
 * Position of `path` from the region it lies in, re-reading that entry or
 * list item only; null when the region cannot answer as the whole file would
 * (the caller then indexes the whole file).
 */
function locateInRegion(source: ConfigFile, regions: FileRegions, path: readonly (string | number)[], pointAt?: PointAt): SourcePosition | undefined | null {
  const [first, second] = path;
  const entry = first === undefined ? undefined : regions.entries.get(String(first));
  if (!entry) return null;
  const item = second === undefined || !entry.items ? -1 : seqIndex(second);
  const toFile = (offset: number | undefined, base: number): SourcePosition | undefined => {
    const starts = lineStartsIn(source);
    return offset === undefined ? undefined : lineAndColumn(starts, base + offset);
  };
  if (entry.items && item >= 0 && item < entry.items.length - 1) {
    const start = entry.items[item]!;
    const value = path.length === 2 ? plainItemValue(source.text, start) : undefined;
    if (value !== undefined) return toFile(value, 0);
    const root = regionIndex(source, start, entry.items[item + 1]!);
    if (root?.kind !== 'seq' || root.items.length !== 1) return null;
    return toFile(offsetFor(descend(root, [0, ...path.slice(2)]), pointAt), start);
  }
  const root = regionIndex(source, entry.start, entry.end);
  if (root?.kind !== 'map' || !root.entries.has(String(first)) || new Set(root.entries.values()).size !== 1) return null;
  return toFile(offsetFor(descend(root, path), pointAt), entry.start);
}

/**
 * Where a part of a file starts, from the loader's regions alone: a top-level
 * entry (`[key]`) at its key, an item of a top-level block list (`[key, i]`)
 * after its `- `, the top level (`[]`) at its first entry. For a part too
 * large to check (SCHEMA_VALUE_TOO_LARGE), which is large by definition:
 * locating it by re-reading its region cost a second parse of it, 0.7 GB for
 * a 20 MB section. Undefined when the regions cannot tell (none were kept, a
 * CR ends a line, the item's value starts on a later line): locate() then.
 */
export function locatePartStart(source: ConfigFile, path: readonly (string | number)[]): SourcePosition | undefined {
  const regions = regionsOf.get(source);
  if (!regions || holdsCr(source)) return undefined;
  const [first, second] = path;
  let at: number | undefined;
  if (first === undefined) {
    at = regions.entries.values().next().value?.start;
  } else if (path.length <= 2) {
    const entry = regions.entries.get(String(first));
    const item = second === undefined || !entry?.items ? -1 : seqIndex(second);
    if (path.length === 1) at = entry?.start;
    else if (entry?.items && item >= 0 && item < entry.items.length - 1) at = entry.items[item];
  }
  if (at === undefined) return undefined;
  const { text } = source;
  while (text[at] === ' ') at++;
  if (path.length === 2) {
    if (text[at] !== '-') return undefined;
    at++;
    while (text[at] === ' ') at++;
  }
  if (at >= text.length || text[at] === '\n' || text[at] === '#') return undefined;
  const starts = lineStartsIn(source);
  return lineAndColumn(starts, at);
}

const aliased = new WeakMap<ConfigFile, boolean>();

/** Whether the text has a `*` anywhere, looked for once per file. */
function mayHoldAliases(source: ConfigFile): boolean {
  let found = aliased.get(source);
  if (found === undefined) aliased.set(source, (found = source.text.includes('*')));
  return found;
}

/**
 * Where `path` lies in its file as far as the loader's regions tell without
 * reading anything again: the start of its list item, or of its top-level
 * entry. Positions in an earlier region come before those in a later one.
 * Undefined when the regions cannot tell (none were kept, or the file has
 * aliases, whose positions are where their anchors are).
 */
export function regionStartOf(source: ConfigFile, path: readonly (string | number)[]): number | undefined {
  const regions = regionsOf.get(source);
  const [first, second] = path;
  if (!regions || first === undefined || mayHoldAliases(source)) return undefined;
  const entry = regions.entries.get(String(first));
  if (!entry) return undefined;
  const item = second === undefined || !entry.items ? -1 : seqIndex(second);
  return entry.items && item >= 0 && item < entry.items.length - 1 ? entry.items[item] : entry.start;
}

/**
 * Line and column of `path` in a loaded file. The loader's fast path keeps
 * no positions, only where each entry and list item is: a path is located by
 * re-reading its region, or, failing that, by indexing the whole file once
 * (kept while the ConfigFile is alive).
 */
export function locate(source: ConfigFile, path: readonly (string | number)[], pointAt?: PointAt): SourcePosition | undefined {
  const regions = regionsOf.get(source);
  if (regions && !indexes.has(source)) {
    const found = locateInRegion(source, regions, path, pointAt);
    if (found !== null) return found;
  }
  return findPosition(wholeIndex(source), path, pointAt);
}

export interface LocateOptions {
  /**
   * Where to point for a diagnostic whose path exists, e.g. `'key'` for an
   * unknown field. Undefined: the value (the key for a block collection).
   */
  readonly pointAt?: (diagnostic: Diagnostic) => PointAt | undefined;
}

/**
 * Fills line and column of every location (and related location) that has a
 * file and a path but no line. Only files that such a diagnostic names are
 * indexed, each once; diagnostics for unknown files are returned unchanged.
 */
export function locateDiagnostics(files: readonly ConfigFile[], diagnostics: readonly Diagnostic[], options: LocateOptions = {}): Diagnostic[] {
  const byName = new Map(files.map((source) => [source.file, source]));
  const place = (location: SourceLocation | undefined, pointAt: PointAt | undefined): SourceLocation | undefined => {
    if (!location?.path || location.line !== undefined) return location;
    const source = byName.get(location.file);
    const position = source && locate(source, location.path, pointAt);
    return position ? { ...location, line: position.line, column: position.column } : location;
  };
  return diagnostics.map((diagnostic) => {
    const pointAt = options.pointAt?.(diagnostic);
    const location = place(diagnostic.location, pointAt);
    const related = place(diagnostic.related, pointAt);
    if (location === diagnostic.location && related === diagnostic.related) return diagnostic;
    return { ...diagnostic, ...(location ? { location } : {}), ...(related ? { related } : {}) };
  });
}
