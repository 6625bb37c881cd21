import { describe, expect, it } from 'vitest';
import { locateJsonPath } from '../../src/files/json-locate.js';

const TEXT = '{\n  "a": 1,\n  "b": {"c": [10, {"d": "x,]}"}, [2, 3]], "e\\u0066": null},\n  "7": true\n}';
const at = (path: readonly (string | number)[]) => locateJsonPath(Buffer.from(TEXT, 'utf8'), path);

describe('locateJsonPath finds the place a schema problem names', () => {
  it('a field at its name, an element at its start, the document at its start', () => {
    expect(at([])).toBe(0);
    expect(at(['a'])).toBe(TEXT.indexOf('"a"'));
    expect(at(['b', 'c'])).toBe(TEXT.indexOf('"c"'));
    expect(at(['b', 'c', 0])).toBe(TEXT.indexOf('10'));
    expect(at(['b', 'c', 1, 'd'])).toBe(TEXT.indexOf('"d"'));
    expect(at(['b', 'c', 2, 1])).toBe(TEXT.indexOf('3]'));
  });

  it('past strings holding brackets and commas, names as JSON.parse reads them, index-like names of objects', () => {
    expect(at(['b', 'ef'])).toBe(TEXT.indexOf('"e\\u0066"'));
    expect(at([7])).toBe(TEXT.indexOf('"7"'));
  });

  it('null for a place the text does not have', () => {
    expect(at(['z'])).toBeNull();
    expect(at(['b', 'c', 3])).toBeNull();
    expect(at(['a', 'x'])).toBeNull();
    expect(locateJsonPath(Buffer.from('{}'), ['a'])).toBeNull();
    expect(locateJsonPath(Buffer.from('[]'), [0])).toBeNull();
  });
});
