import {
  boolCoreTag,
  EVENT_ID,
  floatCoreTag,
  getScalarValue,
  intCoreTag,
  NOT_RESOLVED,
  nullCoreTag,
  parseEvents,
  SCALAR_STYLE,
  type Event,
  type ScalarEvent,
} from 'js-yaml';
import { isAlias, isMap, isScalar, isSeq, type Node } from 'yaml';
import { jsKeyOf, parseWithPositions } from './yaml-document.js';

/**
 * Where each value of one file starts, as a tree shaped like the document:
 * mappings keyed by the JS property their keys become, aliases already
 * resolved to the value they name. Built once per file in one pass over the
 * source, so that locating any number of diagnostics is linear overall
 * (walking yaml's Document instead costs a linear search per mapping key,
 * and a walk of the whole document per alias).
 *
 * Offsets are UTF-16 indexes into the text, and point where yaml's Document
 * ranges start: a quoted scalar at its quote, a block scalar at its `|` or
 * `>`, an alias at its `*`, a collection at its first entry (or bracket).
 * `start` is undefined for a value that is absent (`key:` with nothing after).
 */
export type IndexedNode = IndexedScalar | IndexedMap | IndexedSeq | IndexedAlias;

export interface IndexedScalar {
  readonly kind: 'scalar';
  readonly start: number | undefined;
}

export interface IndexedEntry {
  readonly keyStart: number | undefined;
  readonly value: IndexedNode;
}

export interface IndexedMap {
  readonly kind: 'map';
  readonly start: number | undefined;
  readonly flow: boolean;
  /** A key given twice maps to its last entry, as the parsed value has it. */
  readonly entries: Map<string, IndexedEntry>;
}

export interface IndexedSeq {
  readonly kind: 'seq';
  readonly start: number | undefined;
  readonly flow: boolean;
  readonly items: IndexedNode[];
}

export interface IndexedAlias {
  readonly kind: 'alias';
  readonly start: number | undefined;
  /** The value of the last anchor of that name before the alias; undefined when there is none. */
  readonly target: IndexedNode | undefined;
}

export interface PositionIndex {
  readonly root: IndexedNode | undefined;
  /** Offset at which each line starts; lineStarts[0] is 0. */
  readonly lineStarts: ArrayLike<number>;
}

/** 1-based line and column (UTF-16 code units, as editors count) of an offset. */
export function lineAndColumn(index: PositionIndex, offset: number): { line: number; column: number } {
  const starts = index.lineStarts;
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if ((starts[middle] ?? 0) <= offset) low = middle;
    else high = middle - 1;
  }
  return { line: low + 1, column: offset - (starts[low] ?? 0) + 1 };
}

/**
 * Offset at which each line of `text` starts, counted first and then written
 * into one typed array, a character at a time: a file of 60,000,000 empty
 * lines took 12 s and 2 GB as a growing array of numbers with a search per
 * line. (A file is at most 64 MiB: offsets fit.)
 */
export function lineStarts(text: string): Uint32Array {
  if (text.includes('\r') && LONE_CR.test(text)) return lineStartsWithCr(text);
  // indexOf finds each line feed natively: a third of the time of a loop over every character on
  // real files (100,000 users: 150 → 53 ms); 60,000,000 empty lines take 1.1 s instead of 0.45 s.
  let lines = 1;
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) lines++;
  const starts = new Uint32Array(lines);
  let line = 1;
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) starts[line++] = at + 1;
  return starts;
}

/** A carriage return that is not half of a CRLF: YAML ends a line there (old Mac line ends), as editors do. */
export const LONE_CR = /\r(?!\n)/;

/** lineStarts of a text with a lone CR: LF, CRLF and CR each end a line (js-yaml's marks count them so). */
function lineStartsWithCr(text: string): Uint32Array {
  const breaks = /\r\n?|\n/g;
  let lines = 1;
  while (breaks.exec(text)) lines++;
  const starts = new Uint32Array(lines);
  let line = 1;
  for (let found = breaks.exec(text); found; found = breaks.exec(text)) starts[line++] = found.index + found[0].length;
  return starts;
}

const IMPLICIT_TAGS = [nullCoreTag, boolCoreTag, intCoreTag, floatCoreTag] as const;

/** A plain scalar starting so is text in the core schema (not null, a boolean or a number). */
const PLAIN_TEXT_START = /^[A-EG-MO-SU-Za-eg-mo-su-z]/;

