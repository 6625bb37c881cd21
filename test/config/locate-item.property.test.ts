import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findPosition, locate } from '../../src/config/locate.js';
import { buildPositionIndex } from '../../src/config/position-index.js';
import { parseYamlSource } from '../../src/config/yaml-source.js';

/*
 * A diagnostic about a whole list item (`users[i]`) is located from the
 * item's own line when it reads `- word` (locate.ts, plainItemValue) and by
 * indexing the item otherwise: either way exactly where indexing the whole
 * file points.
 */
const key = fc.constantFrom('userPrincipalName', 'displayName', 'x', '_k', '9');
const value = fc.constantFrom('a@contoso.com', 'Zoë', '"quoted"', "'single'", '[a, b]', '{a: 1}', '1');
const item = fc.oneof(
  fc.tuple(fc.integer({ min: 1, max: 3 }), key, value).map(([spaces, k, v]) => `-${' '.repeat(spaces)}${k}: ${v}\n    other: 1`),
  fc.tuple(key, value).map(([k, v]) => `- # a comment\n    ${k}: ${v}`),
  fc.tuple(key, value).map(([k, v]) => `-\n    ${k}: ${v}`),
  fc.tuple(key, value).map(([k, v]) => `- &anchor${k.length} ${k}: ${v}`),
  fc.tuple(key, value).map(([k, v]) => `- "${k}": ${v}`),
  fc.tuple(key, value).map(([k, v]) => `- !!map\n    ${k}: ${v}`),
  fc.tuple(key, value).map(([k, v]) => `- {${k}: ${v}}`),
  key.map((k) => `- ${k}`),
  key.map((k) => `- - ${k}`),
);
const file = fc.tuple(fc.array(item, { minLength: 1, maxLength: 6 }), fc.boolean(), fc.constantFrom('', '  ')).map(([items, crlf, indent]) => {
  const text = `settings:\n  minGlobalAdmins: 1\nusers:\n${items.map((i) => indent + i.replaceAll('\n', `\n${indent}`)).join('\n')}\n`;
  return { text: crlf ? text.replaceAll('\n', '\r\n') : text, count: items.length };
});

describe('locating a whole list item', () => {
  it('points where indexing the whole file does', () => {
    fc.assert(
      fc.property(file, ({ text, count }) => {
        const { source, diagnostics } = parseYamlSource('tenant.yaml', Buffer.from(text));
        if (diagnostics.length > 0) return;
        const whole = buildPositionIndex(source.text);
        for (let i = 0; i < count; i++) expect(locate(source, ['users', i]), `users[${i}] in ${JSON.stringify(text)}`).toEqual(findPosition(whole, ['users', i]));
      }),
      { numRuns: 500 },
    );
  });
});
