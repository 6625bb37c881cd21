// The scan run on a plan file before JSON.parse: it counts what JSON.parse
// would build, ignores what is inside strings, and refuses no plan tenantctl
// writes.
import fs from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { beyondBounds, PLAN_BOUNDS, type JsonBounds } from '../../src/files/json-bounds.js';
import { renderJson } from '../../src/render/json.js';
import type { PlanDocument } from '../../src/plan/plan-document.js';

const scan = (text: string, bounds: JsonBounds = PLAN_BOUNDS) => beyondBounds(Buffer.from(text), bounds);
const only = (bounds: Partial<JsonBounds>): JsonBounds => ({
  depth: Infinity,
  containers: Infinity,
  bytesPerContainer: Infinity,
  items: Infinity,
  bytesPerItem: Infinity,
  fields: Infinity,
  bytesPerField: Infinity,
  objectFields: Infinity,
  bytesPerObjectField: Infinity,
  texts: Infinity,
  bytesPerText: Infinity,
  nameBytes: Infinity,
  shapes: Infinity,
  bytesPerShape: Infinity,
  ...bounds,
});

/**
 * The strings V8 interns for a parsed value (its different field names and
 * string values of at most 10 characters), and its shapes: for each object
 * of at most 128 names that are no index, its number of names and each list
 * of its first names, counted once, as V8 makes a hidden class for each.
 */
function textsAndShapes(value: unknown): { texts: number; shapes: number } {
  const texts = new Set<string>();
  const shapes = new Set<string>();
  const isIndex = (key: string) => /^(0|[1-9][0-9]{0,9})$/.test(key) && Number(key) <= 4_294_967_294;
  const visit = (v: unknown): void => {
    if (typeof v === 'string' && [...v].length <= 10) texts.add(v);
    if (v === null || typeof v !== 'object') return;
    if (!Array.isArray(v)) {
      const keys = Object.keys(v);
      for (const key of keys) texts.add(key);
      const named = keys.filter((key) => !isIndex(key));
      // V8 starts from a class for the object's number of fields, and gives one of more than 128 a dictionary.
      if (named.length <= 128) for (let n = 1; n <= named.length; n++) shapes.add(JSON.stringify([named.length, ...named.slice(0, n)]));
    }
    Object.values(v).forEach(visit);
  };
  visit(value);
  return { texts: texts.size, shapes: shapes.size };
}

/** Depth, arrays and objects, items (commas plus arrays and objects) and fields (commas inside objects) of a parsed value, as the scan counts them in its text. */
function shape(value: unknown): { depth: number; containers: number; items: number; fields: number } {
  if (value === null || typeof value !== 'object') return { depth: 0, containers: 0, items: 0, fields: 0 };
  const members = Object.values(value);
  const inner = members.map(shape);
  const commas = Math.max(0, members.length - 1);
  return {
    depth: 1 + Math.max(0, ...inner.map((s) => s.depth)),
    containers: 1 + inner.reduce((sum, s) => sum + s.containers, 0),
    items: 1 + commas + inner.reduce((sum, s) => sum + s.items, 0),
    fields: (Array.isArray(value) ? 0 : commas) + inner.reduce((sum, s) => sum + s.fields, 0),
  };
}

