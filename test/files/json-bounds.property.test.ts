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
  names: Infinity,
  bytesPerName: Infinity,
  shapes: Infinity,
  bytesPerShape: Infinity,
  ...bounds,
});

/**
 * The different field names of a parsed value, and its shapes: the lists of
 * an object's first 128 names that start no other, counted once each, as V8
 * makes a hidden class for each.
 */
function namesAndShapes(value: unknown): { names: number; shapes: number } {
  const names = new Set<string>();
  const shapes = new Set<string>();
  const visit = (v: unknown): void => {
    if (v === null || typeof v !== 'object') return;
    if (!Array.isArray(v)) {
      const keys = Object.keys(v);
      for (const key of keys) names.add(key);
      for (let n = 1; n <= Math.min(keys.length, 128); n++) shapes.add(JSON.stringify(keys.slice(0, n)));
    }
    Object.values(v).forEach(visit);
  };
  visit(value);
  return { names: names.size, shapes: shapes.size };
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

  it('counts the different field names, however often each is used', () => {
    const bounds = only({ names: 3, bytesPerName: 1_000 });
    expect(scan('[{"a":1,"b":2,"c":3},{"c":1,"a":{"b":2}},{"a":"d"}]', bounds)).toBeNull();
    expect(scan('[{"a":1,"b":2},{"c":{"d":1}}]', bounds)).toEqual({ offset: 21, problem: 'more than 3 different field names, far more for its size than any plan holds' });
    expect(scan('{"a":"x","b":"y","c":["d","e"]}', bounds)).toBeNull();
    // Beyond its 128th field an object makes no shape, but its names still count.
    const wide = `{${Array.from({ length: 200 }, (_, i) => `"k${i}":0`).join(',')}}`;
    expect(scan(wide, only({ names: 199, bytesPerName: 1e9 }))?.problem).toBe('more than 199 different field names, far more for its size than any plan holds');
    expect(scan(wide, only({ names: 200, bytesPerName: 1e9 }))).toBeNull();
  });

  it('counts the shapes of objects: each list of first names not seen before', () => {
    const bounds = only({ shapes: 3, bytesPerShape: 1_000 });
    // {a,b} and {a,b,c} share a and a,b: three shapes in all, however many objects.
    expect(scan('[{"a":1,"b":2},{"a":3,"b":4,"c":5},{"a":{"a":{"a":1}}}]', bounds)).toBeNull();
    // {b,a} is not {a,b}: the same names in another order are two more.
    expect(scan('[{"a":1,"b":2},{"b":1,"a":2}]', bounds)).toEqual({ offset: 22, problem: 'objects of more than 3 different shapes, far more for its size than any plan holds' });
    // Names past the 128th make none: one object of 200 fields is 128 shapes.
    const wide = `{${Array.from({ length: 200 }, (_, i) => `"k${i}":0`).join(',')}}`;
    expect(scan(wide, only({ shapes: 128, bytesPerShape: 1e9 }))).toBeNull();
    expect(scan(`[${wide},{"k0":0,"x":0}]`, only({ shapes: 128, bytesPerShape: 1e9 }))?.problem).toBe('objects of more than 128 different shapes, far more for its size than any plan holds');
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

  it('agrees with a count of names and shapes over the parsed value for any JSON', () => {
    fc.assert(
      fc.property(fc.json({ depthSize: 'large' }), fc.nat(30), fc.nat(30), (text, names, shapes) => {
        const s = namesAndShapes(JSON.parse(text));
        const found = scan(text, only({ names, shapes }));
        expect(found === null).toBe(s.names <= names && s.shapes <= shapes);
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
      const { names, shapes } = namesAndShapes(JSON.parse(text));
      expect(names).toBeLessThan(PLAN_BOUNDS.names / 100);
      expect(shapes).toBeLessThan(PLAN_BOUNDS.shapes / 10);
    }
  });
});
