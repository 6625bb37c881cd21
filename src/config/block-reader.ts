import { CORE_SCHEMA } from 'js-yaml';
import type { EntryRegion, FileRegions } from './yaml-regions.js';
import { CONTROL_CHARACTERS } from './yaml-characters.js';
import { INPUT_LIMITS } from './read-input-file.js';
import { emptyList } from '../empty-list.js';

/**
 * What js-yaml's `load` and `findRegions` give for the plain block YAML that
 * `export` writes and most hand-written configurations are: a mapping at the
 * top, block mappings and lists, `key: value` lines with simple keys, one-line
 * quoted scalars, one-line flow lists of plain and quoted scalars, comments
 * and blank lines. Read line by line into the values directly, without
 * js-yaml's events and constructor: about 2.5 times faster on a 100,000-user
 * configuration (37 MB; BENCHMARKS.md, step 45).
 *
 * The result is exactly js-yaml's (the same values, in the same key order,
 * plain scalars typed by js-yaml's own core schema), the number of events
 * js-yaml would have made, and findRegions' regions; or undefined for
 * anything else: every other construct, every mistake, every doubt. The
 * caller then asks js-yaml, so a file is read, refused and located as before;
 * only the speed differs (test/config/block-reader.test.ts compares both on
 * every example, generated tenants and thousands of mutations).
 */
export interface BlockRead {
  readonly value: Record<string, unknown>;
  /** How many events js-yaml's parseEvents makes of the text. */
  readonly events: number;
  readonly regions: FileRegions;
}

/**
 * Past the value budget: the events of the lines read so far, more than the budget. A file that goes on as
 * it began makes at least as many, and one that does not is refused anyway: js-yaml is not asked, whose
 * events for all of a 64 MiB file cost 15 s and 4.5 GB before it was refused for them.
 */
export interface BlockOverBudget {
  readonly overBudget: true;
  readonly events: number;
}

export function readBlockYaml(text: string, valueBudget = Number.POSITIVE_INFINITY): BlockRead | BlockOverBudget | undefined {
  if (UNREADABLE_OR_SURROGATE.test(text) && (UNREADABLE.test(text) || LONE_SURROGATE.test(text))) return undefined;
  return new BlockReader(text, valueBudget).read();
}

// Tabs, CR line ends and a BOM inside the text are read by js-yaml in ways this reader does not copy;
// the rest js-yaml refuses as non-printable (split from surrogates, as one alternation scans slowly).
const UNREADABLE = new RegExp(`[\\t\\r\\uFEFF\\0${CONTROL_CHARACTERS}]`);
const UNREADABLE_OR_SURROGATE = new RegExp(`[\\t\\r\\uFEFF\\0${CONTROL_CHARACTERS}\\uD800-\\uDFFF]`);
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?:[^\uD800-\uDBFF]|^)[\uDC00-\uDFFF]/;

const SPACE = 32;
const HASH = 35;
const DASH = 45;
const COLON = 58;
const DOUBLE_QUOTE = 34;
const SINGLE_QUOTE = 39;
const BACKSLASH = 92;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const COMMA = 44;
const MAX_DEPTH = 32;
const MAX_KEY = 256;

/** Characters that may not start a plain scalar here: YAML's indicators, and `-?:` to keep it simple. */
function indicator(c: number): boolean {
  return c === DASH || c === 63 /* ? */ || c === COLON || c === COMMA || c === OPEN_BRACKET || c === CLOSE_BRACKET
    || c === OPEN_BRACE || c === CLOSE_BRACE || c === HASH || c === 38 /* & */ || c === 42 /* * */ || c === 33 /* ! */
    || c === 124 /* | */ || c === 62 /* > */ || c === SINGLE_QUOTE || c === DOUBLE_QUOTE || c === 37 /* % */
    || c === 64 /* @ */ || c === 96 /* ` */;
}

function keyChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95;
}

/** A key that js-yaml keeps as the same string: not null, true, 0x10 or the like, nor `__proto__`. */
function plainKey(key: string): boolean {
  return key !== '__proto__' && CORE_SCHEMA.resolveImplicitScalarTag(key).value === key;
}

