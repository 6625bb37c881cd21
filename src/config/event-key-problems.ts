import { EVENT_ID, getScalarValue, SCALAR_STYLE, type Event } from 'js-yaml';

/**
 * Where js-yaml's construction problems with mapping keys are, found again
 * from its events in one pass: js-yaml says "duplicated mapping key" without
 * naming the key or its first occurrence, and "object-based map does not
 * support complex keys" at the top of the file. yaml's path (yaml-problems.ts)
 * names and locates both; a file too large for it is told the same.
 */
export type KeyProblem =
  | { readonly kind: 'collection'; readonly offset: number }
  /** `first` is -1 when the first occurrence is an empty key, which has no offset. */
  | { readonly kind: 'duplicate'; readonly key: string; readonly offset: number; readonly first: number };

interface Frame {
  readonly mapping: boolean;
  /** Nodes completed in it: in a mapping, an even count means the next node is a key. */
  nodes: number;
  readonly keys: Map<string, number>;
}

/** Core-schema numbers (decimal, 0x, 0o, floats) whose JS property is String(Number(text)). */
const CORE_NUMBER = /^(?:[-+]?(?:\.\d+|\d+(?:\.\d*)?)(?:[eE][-+]?\d+)?|0x[0-9a-fA-F]+|0o[0-7]+)$/;

/** The name a plain scalar key is compared and shown by: its JS property under the core schema, "" for null as yaml's path has it. */
function plainKey(source: string): string {
  if (/^(?:null|Null|NULL|~|)$/.test(source)) return '';
  if (/^(?:true|True|TRUE|false|False|FALSE)$/.test(source)) return source.toLowerCase();
  if (CORE_NUMBER.test(source)) return String(Number(source));
  return source;
}

/** Offset where a node starts as yaml's path locates it: a scalar's value (its opening quote), an alias's `*`, a collection's bracket or first entry. */
function nodeStart(event: Event): number {
  switch (event.type) {
    case EVENT_ID.SCALAR: {
      const quoted = event.style === SCALAR_STYLE.SINGLE_QUOTED || event.style === SCALAR_STYLE.DOUBLE_QUOTED;
      if (event.valueStart >= 0) return event.valueStart - (quoted ? 1 : 0);
      // An empty key (`: 1`) has no offset of its own: -1, unknown.
      return Math.max(event.tagStart, event.anchorStart);
    }
    case EVENT_ID.ALIAS:
      return Math.max(event.anchorStart - 1, 0);
    case EVENT_ID.MAPPING:
    case EVENT_ID.SEQUENCE:
      return event.start;
    default:
      return 0;
  }
}

/** The first collection used as a key, or the first key repeated in one mapping (as JS properties), in document order. */
export function firstKeyProblem(text: string, events: readonly Event[]): KeyProblem | undefined {
  const frames: Frame[] = [];
  const anchoredKeys = new Map<string, string>();
  const completed = () => {
    const parent = frames.at(-1);
    if (parent) parent.nodes++;
  };
  for (const [index, event] of events.entries()) {
    const parent = frames.at(-1);
    const isKey = parent?.mapping === true && parent.nodes % 2 === 0;
    switch (event.type) {
      case EVENT_ID.DOCUMENT:
        frames.push({ mapping: false, nodes: 0, keys: new Map() });
        break;
      case EVENT_ID.MAPPING:
      case EVENT_ID.SEQUENCE:
        if (isKey) return { kind: 'collection', offset: nodeStart(event) };
        frames.push({ mapping: event.type === EVENT_ID.MAPPING, nodes: 0, keys: new Map() });
        break;
      case EVENT_ID.POP:
        frames.pop();
        completed();
        break;
      case EVENT_ID.SCALAR:
      case EVENT_ID.ALIAS: {
        let key: string | undefined;
        if (event.type === EVENT_ID.SCALAR) {
          const source = event.valueStart < 0 ? '' : getScalarValue(text, event);
          key = event.style === SCALAR_STYLE.PLAIN && event.tagStart < 0 ? plainKey(source) : source;
          if (event.anchorStart >= 0) anchoredKeys.set(text.slice(event.anchorStart, event.anchorEnd), key);
        } else {
          key = anchoredKeys.get(text.slice(event.anchorStart, event.anchorEnd));
        }
        if (isKey && parent && key !== undefined) {
          const offset = nodeStart(event);
          const first = parent.keys.get(key);
          // A repeated empty key is told at its value, on its line.
          const next = events[index + 1];
          if (first !== undefined) return { kind: 'duplicate', key, offset: offset < 0 && next ? nodeStart(next) : offset, first };
          parent.keys.set(key, offset);
        }
        completed();
        break;
      }
    }
  }
  return undefined;
}