describe('beyondBounds', () => {
  it('finds the bracket that opens level 65, counting none inside strings', () => {
    expect(scan('['.repeat(64))).toBeNull();
    expect(scan('['.repeat(70))).toEqual({ offset: 64, problem: 'nested more than 64 levels deep, which no plan is' });
    expect(scan(`["${'['.repeat(100)}"]`)).toBeNull();
    expect(scan(`["a\\\\", ${'{"a":'.repeat(65)}`)?.offset).toBe(8 + 5 * 63); // the first [ is level 1
    expect(scan(`["\\"${'['.repeat(100)}"]`)).toBeNull();
  });

  it('counts arrays and objects against a bound that grows with the file', () => {
    const bounds = only({ containers: 3, bytesPerContainer: 10 });
    // 20 bytes: 3 + 2 allowed, the sixth bracket (offset 13) is one too many.
    expect(scan('[[],[],[],[],[],[] ]', bounds)).toEqual({ offset: 13, problem: 'more than 5 arrays and objects, far more for its size than any plan holds' });
    expect(scan('[[],[],[],[]       ]', bounds)).toBeNull();
    expect(scan('["[[[[[[[[[[[[", {}]', bounds)).toBeNull();
  });

  it('counts values and fields by their commas', () => {
    const bounds = only({ items: 4, bytesPerItem: 1_000 });
    expect(scan('[1,2,3,4]', bounds)).toBeNull();
    expect(scan('[1,2,3,4,5]', bounds)).toEqual({ offset: 8, problem: 'more than 4 values, far more for its size than any plan holds' });
    expect(scan('["1,2,3,4,5,6"]', bounds)).toBeNull();
  });

  it('counts the fields of objects, not the values of lists', () => {
    const bounds = only({ fields: 2, bytesPerField: 1_000 });
    expect(scan('{"a":1,"b":[1,2,3,4,5],"c":{"d":1}}', bounds)).toBeNull();
    expect(scan('[{"a":1,"b":2},{"c":3,"d":4}]', bounds)).toBeNull();
    expect(scan('{"a":1,"b":2,"c":3,"d":4}', bounds)).toEqual({ offset: 18, problem: 'more than 2 fields in objects, far more for its size than any plan holds' });
    expect(scan('{"a,b,c,d":1}', bounds)).toBeNull();
    const perObject = only({ objectFields: 2, bytesPerObjectField: 1_000 });
    expect(scan('[{"a":1,"b":2,"c":3},{"d":{"e":1,"f":2,"g":3},"h":4}]', perObject)).toBeNull();
    expect(scan('{"a":{"b":1,"c":2},"d":3,"e":4,"f":5}', perObject)).toEqual({ offset: 30, problem: 'an object of more than 2 fields, far more for its size than any plan holds' });
  });

  it('counts the different field names and short texts, however often each is used', () => {
    const bounds = only({ texts: 3, bytesPerText: 1_000 });
    const problem = 'more than 3 different field names and short texts, far more for its size than any plan holds';
    expect(scan('[{"a":1,"b":2,"c":3},{"c":1,"a":{"b":2}},{"a":"b"}]', bounds)).toBeNull();
    // An object's names are counted when it closes, the inner one first: "c" is the fourth.
    expect(scan('[{"a":1,"b":2},{"c":{"d":1}}]', bounds)).toEqual({ offset: 16, problem });
    expect(scan('["a","b","c","a","d"]', bounds)).toEqual({ offset: 17, problem });
    // Longer than 10 characters once read: not interned, not counted.
    expect(scan('["0123456789a","0123456789b","0123456789c","0123456789d"]', bounds)).toBeNull();
    // 10 characters, however written: escapes, and letters of two or four bytes.
    const tens = '["\\u0030\\u0031\\u0032\\u0033\\u0034\\u0035\\u0036\\u0037\\u0038\\u0039","éééééééééé","🙂🙂🙂🙂🙂","d"]';
    expect(scan(tens, bounds)?.offset).toBe(Buffer.from(tens).indexOf('"d"'));
    // Beyond its 128th field an object makes no shape, but its names still count.
    const wide = `{${Array.from({ length: 200 }, (_, i) => `"k${i}":0`).join(',')}}`;
    expect(scan(wide, only({ texts: 199, bytesPerText: 1e9 }))?.problem).toBe('more than 199 different field names and short texts, far more for its size than any plan holds');
    expect(scan(wide, only({ texts: 200, bytesPerText: 1e9 }))).toBeNull();
  });

  it('refuses a field name longer than any plan\'s, which V8 would hash by its length alone', () => {
    const long = 'n'.repeat(1_024);
    expect(scan(`[{"${long}":1},"${long}x"]`)).toBeNull();
    expect(scan(`[{"a":1},{"${long}x":1}]`)).toEqual({ offset: 10, problem: 'a field name of more than 1,024 bytes, far longer than any plan\'s' });
  });

  it('counts the shapes of objects: each list of first names not seen before in an object of as many fields', () => {
    const bounds = only({ shapes: 3, bytesPerShape: 1_000 });
    const problem = 'objects of more than 3 different shapes, far more for its size than any plan holds';
    // {a,b} twice is a and a,b; {a} (twice, nested) is a again, in objects of one field: three shapes.
    expect(scan('[{"a":1,"b":2},{"a":3,"b":4},{"a":{"a":1}}]', bounds)).toBeNull();
    // {b,a} is not {a,b}: the same names in another order are two more.
    expect(scan('[{"a":1,"b":2},{"b":1,"a":2}]', bounds)).toEqual({ offset: 22, problem });
    // Nor does {a,b,c} share a and a,b with {a,b}: V8 starts each from a class for its number of fields.
    const sizes = '[{"a":1,"b":2},{"a":1,"b":2,"c":3}]';
    expect(scan(sizes, bounds)).toEqual({ offset: sizes.indexOf('"b"', 10), problem });
    // An object of more than 128 fields makes none: V8 gives it a dictionary.
    const wide = `{${Array.from({ length: 200 }, (_, i) => `"k${i}":0`).join(',')}}`;
    expect(scan(`[${wide},{"k0":0,"x":0}]`, only({ shapes: 2, bytesPerShape: 1e9 }))).toBeNull();
    expect(scan(`[${wide},{"k0":0,"x":0}]`, only({ shapes: 1, bytesPerShape: 1e9 }))?.problem).toBe('objects of more than 1 different shapes, far more for its size than any plan holds');
    // An index is an element, not a field: 128 of them in front leave the names after them shaping the object, as V8 does.
    const indexed = (prefix: string) => `[{${prefix.repeat(128)}"a":0,"b":0},{"b":0,"a":0}]`;
    for (const prefix of ['"0":0,', '"\\u0030":0,', '"4294967294":0,']) {
      expect(scan(indexed(prefix), only({ shapes: 3, bytesPerShape: 1e9 }))?.problem).toBe('objects of more than 3 different shapes, far more for its size than any plan holds');
    }
    // No index: too large, a leading zero, a sign. These do count as fields.
    // The first object has 130 fields, so it makes no shapes; the second makes two.
    for (const prefix of ['"4294967295":0,', '"01":0,', '"-1":0,']) expect(scan(indexed(prefix), only({ shapes: 2, bytesPerShape: 1e9 }))).toBeNull();
  });

  it('finds a name among many it has seen at one shape, whichever came first', () => {
    // More names than it remembers at one shape, then the first of them again.
    const text = `[${Array.from({ length: 20 }, (_, i) => `{"n${i}":0}`).join(',')},{"n0":0}]`;
    expect(scan(text, only({ shapes: 20, bytesPerShape: 1e9 }))).toBeNull();
    expect(scan(text, only({ shapes: 19, bytesPerShape: 1e9 }))?.offset).toBe(text.indexOf('"n19"'));
  });

  it('agrees with a count over the parsed value for any JSON', () => {
    fc.assert(
      fc.property(fc.json({ depthSize: 'large' }), fc.nat(12), fc.nat(40), fc.nat(80), fc.nat(40), (text, depth, containers, items, fields) => {
        const s = shape(JSON.parse(text));
        const over = s.depth > depth || s.containers > containers || s.items > items || s.fields > fields;
        const found = scan(text, only({ depth, containers, items, fields }));
        expect(found === null).toBe(!over);
        if (found) expect([0x5b, 0x7b, 0x2c]).toContain(Buffer.from(text)[found.offset]);
      }),
      { numRuns: 1_000 },
    );
  });

  it('agrees with a count of interned texts and shapes over the parsed value for any JSON', () => {
    fc.assert(
      fc.property(fc.json({ depthSize: 'large' }), fc.nat(30), fc.nat(30), (text, texts, shapes) => {
        const s = textsAndShapes(JSON.parse(text));
        const found = scan(text, only({ texts, shapes }));
        expect(found === null).toBe(s.texts <= texts && s.shapes <= shapes);
        if (found) expect(Buffer.from(text)[found.offset]).toBe(0x22);
      }),
      { numRuns: 1_000 },
    );
  });

  it('passes every plan tenantctl wrote in the test suite, with room to spare', () => {
    const plans = ['test/render/__snapshots__/mixed.json', 'test/render/__snapshots__/create-only.json'];
    for (const file of plans) {
      const text = renderJson(JSON.parse(fs.readFileSync(file, 'utf8')) as PlanDocument);
      const s = shape(JSON.parse(text));
      expect(scan(text)).toBeNull();
      // The bounds without their allowance for small files: each plan is far inside them.
      expect(s.depth).toBeLessThanOrEqual(8);
      expect(text.length / s.containers).toBeGreaterThan(PLAN_BOUNDS.bytesPerContainer);
      expect(text.length / s.items).toBeGreaterThan(PLAN_BOUNDS.bytesPerItem * 2);
      expect(text.length / s.fields).toBeGreaterThan(PLAN_BOUNDS.bytesPerField * 1.5);
      const { texts, shapes } = textsAndShapes(JSON.parse(text));
      expect(texts).toBeLessThan(PLAN_BOUNDS.texts / 100);
      expect(shapes).toBeLessThan(PLAN_BOUNDS.shapes / 10);
    }
  });
});