class Bail extends Error {}
const bail = (): never => {
  throw new Bail();
};
class OverBudget extends Error {}

interface Open {
  readonly sequence: boolean;
  readonly indent: number;
  readonly value: unknown[] | Record<string, unknown>;
  /** Keys so far, of a mapping: past INPUT_LIMITS.mappingKeys, js-yaml's path refuses the file there. */
  keys: number;
}

interface Entry {
  readonly name: string;
  readonly start: number;
  items: number[] | undefined;
}

class BlockReader {
  private readonly open: Open[] = emptyList();
  /** The key whose value starts on the next lines, and the indent of its mapping; -1 when none. */
  private pendingKey = '';
  private pending = -1;
  /** After a scalar, lines indented past this would continue it: -1 when no scalar came last. */
  private scalarLimit = -1;
  private lineStart = 0;
  private lineEnd = 0;
  /** Document start and end, as js-yaml counts. */
  private events = 2;
  private readonly entries: Entry[] = emptyList();
  /** Keys read before, by length and first and last character (keyAt). */
  private readonly knownKeys = new Map<number, string>();

  constructor(
    private readonly text: string,
    /** Past this many events js-yaml would make, the file is not built (BlockOverBudget). */
    private readonly valueBudget: number,
  ) {}

  read(): BlockRead | BlockOverBudget | undefined {
    try {
      return this.readLines();
    } catch (cause) {
      if (cause instanceof Bail) return undefined;
      if (cause instanceof OverBudget) return { overBudget: true, events: this.events };
      throw cause;
    }
  }

  private readLines(): BlockRead {
    const { text } = this;
    let pos = 0;
    while (pos < text.length) {
      let end = text.indexOf('\n', pos);
      if (end < 0) end = text.length;
      this.lineStart = pos;
      this.lineEnd = end;
      let at = pos;
      while (at < end && text.charCodeAt(at) === SPACE) at++;
      if (at < end) {
        if (this.scalarLimit >= 0 && at - pos > this.scalarLimit) bail();
        if (text.charCodeAt(at) !== HASH) this.line(at, at - pos);
      }
      this.withinBudget();
      pos = end + 1;
    }
    const root = this.open[0];
    if (this.pending >= 0 || root === undefined) bail();
    return { value: root!.value as Record<string, unknown>, events: this.events, regions: this.regions() };
  }

  private withinBudget(): void {
    if (this.events > this.valueBudget) throw new OverBudget();
  }

  private regions(): FileRegions {
    const entries = new Map<string, EntryRegion>();
    this.entries.forEach(({ name, start, items }, i) => {
      const end = this.entries[i + 1]?.start ?? this.text.length;
      entries.set(name, { start, end, items: items && Int32Array.from([...items, end]) });
    });
    return { entries };
  }

  private line(at: number, column: number): void {
    const { text, open } = this;
    this.scalarLimit = -1;
    const item = text.charCodeAt(at) === DASH && this.after(at + 1);
    if (this.pending >= 0) {
      // The value of the key above: a list (indented, or at the key's own indent) or a mapping.
      if (column < this.pending || (column === this.pending && !item)) bail();
      this.pending = -1;
      // A root key's block list: findRegions notes where each of its items starts.
      if (item && open.length === 1) this.entries.at(-1)!.items = [];
      this.start(item, column, this.pendingKey);
    } else if (open.length === 0) {
      if (column !== 0 || item) bail();
      this.start(false, column, '');
    } else {
      while (open.at(-1)!.indent > column) this.close();
      // A list at its key's own indent ends at the next key.
      if (!item && open.at(-1)!.sequence && open.at(-1)!.indent === column) this.close();
      const top = open.at(-1)!;
      if (top.indent !== column || top.sequence !== item) bail();
    }
    if (item) this.item(at, column);
    else this.entry(at, column);
  }

  /** True when the character at `at` ends an indicator: a space, or the end of the line. */
  private after(at: number): boolean {
    return at >= this.lineEnd || this.text.charCodeAt(at) === SPACE;
  }