/**
 * The JS property names a scalar key becomes. js-yaml spells a null key
 * "null" and yaml spells it "", so a null key answers to both.
 */
export function keyNames(text: string, event: ScalarEvent): string[] {
  const source = event.valueStart < 0 ? '' : getScalarValue(text, event);
  if (event.style !== SCALAR_STYLE.PLAIN || event.tagStart >= 0 || PLAIN_TEXT_START.test(source)) return [source];
  for (const tag of IMPLICIT_TAGS) {
    const value = (tag.resolve as (source: string, explicit: boolean, name: string) => unknown)(source, false, tag.tagName);
    if (value === NOT_RESOLVED) continue;
    return value === null ? ['null', ''] : [String(value)];
  }
  return [source];
}

/** Offset of the `|` or `>` that opens a block scalar, scanning from the end of the token before it. */
function blockIndicator(text: string, from: number, valueStart: number): number {
  for (let at = from; at < valueStart; at++) {
    const c = text[at];
    if (c === '|' || c === '>') return at;
    if (c === '#') at = text.indexOf('\n', at) < 0 ? valueStart : text.indexOf('\n', at);
  }
  return valueStart;
}

interface Frame {
  readonly node: IndexedMap | IndexedSeq;
  /** In a mapping: the key read, waiting for its value. */
  key: { readonly names: readonly string[]; readonly start: number | undefined } | undefined;
}

/** Builds the index from js-yaml's event stream (one document; a second one is ignored). */
class EventIndexBuilder {
  private readonly anchors = new Map<string, IndexedNode>();
  /** The key names of each anchored scalar, for an alias used as a key (`*a : 1`). */
  private readonly anchoredNames = new Map<string, readonly string[]>();
  private readonly stack: Frame[] = [];
  private root: IndexedNode | undefined;
  private documents = 0;
  /** End of the last token read, where a block scalar's header starts looking. */
  private tokenEnd = 0;

  constructor(private readonly text: string) {}

  build(events: readonly Event[]): IndexedNode | undefined {
    for (const event of events) {
      if (event.type === EVENT_ID.DOCUMENT) {
        if (++this.documents > 1) break;
        continue;
      }
      this.read(event);
    }
    return this.root;
  }

  private read(event: Event): void {
    const { text } = this;
    switch (event.type) {
      case EVENT_ID.MAPPING:
      case EVENT_ID.SEQUENCE: {
        const flow = event.style !== 1;
        const node: IndexedMap | IndexedSeq =
          event.type === EVENT_ID.MAPPING
            ? { kind: 'map', start: event.start, flow, entries: new Map() }
            : { kind: 'seq', start: event.start, flow, items: [] };
        this.anchor(event.anchorStart, event.anchorEnd, node);
        this.attach(node, undefined);
        this.stack.push({ node, key: undefined });
        this.tokenEnd = event.start;
        return;
      }
      case EVENT_ID.SCALAR: {
        const start = this.scalarStart(event);
        const node: IndexedScalar = { kind: 'scalar', start };
        this.anchor(event.anchorStart, event.anchorEnd, node);
        const frame = this.stack.at(-1);
        const anchored = event.anchorStart >= 0;
        // Key names cost a read of the scalar: only for a key, or what an alias may use as one.
        const names = anchored || (frame?.node.kind === 'map' && !frame.key) ? keyNames(text, event) : undefined;
        if (anchored && names) this.anchoredNames.set(text.slice(event.anchorStart, event.anchorEnd), names);
        this.attach(node, names);
        if (event.valueEnd >= 0) this.tokenEnd = event.valueEnd;
        return;
      }
      case EVENT_ID.ALIAS: {
        const name = text.slice(event.anchorStart, event.anchorEnd);
        this.attach({ kind: 'alias', start: event.anchorStart - 1, target: this.anchors.get(name) }, this.anchoredNames.get(name));
        this.tokenEnd = event.anchorEnd;
        return;
      }
      case EVENT_ID.POP:
        this.stack.pop();
        return;
    }
  }

  private scalarStart(event: ScalarEvent): number | undefined {
    if (event.valueStart < 0) return undefined;
    switch (event.style) {
      case SCALAR_STYLE.SINGLE_QUOTED:
      case SCALAR_STYLE.DOUBLE_QUOTED:
        return event.valueStart - 1;
      case SCALAR_STYLE.LITERAL_BLOCK:
      case SCALAR_STYLE.FOLDED_BLOCK:
        return blockIndicator(this.text, Math.max(this.tokenEnd, event.tagEnd, event.anchorEnd), event.valueStart);
      default:
        return event.valueStart;
    }
  }

