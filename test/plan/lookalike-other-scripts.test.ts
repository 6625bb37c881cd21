// Letters of scripts beyond Cyrillic, Greek and Armenian that fonts draw as
// Latin ones: a display name written with them passed for an administrator's
// without a warning (the plan said only "1 to create").
import { describe, expect, it } from 'vitest';
import { confusableSkeleton } from '../../src/plan/confusable-skeleton.js';
import { declared } from '../render/scenarios.js';
import { lookalikeWarningsOf, meganDeclared } from './lookalike-scenario.js';

// Written with escapes, so that the test's own source shows what is there.
const DISGUISES: readonly (readonly [string, string])[] = [
  ['a Cherokee capital M (U+13B7)', '\u13b7egan Bowen'],
  ['a Cherokee small letter, drawn as a small capital M (U+AB87)', '\uab87egan Bowen'],
  ['a Lisu B (U+A4D0)', 'Megan \ua4d0owen'],
  ['a Latin small capital B (U+0299)', 'Megan \u0299owen'],
  ['Latin small capitals E and O (U+1D07, U+1D0F)', 'M\u1d07gan B\u1d0fwen'],
  ['a Latin small capital N (U+0274)', 'Mega\u0274 Bowen'],
  ['a Canadian syllabics B (U+15F7)', 'Megan \u15f7owen'],
  ['a Coptic small o (U+2C9F)', 'Megan B\u2c9fwen'],
  ['an Armenian small ra (U+057C)', 'Megan Bowe\u057c'],
];

describe('look-alikes written in other scripts', () => {
  it.each(DISGUISES)('%s reads as Megan Bowen', (_what, name) => {
    expect(confusableSkeleton(name)).toBe(confusableSkeleton('Megan Bowen'));
  });

  it.each(DISGUISES)('a created user named with %s is a LOOKALIKE_DISPLAY_NAME of the administrator', (_what, name) => {
    const warnings = lookalikeWarningsOf([meganDeclared(), declared('eve@contoso.com', { displayName: name })]);
    expect(warnings.map((w) => w.code)).toEqual(['LOOKALIKE_DISPLAY_NAME']);
    expect(warnings[0]?.message).toContain('of eve@contoso.com looks like "Megan Bowen" of megan.bowen@contoso.com');
  });

  it('keeps names in those scripts apart from unrelated Latin names', () => {
    expect(confusableSkeleton('\u13a0\u13aa\u13b7')).not.toBe(confusableSkeleton('Megan'));
    expect(confusableSkeleton('Megan \u0299owen')).not.toBe(confusableSkeleton('Megan Rowen'));
  });
});