  /** Opens a collection, added under `key` (or at the end of a list) to the one it is in. */
  private start(sequence: boolean, indent: number, key: string): void {
    if (this.open.length >= MAX_DEPTH) bail();
    const value = sequence ? [] : {};
    if (this.open.length > 0) this.add(key, value);
    this.open.push({ sequence, indent, value, keys: 0 });
    this.events += 2;
  }

  private close(): void {
    this.open.pop();
    if (this.open.length === 0) bail();
  }

  /** Adds a value to the innermost open collection: under `key` in a mapping, at the end of a list. */
  private add(key: string, value: unknown): void {
    const top = this.open.at(-1)!;
    if (top.sequence) {
      (top.value as unknown[]).push(value);
      if (this.open.length === 2) this.entries.at(-1)!.items?.push(this.lineStart);
      return;
    }
    const map = top.value as Record<string, unknown>;
    // A repeated key, or one key too many, is js-yaml's path's to refuse and locate.
    if (++top.keys > INPUT_LIMITS.mappingKeys || Object.prototype.hasOwnProperty.call(map, key)) bail();
    map[key] = value;
  }

  private item(at: number, column: number): void {
    const content = at + 2;
    if (content >= this.lineEnd || this.text.charCodeAt(content) === SPACE) bail();
    if (this.keyEnd(content) > 0) {
      this.start(false, column + 2, '');
      this.entry(content, column + 2);
    } else {
      this.add('', this.value(content, column));
    }
  }

  /** The offset of the `:` after a simple key at `at`, or -1. */
  private keyEnd(at: number): number {
    const { text } = this;
    let end = at;
    // No further than one character past the longest key read: a 64 MiB line of key characters is left at once.
    const last = Math.min(this.lineEnd, at + MAX_KEY + 1);
    while (end < last && keyChar(text.charCodeAt(end))) end++;
    if (end === at || end - at > MAX_KEY || text.charCodeAt(end) !== COLON || !this.after(end + 1)) return -1;
    return end;
  }

  /**
   * The key from `at` to `colon`: one read before when it is the same text (a file repeats a dozen keys
   * 100,000 times; no new string for each, nor its check), else checked by plainKey.
   */
  private keyAt(at: number, colon: number): string {
    const { text } = this;
    // Keys are [A-Za-z0-9_] (keyChar): one candidate per length, first and last character, so a file of
    // millions of distinct keys of one length costs one comparison each, not one per known key (3.4 s for 3.6 million).
    const slot = ((colon - at) * 128 + text.charCodeAt(at)) * 128 + text.charCodeAt(colon - 1);
    const known = this.knownKeys.get(slot);
    if (known !== undefined && text.startsWith(known, at)) return known;
    const key = text.slice(at, colon);
    if (!plainKey(key)) bail();
    if (known === undefined && this.knownKeys.size < 64) this.knownKeys.set(slot, key);
    return key;
  }

  private entry(at: number, indent: number): void {
    const colon = this.keyEnd(at);
    if (colon < 0) bail();
    const key = this.keyAt(at, colon);
    this.events++;
    if (this.open.length === 1) this.entries.push({ name: key, start: this.lineStart, items: undefined });
    let value = colon + 1;
    while (value < this.lineEnd && this.text.charCodeAt(value) === SPACE) value++;
    if (value < this.lineEnd && this.text.charCodeAt(value) !== HASH) {
      this.add(key, this.value(value, indent));
      return;
    }
    this.pending = indent;
    this.pendingKey = key;
  }

  private value(at: number, limit: number): unknown {
    const c = this.text.charCodeAt(at);
    let value: unknown;
    if (c === DOUBLE_QUOTE || c === SINGLE_QUOTE) value = this.quoted(at, c);
    else if (c === OPEN_BRACKET) value = this.flowList(at);
    else if (this.plainStart(at, false)) value = this.plain(at);
    else bail();
    this.scalarLimit = limit;
    return value;
  }

  private plain(at: number): unknown {
    const { text } = this;
    let end = at;
    for (; end < this.lineEnd; end++) {
      const c = text.charCodeAt(end);
      if (c === SPACE && text.charCodeAt(end + 1) === HASH) break;
      if (c === COLON && this.after(end + 1)) bail();
    }
    while (text.charCodeAt(end - 1) === SPACE) end--;
    this.events++;
    return CORE_SCHEMA.resolveImplicitScalarTag(text.slice(at, end)).value;
  }