/**
 * Where the first list or mapping nested deeper than `max` starts (the top
 * one is level 1), counting collections only, as yaml-document.ts's tooDeep
 * does: js-yaml's maxDepth counts a scalar as a level too, so it refused a
 * file yaml read, or read one yaml refused, by the file's size.
 */
export function firstTooDeep(events: readonly Event[], max: number): number | undefined {
  // Per open node: whether it is a collection (a POP closes documents too).
  const open: boolean[] = [];
  let depth = 0;
  for (const event of events) {
    if (event.type === EVENT_ID.MAPPING || event.type === EVENT_ID.SEQUENCE) {
      open.push(true);
      if (++depth > max) return event.start;
    } else if (event.type === EVENT_ID.DOCUMENT) open.push(false);
    else if (event.type === EVENT_ID.POP && open.pop()) depth--;
  }
  return undefined;
}

/** A key a file is refused at, before its values are built: past the keys of its mapping, or too long. */
export type KeyPastLimit = { readonly kind: 'wide' | 'long'; readonly offset: number };

/**
 * The first key, in document order, past `limits.keys` of its mapping (a
 * mapping of millions of keys cost seconds and gigabytes in every later
 * stage) or of more than `limits.characters` characters, written or through
 * an alias (V8 hashes a string of more than 16,383 characters by its length
 * alone, so keys of one such length cost time quadratic in their number, when
 * built and in every Map and Set of their names after). One walk for both.
 */
export function firstKeyPastLimits(text: string, events: readonly Event[], limits: { readonly keys: number; readonly characters: number }): KeyPastLimit | undefined {
  // Per open node, the nodes completed in it: counted up from 0 in a mapping, -1 in anything else.
  const nodes: number[] = [];
  let top = -1;
  const longAnchors = new Set<string>();
  const anchor = (start: number, end: number) => text.slice(start, end);
  for (let index = 0; index < events.length; index++) {
    const event = events[index]!;
    if (event.type === EVENT_ID.POP) {
      nodes.pop();
      top = nodes.length > 0 && nodes[nodes.length - 1]! >= 0 ? ++nodes[nodes.length - 1]! : -1;
      continue;
    }
    const isKey = top >= 0 && top % 2 === 0;
    if (top === 2 * limits.keys) {
      const offset = nodeStart(event);
      // An empty key (`: 1`) has no offset: its value's, on its line.
      const next = events[index + 1];
      return { kind: 'wide', offset: offset >= 0 ? offset : Math.max(next ? nodeStart(next) : 0, 0) };
    }
    if (event.type === EVENT_ID.SCALAR || event.type === EVENT_ID.ALIAS) {
      let long: boolean;
      if (event.type === EVENT_ID.SCALAR) {
        // Decoding only makes a scalar shorter than its source (escapes, folding, indentation).
        long = event.valueEnd - event.valueStart > limits.characters && getScalarValue(text, event).length > limits.characters;
        if (event.anchorStart >= 0) {
          if (long) longAnchors.add(anchor(event.anchorStart, event.anchorEnd));
          else longAnchors.delete(anchor(event.anchorStart, event.anchorEnd));
        }
      } else {
        long = longAnchors.size > 0 && longAnchors.has(anchor(event.anchorStart, event.anchorEnd));
      }
      if (long && isKey) return { kind: 'long', offset: nodeStart(event) };
      if (top >= 0) nodes[nodes.length - 1] = ++top;
    } else {
      if ((event.type === EVENT_ID.MAPPING || event.type === EVENT_ID.SEQUENCE) && event.anchorStart >= 0 && longAnchors.size > 0) {
        longAnchors.delete(anchor(event.anchorStart, event.anchorEnd));
      }
      top = event.type === EVENT_ID.MAPPING ? 0 : -1;
      nodes.push(top);
    }
  }
  return undefined;
}
