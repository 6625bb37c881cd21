/**
 * Where a text stops being JSON, and why, for a message with a line and
 * column: Node 20's JSON.parse names no position ("Unexpected end of JSON
 * input"). A scan with a stack of its own, no recursion, so a plan file
 * nested a million deep costs no more than its length. Only asked once
 * JSON.parse has refused the text. Nesting is bounded (MAX_DEPTH): a 256 MiB
 * file of `[` would otherwise make a stack of 268 million entries.
 */
export interface JsonSyntaxError {
  /** UTF-16 offset of the first character that cannot be there (the text's length when it ends too soon). */
  readonly offset: number;
  readonly problem: string;
}

type Want = 'value' | 'valueOrEnd' | 'key' | 'keyOrEnd' | 'colon' | 'commaOrEnd';

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPE = /\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})/y;
const LITERALS = ['true', 'false', 'null'] as const;
/** Far past any plan tenantctl writes (a handful of levels), far below what memory bounds. */
export const MAX_DEPTH = 10_000;
const INVISIBLE = /^[\p{C}\p{Z}]$/u;

function found(text: string, at: number): string {
  const c = text.codePointAt(at);
  if (c === undefined) return 'the end of the file';
  const char = String.fromCodePoint(c);
  // What cannot be seen (a byte-order mark, a control or zero-width character) by its code.
  return char !== ' ' && INVISIBLE.test(char) ? `U+${c.toString(16).toUpperCase().padStart(4, '0')}` : JSON.stringify(char);
}

/** The offset just past the string that starts at `start` (a `"`), or the error in it. */
function skipString(text: string, start: number): number | JsonSyntaxError {
  for (let i = start + 1; i < text.length; ) {
    const c = text.charCodeAt(i);
    if (c === 0x22) return i + 1;
    if (c === 0x5c) {
      ESCAPE.lastIndex = i;
      if (!ESCAPE.test(text)) return { offset: i, problem: 'an escape in a string that JSON does not have' };
      i = ESCAPE.lastIndex;
    } else if (c < 0x20) {
      const why = c === 0x0a || c === 0x0d ? 'a string ends on the line it starts' : 'JSON writes a control character in a string only as an escape, such as \\u0007';
      return { offset: i, problem: `${found(text, i)} inside a string (${why})` };
    } else i++;
  }
  return { offset: text.length, problem: 'a string that is never closed' };
}

/** Null when `text` is one JSON document; else where and why it is not. */
export function jsonSyntaxError(text: string): JsonSyntaxError | null {
  const stack: ('}' | ']')[] = [];
  let want: Want = 'value';
  let i = 0;
  const fail = (problem: string): JsonSyntaxError => ({ offset: i, problem: `${problem}, found ${found(text, i)}` });
  for (;;) {
    while (i < text.length && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) i++;
    const closing = stack.at(-1);
    if (i >= text.length) return closing === undefined && want === 'commaOrEnd' ? null : { offset: i, problem: 'the file ends before the JSON does' };
    const c = text[i];
    if (want === 'commaOrEnd') {
      if (closing === undefined) return fail('expected the end of the file after the document');
      if (c === closing) {
        stack.pop();
        i++;
      } else if (c === ',') {
        i++;
        want = closing === '}' ? 'key' : 'value';
      } else return fail(`expected "," or "${closing}"`);
      continue;
    }
    if (want === 'colon') {
      if (c !== ':') return fail('expected ":" after a field name');
      i++;
      want = 'value';
      continue;
    }
    if ((want === 'keyOrEnd' && c === '}') || (want === 'valueOrEnd' && c === ']')) {
      stack.pop();
      i++;
      want = 'commaOrEnd';
      continue;
    }
    if (want === 'key' || want === 'keyOrEnd') {
      if (c !== '"') return fail('expected a field name in double quotes');
      const end = skipString(text, i);
      if (typeof end !== 'number') return end;
      i = end;
      want = 'colon';
      continue;
    }
    // A value.
    if (c === '{' || c === '[') {
      if (stack.length === MAX_DEPTH) return { offset: i, problem: `nested more than ${MAX_DEPTH.toLocaleString('en-US')} levels deep, which no plan is` };
      stack.push(c === '{' ? '}' : ']');
      i++;
      want = c === '{' ? 'keyOrEnd' : 'valueOrEnd';
      continue;
    }
    if (c === '"') {
      const end = skipString(text, i);
      if (typeof end !== 'number') return end;
      i = end;
    } else if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) {
      NUMBER.lastIndex = i;
      if (!NUMBER.test(text)) return fail('expected a number');
      i = NUMBER.lastIndex;
    } else {
      const literal = LITERALS.find((word) => text.startsWith(word, i));
      if (!literal) return fail('expected a value');
      i += literal.length;
    }
    want = 'commaOrEnd';
  }
}

/** 1-based line and column (in UTF-16 units, as editors count them here) of an offset. */
export function lineAndColumn(text: string, offset: number): { readonly line: number; readonly column: number } {
  let line = 1;
  let lineStart = 0;
  for (let at = text.indexOf('\n'); at !== -1 && at < offset; at = text.indexOf('\n', at + 1)) {
    line++;
    lineStart = at + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

/** The line and column of byte `offset` of a UTF-8 text (columns in characters, as editors count them). */
export function lineAndColumnAt(bytes: Buffer, offset: number): { readonly line: number; readonly column: number } {
  const before = bytes.toString('utf8', 0, offset);
  return lineAndColumn(before, before.length);
}
