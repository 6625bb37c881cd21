import { isAlias, isCollection, isMap, isNode, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node, type Pair } from 'yaml';
import type { Diagnostic, SourceLocation } from '../diagnostics/diagnostic.js';
import type { ConfigFile } from './yaml-source.js';

/** A 1-based line and column; columns count UTF-16 code units, as editors do. */
export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

/**
 * Which end of a map pair a problem is about: the key (an unknown or missing
 * field) or the value (a bad value).
 */
export type PointAt = 'key' | 'value';

/** A document parsed with source ranges, and the line starts to turn offsets into positions. */
export interface SourcePositions {
  readonly document: Document.Parsed;
  readonly lineCounter: LineCounter;
}

/** The object key a scalar map key becomes in JS (as yaml's `toJS` spells it); undefined for collections. */
export function jsKeyOf(key: unknown): string | undefined {
  if (!isScalar(key)) return undefined;
  return key.value === null ? '' : String(key.value);
}

/**
 * Keys are equal when they become the same JS property, so `1:` and `"1":` in
 * one mapping are duplicates instead of one silently overwriting the other.
 */
function sameJsKey(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  const ka = jsKeyOf(a);
  return ka !== undefined && ka === jsKeyOf(b);
}

/**
 * The one way this stage parses YAML into a Document: YAML 1.2 core schema,
 * source ranges, nothing logged to the console.
 */
export function parseWithPositions(text: string): SourcePositions {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, logLevel: 'error', uniqueKeys: sameJsKey });
  return { document, lineCounter };
}

export function positionAt(positions: SourcePositions, offset: number): SourcePosition {
  const { line, col } = positions.lineCounter.linePos(offset);
  return { line, column: col };
}

interface Found {
  /** The node at the path, or at its deepest existing ancestor. */
  readonly node: unknown;
  /** The map pair whose value `node` is, if it was reached through a key. */
  readonly pair: Pair<unknown, unknown> | undefined;
  readonly complete: boolean;
}

function seqIndex(segment: string | number): number {
  if (typeof segment === 'number') return segment;
  return /^\d+$/.test(segment) ? Number(segment) : -1;
}

/** Walks `path` through maps, sequences and (resolved) aliases. */
function descend(document: Document.Parsed, path: readonly (string | number)[]): Found {
  let node: unknown = document.contents;
  let pair: Pair<unknown, unknown> | undefined;
  for (const segment of path) {
    const target = isAlias(node) ? node.resolve(document) : node;
    if (isMap(target)) {
      const wanted = String(segment);
      const next = target.items.findLast((item) => jsKeyOf(item.key) === wanted);
      if (!next) return { node, pair, complete: false };
      pair = next;
      node = next.value;
    } else if (isSeq(target) && target.items[seqIndex(segment)] !== undefined) {
      pair = undefined;
      node = target.items[seqIndex(segment)];
    } else {
      return { node, pair, complete: false };
    }
  }
  return { node, pair, complete: true };
}

function startOf(node: unknown): number | undefined {
  return isNode(node) ? (node as Node).range?.[0] : undefined;
}

/** A value that is absent in the source (`key:` with nothing after it). */
function isEmpty(node: unknown): boolean {
  const range = isNode(node) ? (node as Node).range : undefined;
  return !range || range[0] === range[1];
}

/**
 * The offset to point at. Without a preference: the value, except a block
 * collection under a key, whose key line reads better than its first item.
 * A missing path points at its deepest existing ancestor, at its key if it has one.
 */
function offsetFor(found: Found, pointAt: PointAt | undefined): number | undefined {
  const { node, pair, complete } = found;
  const keyStart = pair ? startOf(pair.key) : undefined;
  if (keyStart === undefined) return startOf(node);
  if (!complete || pointAt === 'key' || isEmpty(node)) return keyStart;
  if (pointAt === undefined && isCollection(node) && !node.flow) return keyStart;
  return startOf(node) ?? keyStart;
}

/** Position of `path` in a parsed document; undefined only for an empty document. */
export function findPosition(positions: SourcePositions, path: readonly (string | number)[], pointAt?: PointAt): SourcePosition | undefined {
  const offset = offsetFor(descend(positions.document, path), pointAt);
  return offset === undefined ? undefined : positionAt(positions, offset);
}

/** Parsed documents, kept only as long as their ConfigFile is. */
const parsedSources = new WeakMap<ConfigFile, SourcePositions>();

/**
 * Line and column of `path` in a loaded file. The first call for a file
 * parses it again with positions (the loader's fast path keeps none); later
 * calls reuse that parse while the ConfigFile is alive.
 */
export function locate(source: ConfigFile, path: readonly (string | number)[], pointAt?: PointAt): SourcePosition | undefined {
  let positions = parsedSources.get(source);
  if (!positions) {
    positions = parseWithPositions(source.text);
    parsedSources.set(source, positions);
  }
  return findPosition(positions, path, pointAt);
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
 * parsed again; diagnostics for unknown files are returned unchanged.
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
