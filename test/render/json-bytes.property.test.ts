// The JSON plan written straight into bytes (json-bytes.ts, json-change.ts)
// must be, for every document, the UTF-8 of what JSON.stringify writes,
// escaped: checked against an independent oracle on generated documents with
// hostile strings, unusual shapes and values JSON.stringify treats specially,
// cut into chunks of every size.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PlanDocument } from '../../src/plan/plan-document.js';
import { escapeCode, INVISIBLE_BEYOND_C0, MARK_PILE, neutraliseHashCommands } from '../../src/render/escape-terminal.js';
import { ByteChunks, writeJsonValue } from '../../src/render/json-bytes.js';
import { sameJson } from '../../src/render/json-change.js';
import { planJsonChunks, planJsonPieces, renderJson } from '../../src/render/json.js';
import { hostileNames, mixed } from './scenarios.js';

/** What `plan --out` wrote before it had a writer of its own: JSON.stringify, escaped in two passes of its own. */
const UNSEEN = new RegExp(`${INVISIBLE_BEYOND_C0.source}|${MARK_PILE.source}`, 'gu');
const oracle = (value: unknown) => `${neutraliseHashCommands((JSON.stringify(value, null, 2) as string).replace(UNSEEN, escapeCode))}\n`;

/** The plan as planJsonChunks writes it, cut into chunks of `chunkBytes`. */
function written(plan: unknown, chunkBytes?: number): { readonly bytes: Buffer; readonly chunks: readonly Buffer[] } {
  const chunks = [...planJsonChunks(plan as PlanDocument, chunkBytes)];
  return { bytes: Buffer.concat(chunks), chunks };
}

/** Each chunk is whole characters: decoded alone, the chunks give the text. */
function expectSame(plan: unknown, chunkBytes?: number): void {
  if (JSON.stringify(plan) === undefined) {
    // Nothing to write (undefined, a function, a toJSON giving undefined): refused as before.
    expect(() => written(plan, chunkBytes)).toThrow(TypeError);
    return;
  }
  const expected = oracle(plan);
  const { bytes, chunks } = written(plan, chunkBytes);
  expect(bytes.toString('utf8')).toBe(expected);
  expect(bytes.equals(Buffer.from(expected, 'utf8'))).toBe(true);
  expect(chunks.map((chunk) => chunk.toString('utf8')).join('')).toBe(expected);
}

/** Characters the escaping must handle, and JSON syntax they could be confused with. */
const TRICKY = [
  '##[', '#', '##', '[', ']', '\u2028', '\u2029', '\u0085', '\u007f', '\u009f', '\u00ad', '\u061c', '\u180e', '\u200b', '\u200f', '\u202a', '\u202e',
  '\u2060', '\u2066', '\u206f', '\ufeff', '\ufff9', '\ufffb', '\ufffc', '\u0000', '\u001f', '\u0020', '\u007e', '\n', '\r', '\t', '"', '\\', '/', '{', '},',
  ',\n    ', '": ', 'é', 'ı', '🎉', '\ud800', '\udfff', '\ud83c', '\udf89', '\ud83c\udf89', 'a',
  // Drawn as nothing, two of them among the two-byte characters written without JSON.stringify.
  '\u034f', '\u0600', '\u06dd', '\u3164', '\ufe0f', '\u{e0061}', '\udb40',
  // Combining marks, one (written as is) or a pile (escaped).
  '\u0301', '\u0336\u0334\u0353\u0359\u035a',
];
/** Any UTF-16 code unit, lone surrogates included. */
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit));
const hostileText = fc
  .array(fc.oneof(fc.constantFrom(...TRICKY), fc.string({ unit: codeUnit, maxLength: 4 }), fc.string({ unit: 'binary', maxLength: 4 }), fc.string({ unit: 'grapheme-ascii', maxLength: 12 })), {
    maxLength: 5,
  })
  .map((parts) => parts.join(''));

class Instance {
  constructor(readonly name: string) {}
}
/** Values JSON.stringify treats specially (toJSON with its key, boxed primitives, omitted ones) or that this writer leaves to it. */
const special = fc.oneof(
  fc.constantFrom(undefined, null, () => 1, Symbol('s'), Number.NaN, Number.POSITIVE_INFINITY, -0, 1e21, 1e-7, -1.5e300, 0.1, Number.MAX_SAFE_INTEGER),
  fc.double(),
  fc.integer(),
  hostileText.map((text) => ({ toJSON: (key: string) => `${key}:${text}` })),
  fc.constant({ toJSON: () => undefined }),
  fc.constant({ toJSON: (key: string) => ({ key, nested: [key, { deeper: key }] }) }),
  fc.date({ noInvalidDate: true }),
  hostileText.map((text) => new String(text)),
  fc.double().map((n) => new Number(n)),
  fc.boolean().map((b) => new Boolean(b)),
  hostileText.map((text) => new Instance(text)),
  hostileText.map((text) => Object.assign(Object.create(null) as object, { text })),
  fc.constant(new Map([['a', 1]])),
);
const key = fc.oneof(fc.constantFrom('before', 'after', 'kind', '__proto__', '0', '10', '2', 'toJSON', 'constructor', 'a'), hostileText);

