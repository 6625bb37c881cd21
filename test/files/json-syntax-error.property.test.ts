// The scan that places a plan file's JSON error agrees with JSON.parse on
// what is JSON, and points inside the text (or at its end) when it is not.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonSyntaxError, lineAndColumn, MAX_DEPTH, tooDeepAt } from '../../src/files/json-syntax-error.js';

const parses = (text: string): boolean => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

/** JSON texts, then damaged: cut, a character changed, inserted or removed. */
const damaged = fc
  .tuple(fc.json(), fc.nat(), fc.constantFrom('cut', 'replace', 'insert', 'remove'), fc.constantFrom(',', ']', '}', '"', ':', 'x', '\n', '\\', '0', '-', ' ', '\u0001', '\uFEFF', 't'))
  .map(([text, at, how, c]) => {
    const i = text.length === 0 ? 0 : at % text.length;
    if (how === 'cut') return text.slice(0, i);
    if (how === 'replace') return text.slice(0, i) + c + text.slice(i + 1);
    if (how === 'insert') return text.slice(0, i) + c + text.slice(i);
    return text.slice(0, i) + text.slice(i + 1);
  });

describe('jsonSyntaxError', () => {
  it('is null exactly when JSON.parse takes the text, and points within it otherwise', () => {
    fc.assert(
      fc.property(fc.oneof(fc.json(), damaged), (text) => {
        const error = jsonSyntaxError(text);
        expect(error === null).toBe(parses(text));
        if (error) expect(error.offset).toBeLessThanOrEqual(text.length);
      }),
      { numRuns: 3000 },
    );
  });

  it.each([
    ['{"a": [1, 2}', 11, 'expected "," or "]", found "}"'],
    ['{"a": tru}', 6, 'expected a value, found "t"'],
    ['{"a": 1,}', 8, 'expected a field name in double quotes, found "}"'],
    ['{"a" 1}', 5, 'expected ":" after a field name, found "1"'],
    ['{"a": "x\ny"}', 8, 'U+000A inside a string (a string ends on the line it starts)'],
    ['{"a": "\\q"}', 7, 'an escape in a string that JSON does not have'],
    ['{"a": [', 7, 'the file ends before the JSON does'],
    ['{} {}', 3, 'expected the end of the file after the document, found "{"'],
    ['\uFEFF{}', 0, 'expected a value, found U+FEFF'],
    ['['.repeat(10_000), 10_000, 'the file ends before the JSON does'],
    // A stack of 268 million entries for a 256 MiB file of `[`, were nesting not bounded.
    ['['.repeat(1_000_000), 10_000, 'nested more than 10,000 levels deep, which no plan is'],
  ])('%j: at %i, %s', (text, offset, problem) => {
    expect(jsonSyntaxError(text)).toEqual({ offset, problem });
  });

  it('gives the line and column of an offset', () => {
    expect(lineAndColumn('{\n  "a": x\n}', 9)).toEqual({ line: 2, column: 8 });
    expect(lineAndColumn('x', 0)).toEqual({ line: 1, column: 1 });
  });
});

describe('tooDeepAt', () => {
  const deepest = (text: string) => tooDeepAt(Buffer.from(text));

  it('finds the bracket that opens level 10,001, counting none inside strings', () => {
    expect(deepest('['.repeat(MAX_DEPTH))).toBe(-1);
    expect(deepest('['.repeat(MAX_DEPTH + 5))).toBe(MAX_DEPTH);
    expect(deepest(`["${'['.repeat(MAX_DEPTH + 5)}"]`)).toBe(-1);
    expect(deepest(`["a\\\\", ${'{"a":'.repeat(MAX_DEPTH + 1)}`)).toBe(8 + 5 * (MAX_DEPTH - 1)); // the first [ is level 1
    expect(deepest(`["\\"${'['.repeat(MAX_DEPTH + 1)}"]`)).toBe(-1);
  });

  it('agrees with a count over the parsed value for any JSON', () => {
    const depthOf = (value: unknown): number => (value !== null && typeof value === 'object' ? 1 + Math.max(0, ...Object.values(value).map(depthOf)) : 0);
    fc.assert(
      fc.property(fc.json({ depthSize: 'large' }), (text) => {
        expect(tooDeepAt(Buffer.from(text))).toBe(depthOf(JSON.parse(text)) > MAX_DEPTH ? expect.any(Number) : -1);
      }),
      { numRuns: 500 },
    );
  });
});
