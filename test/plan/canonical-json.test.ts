// canonicalJson is written out for speed; it must give exactly the text of the
// definition it replaced: JSON.stringify with a replacer that sorts keys.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/plan/canonical-json.js';

function reference(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(v).sort()) sorted[key] = (v as Record<string, unknown>)[key];
    return sorted;
  });
}

describe('canonicalJson', () => {
  it('writes what JSON.stringify with a key-sorting replacer writes, for any value', () => {
    const value = fc.anything({
      // Not "__proto__": the old definition dropped such a key (its copy set the
      // prototype instead); the new one writes it. Plans never hold one.
      key: fc.oneof(fc.string().filter((k) => k !== '__proto__'), fc.constantFrom('0', '1', '10', '2', '01', '-1', '4294967295', '4294967294', 'a', 'toJSON')),
      withDate: true,
      withNullPrototype: true,
      withSparseArray: true,
      withBoxedValues: false,
      withBigInt: false,
    });
    fc.assert(
      fc.property(value, (v) => {
        expect(canonicalJson(v)).toBe(reference(v));
      }),
      { numRuns: 2_000 },
    );
  });

  it('sorts keys at every level, index keys first in numeric order, and leaves out undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [undefined, () => 1], c: undefined }, 10: 'x', 9: 'y' })).toBe('{"9":"y","10":"x","a":{"d":[null,null]},"b":1}');
    expect(canonicalJson(new Date(0))).toBe('"1970-01-01T00:00:00.000Z"');
  });
});
