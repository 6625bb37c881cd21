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
  ...bounds,
});

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
    }
  });
});