  private anchor(start: number, end: number, node: IndexedNode): void {
    if (start >= 0) this.anchors.set(this.text.slice(start, end), node);
  }

  /**
   * Places a value read (a collection as soon as it opens) in its parent;
   * `names`: the property names it becomes as a key (a scalar, or an alias of one).
   */
  private attach(node: IndexedNode, names: readonly string[] | undefined): void {
    const frame = this.stack.at(-1);
    if (!frame) {
      this.root ??= node;
      return;
    }
    const parent = frame.node;
    if (parent.kind === 'seq') {
      parent.items.push(node);
      return;
    }
    if (!frame.key) {
      // Only a scalar key (or an alias of one) has a property name; a collection key is skipped.
      frame.key = { names: names ?? [], start: node.start };
      return;
    }
    for (const name of frame.key.names) parent.entries.set(name, { keyStart: frame.key.start, value: node });
    frame.key = undefined;
  }
}

/**
 * The same index from yaml's Document, for what js-yaml cannot read but yaml
 * can. One pass in document order, with a stack instead of recursion (a file
 * may nest thousands deep).
 */
function indexFromDocument(text: string): IndexedNode | undefined {
  const { document } = parseWithPositions(text);
  const anchors = new Map<string, IndexedNode>();
  const made = new Map<unknown, IndexedNode>();
  const pending: { node: unknown; place: (made: IndexedNode) => void }[] = [];
  let root: IndexedNode | undefined;
  if (document.contents) pending.push({ node: document.contents, place: (n) => (root = n) });
  while (pending.length > 0) {
    const { node, place } = pending.pop()!;
    const start = (node as Node | null)?.range?.[0];
    const empty = (node as Node | null)?.range ? (node as Node).range![0] === (node as Node).range![1] : true;
    let indexed: IndexedNode;
    const later: typeof pending = [];
    if (isMap(node)) {
      const map: IndexedMap = { kind: 'map', start, flow: Boolean(node.flow), entries: new Map() };
      for (const pair of node.items) {
        const key = jsKeyOf(isAlias(pair.key) ? pair.key.resolve(document) : pair.key);
        const keyStart = (pair.key as Node | null)?.range?.[0];
        if (key === undefined) continue;
        const names = isScalar(pair.key) && pair.key.value === null ? ['null', ''] : [key];
        later.push({ node: pair.value, place: (value) => names.forEach((name) => map.entries.set(name, { keyStart, value })) });
      }
      indexed = map;
    } else if (isSeq(node)) {
      const seq: IndexedSeq = { kind: 'seq', start, flow: Boolean(node.flow), items: [] };
      node.items.forEach((item, i) => later.push({ node: item, place: (value) => (seq.items[i] = value) }));
      indexed = seq;
    } else if (isAlias(node)) {
      indexed = { kind: 'alias', start, target: anchors.get(node.source) };
    } else {
      indexed = { kind: 'scalar', start: empty ? undefined : start };
    }
    made.set(node, indexed);
    const anchor = (node as { anchor?: string } | null)?.anchor;
    if (anchor) anchors.set(anchor, indexed);
    place(indexed);
    // Reversed, so that children are visited in document order (anchors before their aliases).
    for (let i = later.length - 1; i >= 0; i--) pending.push(later[i]!);
  }
  return root;
}

/**
 * Builds a file's position index: from js-yaml's events (fast and compact),
 * or, where js-yaml refuses what yaml reads (a nesting deeper than it
 * allows, a rare syntax), from yaml's Document. `via` forces one way (tests
 * check that both agree).
 */
export function buildPositionIndex(text: string, via?: 'events' | 'document'): PositionIndex {
  const starts = lineStarts(text);
  const fromEvents = (): IndexedNode | undefined => new EventIndexBuilder(text).build(parseEvents(text, { maxDepth: 1_000 }));
  if (via) return { root: via === 'events' ? fromEvents() : indexFromDocument(text), lineStarts: starts };
  let root: IndexedNode | undefined;
  try {
    root = fromEvents();
  } catch {
    root = indexFromDocument(text);
  }
  return { root, lineStarts: starts };
}