  private quoted(at: number, quote: number): string {
    const end = this.quoteEnd(at, quote);
    this.lineRest(end + 1);
    return this.quotedValue(at, end);
  }

  /** The offset of the quote that closes the one at `at` on its line. */
  private quoteEnd(at: number, quote: number): number {
    const { text } = this;
    for (let end = at + 1; end < this.lineEnd; end++) {
      const c = text.charCodeAt(end);
      // Escapes in double quotes are js-yaml's to check and decode.
      if (c === BACKSLASH && quote === DOUBLE_QUOTE) bail();
      if (c !== quote) continue;
      if (quote === SINGLE_QUOTE && text.charCodeAt(end + 1) === SINGLE_QUOTE) {
        end++;
        continue;
      }
      return end;
    }
    return bail();
  }

  private quotedValue(at: number, end: number): string {
    this.events++;
    const value = this.text.slice(at + 1, end);
    // split and join: replaceAll took 19 s on a value of 33 million '' pairs (helper-108), this an eighth of it.
    return this.text.charCodeAt(at) === SINGLE_QUOTE && value.includes("''") ? value.split("''").join("'") : value;
  }

  /** `[a, 'b', "c"]` of plain and quoted scalars on one line; anything else in it is js-yaml's. */
  private flowList(at: number): unknown[] {
    const { text } = this;
    const list: unknown[] = [];
    this.events += 2;
    let next = at + 1;
    if (text.charCodeAt(next) !== CLOSE_BRACKET) {
      for (;;) {
        while (text.charCodeAt(next) === SPACE) next++;
        const start = next;
        const c = text.charCodeAt(start);
        if (start >= this.lineEnd) bail();
        let end: number;
        if (c === DOUBLE_QUOTE || c === SINGLE_QUOTE) {
          const close = this.quoteEnd(start, c);
          list.push(this.quotedValue(start, close));
          for (next = close + 1; text.charCodeAt(next) === SPACE; next++);
          end = next;
        } else {
          if (!this.plainStart(start, true)) bail();
          for (end = start; end < this.lineEnd; end++) {
            const d = text.charCodeAt(end);
            if (d === COMMA || d === CLOSE_BRACKET) break;
            if (d === OPEN_BRACKET || d === OPEN_BRACE || d === CLOSE_BRACE || d === COLON || (d === HASH && text.charCodeAt(end - 1) === SPACE)) bail();
          }
          next = end;
          while (text.charCodeAt(end - 1) === SPACE) end--;
          this.events++;
          list.push(CORE_SCHEMA.resolveImplicitScalarTag(text.slice(start, end)).value);
        }
        const after = text.charCodeAt(next);
        if (next >= this.lineEnd || (after !== COMMA && after !== CLOSE_BRACKET)) bail();
        if (after === CLOSE_BRACKET) break;
        // A one-line list of 33 million items was built whole before the line's end found it past the budget.
        this.withinBudget();
        next++;
      }
    }
    this.lineRest(next + 1);
    return list;
  }

  /**
   * Whether a plain scalar may start at `at`: not at an indicator, but for `-`, `?` and `:` before a character
   * that is not a space (nor, in a flow list, one of its indicators), as in -1.
   */
  private plainStart(at: number, flow: boolean): boolean {
    const c = this.text.charCodeAt(at);
    if (!indicator(c)) return true;
    if (c !== DASH && c !== 63 && c !== COLON) return false;
    const next = this.text.charCodeAt(at + 1);
    if (at + 1 >= this.lineEnd || next === SPACE) return false;
    return !flow || !(next === COMMA || next === OPEN_BRACKET || next === CLOSE_BRACKET || next === OPEN_BRACE || next === CLOSE_BRACE);
  }

  /** After a closed value only spaces, then a comment after at least one space. */
  private lineRest(at: number): void {
    let next = at;
    while (next < this.lineEnd && this.text.charCodeAt(next) === SPACE) next++;
    if (next < this.lineEnd && (next === at || this.text.charCodeAt(next) !== HASH)) bail();
  }
}
