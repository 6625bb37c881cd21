import { describe, expect, it } from 'vitest';
import { firstDuplicateName } from '../../src/files/json-duplicate-names.js';

const scan = (text: string) => firstDuplicateName(Buffer.from(text, 'utf8'));

describe('firstDuplicateName finds a field named twice in one object', () => {
  it('none in objects whose names differ, nor across objects, arrays or values', () => {
    expect(scan('{"a": 1, "b": {"a": 2, "b": [{"a": 3}, {"a": 4}]}, "c": "a"}')).toBeNull();
    expect(scan('[{"a": 1}, {"a": 1}, "a", "a"]')).toBeNull();
    expect(scan('{"a": "\\"a\\"", "b": ["a", "a"], "c": {}}')).toBeNull();
    expect(scan('{"x": {"a": 1}, "a": 2}')).toBeNull();
  });

  it('the second of the two, at its opening quote', () => {
    const text = '{"formatVersion": "2.2",\n "formatVersion": "2.2"}';
    expect(scan(text)).toEqual({ offset: text.lastIndexOf('"formatVersion"'), name: 'formatVersion' });
    const nested = '{"a": {"b": 1, "c": [1, {"d": 1, "d": 2}]}}';
    expect(scan(nested)).toEqual({ offset: nested.lastIndexOf('"d"'), name: 'd' });
  });

  it('names as JSON.parse reads them: an escape or a non-ASCII spelling is the same name', () => {
    expect(scan('{"maxDeletions": 9, "max\\u0044eletions": 5}')?.name).toBe('maxDeletions');
    expect(scan('{"caf\\u00e9": 1, "café": 2}')?.name).toBe('café');
    expect(scan('{"café\\n": 1, "café\\u000a": 2}')?.name).toBe('café\n');
    expect(scan('{"café": 1, "cafe": 2}')).toBeNull();
  });

  it('__proto__ and constructor are names like any other', () => {
    expect(scan('{"__proto__": {}, "__proto__": {"x": 1}}')?.name).toBe('__proto__');
    expect(scan('{"constructor": 1, "toString": 2}')).toBeNull();
  });
});