const { value: jsonish } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileText,
    special,
    fc.boolean(),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(key, tie('value'), { maxKeys: 5 }),
    // An array with holes.
    fc.array(tie('value'), { maxLength: 3 }).map((items) => {
      const holey: unknown[] = [...items];
      holey.length += 2;
      return holey;
    }),
  ),
}));

/** A user snapshot; `after` the same data, or almost (a value, a key order, an extra key). */
const snapshot = fc.record({
  userPrincipalName: hostileText,
  accountEnabled: fc.boolean(),
  deletedAt: fc.option(hostileText),
  attributes: fc.record({ displayName: hostileText, city: fc.option(hostileText), businessPhones: fc.array(hostileText, { maxLength: 2 }), extra: jsonish }),
  roles: fc.array(hostileText, { maxLength: 2 }),
  licenses: fc.array(fc.record({ sku: hostileText, disabledPlans: fc.array(hostileText, { maxLength: 2 }) }), { maxLength: 2 }),
});
/** A copy of the plain arrays and objects in `value`; anything else (toJSON, boxed, instances) shared. */
function copy(value: unknown): unknown {
  if (Array.isArray(value)) return Array.from(value, copy);
  if (typeof value !== 'object' || value === null || Object.getPrototypeOf(value) !== Object.prototype) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, copy(v)]));
}
const reorder = (value: Record<string, unknown>) => Object.fromEntries(Object.entries(value).reverse());
const afterOf = (before: Record<string, unknown>) =>
  fc.oneof(
    fc.constant(copy(before)),
    fc.constant(before),
    fc.constant({ ...before, attributes: reorder(before.attributes as Record<string, unknown>) }),
    fc.constant({ ...before, licenses: [...(before.licenses as unknown[]), undefined] }),
    jsonish.map((extra) => ({ ...before, attributes: { ...(before.attributes as object), extra } })),
    jsonish.map((extra) => ({ ...before, more: extra })),
    fc.constant({ ...before, accountEnabled: !before.accountEnabled }),
    fc.constant(null),
    fc.constant(undefined),
  );
const userChange = snapshot.chain((before) =>
  fc.record({
    kind: fc.constantFrom('user.adopt', 'user.update'),
    userPrincipalName: hostileText,
    address: hostileText,
    risks: fc.array(hostileText, { maxLength: 2 }),
    before: fc.oneof(fc.constant(before), fc.constant(null), jsonish),
    after: afterOf(before),
  }),
);
const change = fc.oneof({ weight: 4, arbitrary: userChange }, { weight: 1, arbitrary: jsonish });

const base = mixed();
const plan = fc
  .record({ changes: fc.array(change, { maxLength: 6 }), warning: hostileText, extra: jsonish, chunkBytes: fc.integer({ min: 1, max: 300 }) })
  .map(({ changes, warning, extra, chunkBytes }) => ({
    plan: { ...base, warnings: [{ code: 'W', message: warning }], changes, unmanagedUsers: [extra] } as unknown as PlanDocument,
    chunkBytes,
  }));

