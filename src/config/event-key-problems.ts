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

/**
 * Where the first key of more than `max` characters starts, in document order, or an alias of such a
 * scalar used as a key: V8 hashes a string of more than 16,383 characters by its length alone, so
 * mappings of such keys of one length cost time quadratic in their number, when built and in every
 * Map and Set of their names after.
 */
export function firstLongKey(text: string, events: readonly Event[], max: number): number | undefined {
  // Per open node, the nodes completed in it: counted up from 0 in a mapping, -1 in anything else.
  const nodes: number[] = [];
  const longAnchors = new Set<string>();
  for (const event of events) {
    if (event.type === EVENT_ID.POP) {
      nodes.pop();
      if (nodes.length > 0 && nodes[nodes.length - 1]! >= 0) nodes[nodes.length - 1]!++;
      continue;
    }
    const top = nodes.length > 0 ? nodes[nodes.length - 1]! : -1;
    const isKey = top >= 0 && top % 2 === 0;
    if (event.type === EVENT_ID.SCALAR || event.type === EVENT_ID.ALIAS) {
      let long: boolean;
      if (event.type === EVENT_ID.SCALAR) {
        // Decoding only makes a scalar shorter than its source (escapes, folding, indentation).
        long = event.valueEnd - event.valueStart > max && getScalarValue(text, event).length > max;
        if (event.anchorStart >= 0) {
          const anchor = text.slice(event.anchorStart, event.anchorEnd);
          if (long) longAnchors.add(anchor);
          else longAnchors.delete(anchor);
        }
      } else {
        long = longAnchors.has(text.slice(event.anchorStart, event.anchorEnd));
      }
      if (long && isKey) return nodeStart(event);
      if (top >= 0) nodes[nodes.length - 1]!++;
    } else {
      if ((event.type === EVENT_ID.MAPPING || event.type === EVENT_ID.SEQUENCE) && event.anchorStart >= 0) {
        longAnchors.delete(text.slice(event.anchorStart, event.anchorEnd));
      }
      nodes.push(event.type === EVENT_ID.MAPPING ? 0 : -1);
    }
  }
  return undefined;
}

/**
 * Where the first key past `max` of one mapping starts, in document order:
 * the file is refused there, before its values are built (a mapping of
 * millions of keys cost seconds and gigabytes in every later stage).
 */
export function firstTooWide(events: readonly Event[], max: number): number | undefined {
  // Such a mapping alone makes more than 2 × max events.
  if (events.length <= 2 * max) return undefined;
  // Per open node, the nodes completed in it: counted up from 0 in a mapping, -1 in anything else.
  const nodes: number[] = [];
  let top = -1;
  for (let index = 0; index < events.length; index++) {
    const event = events[index]!;
    const type = event.type;
    if (type === EVENT_ID.POP) {
      nodes.pop();
      top = nodes.length > 0 && nodes[nodes.length - 1]! >= 0 ? ++nodes[nodes.length - 1]! : -1;
      continue;
    }
    if (top === 2 * max) {
      const offset = nodeStart(event);
      // An empty key (`: 1`) has no offset: its value's, on its line.
      const next = events[index + 1];
      return offset >= 0 ? offset : Math.max(next ? nodeStart(next) : 0, 0);
    }
    if (type === EVENT_ID.SCALAR || type === EVENT_ID.ALIAS) {
      if (top >= 0) nodes[nodes.length - 1] = ++top;
    } else {
      top = type === EVENT_ID.MAPPING ? 0 : -1;
      nodes.push(top);
    }
  }
  return undefined;
}
