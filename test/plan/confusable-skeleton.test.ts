import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { confusableSkeleton, skeletonKey, unlikeCharacters } from '../../src/plan/confusable-skeleton.js';

describe('confusableSkeleton', () => {
  it.each([
    ['rnegan.bowen', 'megan.bowen'],
    ['c0ntoso.com', 'contoso.com'],
    ['contoso.corn', 'contoso.com'],
    ['examp1e.org', 'example.org'],
    ['Iisa.devries', 'lisa.devries'],
    ['vvilma', 'wilma'],
    ['clirk', 'dirk'],
    ['Меgаn Bowen', 'Megan Bowen'], // Cyrillic capital em, small ie and a
    ['Іnge', 'Inge'], // Cyrillic capital byelorussian-ukrainian i
    ['ΑΒΕ', 'ABE'], // Greek capitals
    ['Ｍｅｇａｎ', 'Megan'], // fullwidth
    ['𝐌𝐞𝐠𝐚𝐧', 'Megan'], // mathematical bold
    ['Megan B\u0585wen', 'Megan Bowen'], // Armenian small oh
    ['\u054f\u0585phie Ho\u057dsto\u0578', 'Sophie Houston'], // Armenian capital tiwn, small oh, seh and vo
    ['\u0570ans', 'hans'], // Armenian small ho
    ['\u0251nna \u0475an \u037fansen', 'anna van Jansen'], // Latin alpha, Cyrillic izhitsa, Greek capital yot
  ])('%s looks like %s', (text, other) => {
    expect(confusableSkeleton(text)).toBe(confusableSkeleton(other));
  });

  // Written with escapes, so that the test's own source shows what is there.
  it.each([
    ['a zero-width space', 'Megan Bowen\u200b'],
    ['a soft hyphen', 'Megan Bo\u00adwen'],
    ['a variation selector', 'Megan\ufe0f Bowen'],
    ['a tag character', 'Megan Bowen\u{e0041}'],
    ['a zero-width joiner and non-joiner', 'Me\u200dgan Bo\u200cwen'],
    ['a right-to-left override and its pop', '\u202eMegan Bowen\u202c'],
    ['a right-to-left mark and an isolate', 'Megan\u200f \u2067Bowen\u2069'],
    ['a Hangul filler, also in its halfwidth form', 'Megan\u3164 Bowen\uffa0'],
    ['a combining grapheme joiner between a letter and its accent', 'Zoe\u034f\u0308', 'Zoë'],
    ['two spaces', 'Megan  Bowen'],
    ['a tab', 'Megan\tBowen'],
    ['a space at either end', ' Megan Bowen '],
    ['a no-break space', 'Megan\u00a0Bowen'],
    ['an em space and a thin space', 'Megan\u2003\u2009Bowen'],
    ['an ideographic space', 'Megan\u3000Bowen'],
    ['an ogham space mark', 'Megan\u1680Bowen'],
    ['a blank braille pattern for a space', 'Megan\u2800Bowen'],
    ['a blank braille pattern beside a space, and at the end', 'Megan\u2800 Bowen\u2800'],
    ['a zero-width space between two spaces', 'Megan \u200b Bowen'],
    ['a bell at the end', 'Megan Bowen\u0007'],
    ['an escape, a DEL and a unit separator', 'Me\u001bgan\u007f Bowen\u001f'],
    ['a C1 control, also beside a Cyrillic letter', 'M\u0435\u0090gan Bowen\u0085'],
  ])('a name with %s looks like the name without it', (_what, text, other = 'Megan Bowen') => {
    expect(confusableSkeleton(text)).toBe(confusableSkeleton(other));
    expect(skeletonKey(text)).toBe(skeletonKey(other));
  });

  it.each([
    ['megan.bowen', 'meghan.bowen'],
    ['Megan Bowen', 'MeganBowen'], // a space is seen, however wide
    ['Megan Bowen', 'Megan-Bowen'],
    ['megan.bowen', 'megan_bowen'],
    ['Zoë', 'Zoe'],
    ['Мария', 'Maria'], // Cyrillic written as Cyrillic: a different name, not a disguise
    ['山田太郎', '山田次郎'],
  ])('%s does not look like %s', (text, other) => {
    expect(confusableSkeleton(text)).not.toBe(confusableSkeleton(other));
  });

  it('takes a name of any length, as the database may hold one', () => {
    expect(confusableSkeleton('Rn'.repeat(100_000))).toBe('m'.repeat(100_000));
  });
});

describe('unlikeCharacters', () => {
  it('names the characters that are not ASCII and not in the other name', () => {
    expect(unlikeCharacters('Меgаn Bowen', 'Megan Bowen')).toEqual(['U+041C', 'U+0435', 'U+0430']);
    expect(unlikeCharacters('rnegan', 'megan')).toEqual([]);
    expect(unlikeCharacters('Megan Bowen\u0007', 'Megan Bowen')).toEqual(['U+0007']);
  });
});

describe('skeletonKey', () => {
  // Names are skipped by their key before their skeleton is made: two names a
  // reader cannot tell apart must never have different keys. Few characters,
  // most of them ones the skeleton changes, so that many strings share one.
  const tricky = fc.constantFrom(...'aAeEiIlL|10oOrRnNmMvVwWcCdDsS.-Ѕѕ͏Һһ𝐌Ｍ \t\u00a0\u3000\u200b\u00ad\u{e0041}\u0007\u007f\u0085'.match(/./gsu)!);
  it('is the same for names with the same skeleton', () => {
    const byKey = new Map<string, number>();
    fc.assert(
      fc.property(fc.array(tricky, { maxLength: 6 }), (chars) => {
        const name = chars.join('');
        const skeleton = confusableSkeleton(name);
        const key = skeletonKey(name);
        if (!byKey.has(skeleton)) byKey.set(skeleton, key);
        expect(key, `${JSON.stringify(name)} (skeleton ${JSON.stringify(skeleton)})`).toBe(byKey.get(skeleton));
      }),
      { numRuns: 20_000 },
    );
  });

  it('tells most different names apart', () => {
    expect(skeletonKey('megan.bowen')).toBe(skeletonKey('rnegan.bowen'));
    expect(skeletonKey('megan.bowen')).not.toBe(skeletonKey('megan.bowes'));
    expect(skeletonKey('Aiko Smith')).not.toBe(skeletonKey('Aiko Smyth'));
  });

  it('is shared by names that differ only in dots, hyphens and underscores, which drift compares UPNs without', () => {
    expect(skeletonKey('megan.bowen')).toBe(skeletonKey('meganbowen'));
    expect(skeletonKey('megan-bowen_x')).toBe(skeletonKey('megan.bowen.x'));
    expect(skeletonKey('megаn.bowen')).toBe(skeletonKey('meganbowen'));
  });
});