describe('planJsonChunks: the bytes of JSON.stringify, escaped', () => {
  it('on the renderer scenarios, in chunks of any size', () => {
    for (const scenario of [mixed(), hostileNames()]) {
      for (const chunkBytes of [undefined, 1, 2, 7, 64, 1000]) expectSame(scenario, chunkBytes);
      expect(renderJson(scenario)).toBe(oracle(scenario));
    }
  });

  it('escapes characters drawn as nothing, and piles of marks, also between letters it writes itself', () => {
    const value = { displayName: 'Меgаn\u034fBowen\u0600', jobTitle: 'ok\u{e0061}', city: `Zoe\u0308 e${'\u0301'.repeat(5)}` };
    const text = Buffer.concat(written(value).chunks).toString('utf8');
    expect(text).toContain('"Меgаn\\u034fBowen\\u0600"');
    expect(text).toContain('"ok\\udb40\\udc61"');
    expect(text).toContain(`"Zoe\u0308 e${'\\u0301'.repeat(5)}"`);
    expect(JSON.parse(text)).toEqual(value);
  });

  it('on generated plans: hostile strings, unusual shapes, before and after alike or almost alike', () => {
    fc.assert(
      fc.property(plan, ({ plan, chunkBytes }) => {
        expectSame(plan, chunkBytes);
        expect([...planJsonPieces(plan)].join('')).toBe(oracle(plan));
      }),
      { numRuns: 300 },
    );
  });

  it('on any value at any depth, the document itself included', () => {
    fc.assert(
      fc.property(jsonish, fc.integer({ min: 1, max: 40 }), (value, chunkBytes) => {
        expectSame(value, chunkBytes);
        expectSame({ formatVersion: '2.0', changes: [value, value] }, chunkBytes);
        expectSame({ changes: value }, chunkBytes);
      }),
      { numRuns: 300 },
    );
  });

  it('writes one value as JSON.stringify writes it at that depth, or nothing where it is left out', () => {
    fc.assert(
      fc.property(key, jsonish, fc.integer({ min: 1, max: 6 }), (name, value, depth) => {
        // The value held under `name`, nested at `depth` (objects of one key around it).
        let document: unknown = { [name]: value };
        for (let d = 1; d < depth; d++) document = { x: document };
        const expected = oracle(document);
        const out = new ByteChunks(16);
        const wrote = writeJsonValue(out, name, value, depth);
        const text = Buffer.concat(out.finish()).toString('utf8');
        const prefix = `${'{\n'}${Array.from({ length: depth - 1 }, (_, d) => `${'  '.repeat(d + 1)}"x": {\n`).join('')}${'  '.repeat(depth)}${oracle(name).slice(0, -1)}: `;
        if (wrote) expect(expected.startsWith(prefix + text)).toBe(true);
        else expect(expected).not.toContain(oracle(name).slice(0, -1));
      }),
      { numRuns: 300 },
    );
  });

  it('throws where JSON.stringify throws: BigInt, a cycle', () => {
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = { again: cyclic };
    for (const value of [{ ...base, changes: [{ kind: 'user.adopt', count: 1n }] }, { ...base, changes: [cyclic] }, 1n]) {
      expect(() => JSON.stringify(value, null, 2)).toThrow(TypeError);
      expect(() => [...planJsonChunks(value as unknown as PlanDocument)]).toThrow(TypeError);
    }
  });
});

describe('planJsonChunks under a toJSON defined on a prototype', () => {
  const define = (prototype: object, toJSON: (this: unknown, key: string) => unknown) =>
    Object.defineProperty(prototype, 'toJSON', { value: toJSON, configurable: true, writable: true });

  it('BigInt.prototype.toJSON: the same bytes, `after` alike or not', () => {
    define(BigInt.prototype, function (this: unknown, key: string) {
      return `${key}=${String(this)}`;
    });
    try {
      const snapshot = () => ({ userPrincipalName: 'a@b', seats: 3n, nested: { n: [1n, 2n] } });
      expectSame({ ...base, changes: [{ kind: 'user.adopt', before: snapshot(), after: snapshot() }] });
      expectSame({ ...base, changes: [{ kind: 'user.adopt', before: snapshot(), after: { ...snapshot(), seats: 4n } }] }, 5);
    } finally {
      delete (BigInt.prototype as { toJSON?: unknown }).toJSON;
    }
  });

  it('Object.prototype.toJSON: every object is what its toJSON returns', () => {
    define(Object.prototype, function (this: unknown, key: string) {
      return Array.isArray(this) ? this : { key, kind: typeof this };
    });
    try {
      expectSame(mixed());
      expectSame({ changes: [{ before: { a: 1 }, after: { a: 1 } }] }, 3);
    } finally {
      delete (Object.prototype as { toJSON?: unknown }).toJSON;
    }
  });
});

describe('sameJson (when `after` may be copied from `before`)', () => {
  it('holds only where JSON.stringify writes the same text', () => {
    fc.assert(
      fc.property(jsonish, jsonish, (a, b) => {
        if (sameJson(a, b)) expect(JSON.stringify({ v: a }, null, 2)).toBe(JSON.stringify({ v: b }, null, 2));
        const clone = (() => {
          try {
            return structuredClone(a);
          } catch {
            return undefined;
          }
        })();
        if (clone !== undefined && sameJson(a, clone)) expect(JSON.stringify({ v: clone }, null, 2)).toBe(JSON.stringify({ v: a }, null, 2));
      }),
      { numRuns: 300 },
    );
  });

  it('tells apart what differs only in key order, an extra key, or a toJSON', () => {
    expect(sameJson({ a: 1, b: 2 }, { a: 1, b: 2 })).toBe(true);
    expect(sameJson({ a: 1, b: 2 }, { b: 2, a: 1 })).toBe(false);
    expect(sameJson({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    const toJson = { toJSON: (key: string) => key };
    expect(sameJson(toJson, toJson)).toBe(false);
    expect(sameJson([1, [2, '#']], [1, [2, '#']])).toBe(true);
    expect(sameJson([1], { 0: 1 })).toBe(false);
  });
});
