import { EVENT_ID, SCALAR_STYLE, type Event } from 'js-yaml';
import { keyNames } from './position-index.js';

/**
 * Where each top-level entry of a file, and each item of a top-level block
 * list, begins and ends: recorded from the parse that read the file, so that
 * a diagnostic is located by re-reading only its own entry or list item
 * rather than the whole file (a configuration of 100,000 users has hundreds
 * of warnings spread over every file). Offsets are line starts.
 */
export interface FileRegions {
  /** Property name → its entry's region, and its items' if its value is a block list. */
  readonly entries: ReadonlyMap<string, EntryRegion>;
}

export interface EntryRegion {
  readonly start: number;
  readonly end: number;
  /** Line start of each item, and the entry's end after the last; absent unless the value is a block list. */
  readonly items: Int32Array | undefined;
}

const BLOCK = 1;

function lineStartBefore(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** True when only spaces (and, for a list item, its `- ` indicators) come before `offset` on its line. */
function firstOnLine(text: string, lineStart: number, offset: number, item: boolean): boolean {
  for (let at = lineStart; at < offset; at++) {
    const c = text[at];
    if (c === ' ' || (item && c === '-' && text[at + 1] === ' ')) continue;
    return false;
  }
  return true;
}

/** Start offset of the value an event opens, as the parser reports it. */
function eventStart(event: Event): number {
  switch (event.type) {
    case EVENT_ID.MAPPING:
    case EVENT_ID.SEQUENCE:
      return event.start;
    case EVENT_ID.SCALAR:
      if (event.tagStart >= 0) return event.tagStart;
      if (event.anchorStart >= 0) return event.anchorStart - 1;
      // A quoted scalar starts at its quote.
      return event.style === SCALAR_STYLE.SINGLE_QUOTED || event.style === SCALAR_STYLE.DOUBLE_QUOTED ? event.valueStart - 1 : event.valueStart;
    case EVENT_ID.ALIAS:
      return event.anchorStart - 1;
    default:
      return -1;
  }
}

/**
 * The regions of a document whose top level is a block mapping with each key
 * first on its line; undefined otherwise (the caller then indexes the whole
 * file). One pass over the events the loader already has.
 */
export function findRegions(text: string, events: readonly Event[]): FileRegions | undefined {
  let at = events[0]?.type === EVENT_ID.DOCUMENT ? 1 : 0;
  const root = events[at];
  if (root?.type !== EVENT_ID.MAPPING || root.style !== BLOCK) return undefined;
  at++;
  const starts: { names: string[]; start: number; items: number[] | undefined }[] = [];
  while (at < events.length && events[at]!.type !== EVENT_ID.POP) {
    const key = events[at]!;
    if (key.type !== EVENT_ID.SCALAR) return undefined;
    const keyStart = eventStart(key);
    const lineStart = lineStartBefore(text, keyStart);
    if (keyStart < 0 || !firstOnLine(text, lineStart, keyStart, false)) return undefined;
    const value = events[++at];
    if (value === undefined) return undefined;
    let items: number[] | undefined;
    if (value.type === EVENT_ID.SEQUENCE && value.style === BLOCK) items = [];
    // Walk the value, noting where each item of a block list starts.
    let depth = 0;
    do {
      const event = events[at]!;
      if (items && depth === 1 && event.type !== EVENT_ID.POP) {
        const start = eventStart(event);
        const itemLine = start < 0 ? -1 : lineStartBefore(text, start);
        if (itemLine < 0 || !firstOnLine(text, itemLine, start, true) || itemLine === items.at(-1)) items = undefined;
        else items.push(itemLine);
      }
      if (event.type === EVENT_ID.MAPPING || event.type === EVENT_ID.SEQUENCE) depth++;
      else if (event.type === EVENT_ID.POP) depth--;
      at++;
    } while (depth > 0 && at < events.length);
    starts.push({ names: keyNames(text, key), start: lineStart, items });
  }
  const entries = new Map<string, EntryRegion>();
  starts.forEach(({ names, start, items }, i) => {
    const end = starts[i + 1]?.start ?? text.length;
    const region = { start, end, items: items && Int32Array.from([...items, end]) };
    for (const name of names) entries.set(name, region);
  });
  return { entries };
}
