// The scan that places a plan file's JSON error agrees with JSON.parse on
// what is JSON, and points inside the text (or at its end) when it is not.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonSyntaxError, lineAndColumn } from '../../src/files/json-syntax-error.js';

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
    ['{"a": "x\u0007"}', 8, 'U+0007 inside a string (JSON writes a control character in a string only as an escape, such as \\u0007)'],
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
