import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PlanDocument } from '../../src/plan/plan-document.js';
import { escapeCode, INVISIBLE_BEYOND_C0, neutraliseHashCommands } from '../../src/render/escape-terminal.js';
import { planJsonPieces, renderJson } from '../../src/render/json.js';
import { createOnly, hostileNames, large, mixed, noChanges } from './scenarios.js';

/** What `plan --out` wrote before the plan was written in pieces: one string, escaped in two passes. */
const wholeText = (plan: PlanDocument) => `${neutraliseHashCommands(JSON.stringify(plan, null, 2).replace(INVISIBLE_BEYOND_C0, escapeCode))}\n`;

/** Characters the escaping must handle, and the JSON syntax they could be confused with. */
const TRICKY = ['##[', '#', '[', ']', '\u2028', '\u2029', '\u0085', '\u007f', '\u202e', '\ufeff', '\u200b', '\n', '"', '\\', '{', '},', ',\n    ', 'é', '🎉', '\ud800'];

describe('planJsonPieces (plan --out)', () => {
  it.each([
    ['create-only', createOnly],
    ['mixed', mixed],
    ['no-changes', noChanges],
    ['hostile-names', hostileNames],
    ['large (several batches)', () => large(700)],
  ] as const)('joined, is byte for byte the document as one JSON text (%s)', (_name, scenario) => {
    const plan = scenario();
    const pieces = [...planJsonPieces(plan)];
    expect(pieces.join('')).toBe(wholeText(plan));
    expect(renderJson(plan)).toBe(wholeText(plan));
  });

  it('splits a large plan into many pieces, none holding the whole document', () => {
    const plan = large(700);
    const whole = wholeText(plan);
    // Chunks of a megabyte: a 700-change plan is about 1.3 MB.
    const pieces = [...planJsonPieces(plan)];
    expect(pieces.length).toBeGreaterThan(1);
    expect(Math.max(...pieces.map((p) => Buffer.byteLength(p)))).toBeLessThanOrEqual(1 << 20);
    const small = [...planJsonPieces(plan, 64 * 1024)];
    expect(small.length).toBeGreaterThan(3);
    expect(Math.max(...small.map((p) => p.length))).toBeLessThan(whole.length / 2);
    expect(small.join('')).toBe(whole);
  });

  it('gives the same bytes whatever text the changes hold, at any count', () => {
    const text = fc.array(fc.oneof(fc.constantFrom(...TRICKY), fc.string({ unit: 'binary', maxLength: 6 })), { maxLength: 6 }).map((parts) => parts.join(''));
    const base = mixed();
    fc.assert(
      // Up to 800 changes: none, part of one batch, or several batches and a partial one.
      fc.property(fc.array(text, { minLength: 1, maxLength: 20 }), fc.integer({ min: 0, max: 800 }), text, (names, count, warning) => {
        const template = base.changes[0];
        if (!template) throw new Error('the mixed scenario has changes');
        const plan: PlanDocument = {
          ...base,
          warnings: [{ ...(base.warnings[0] ?? { code: 'W', message: '' }), message: warning } as PlanDocument['warnings'][number]],
          changes: Array.from({ length: count }, (_, index) => {
            const name = names[index % names.length] ?? '';
            return { ...template, userPrincipalName: `${name}${index}`, displayName: name } as PlanDocument['changes'][number];
          }),
        };
        expect([...planJsonPieces(plan)].join('')).toBe(wholeText(plan));
      }),
      { numRuns: 60 },
    );
  });
});
