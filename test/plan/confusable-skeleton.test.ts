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
  ])('%s looks like %s', (text, other) => {
    expect(confusableSkeleton(text)).toBe(confusableSkeleton(other));
  });

  it.each([
    ['megan.bowen', 'meghan.bowen'],
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
  });
});

describe('skeletonKey', () => {
  // Names are skipped by their key before their skeleton is made: two names a
  // reader cannot tell apart must never have different keys. Few characters,
  // most of them ones the skeleton changes, so that many strings share one.
  const tricky = fc.constantFrom(...'aAeEiIlL|10oOrRnNmMvVwWcCdDsS.-Ѕѕ͏Һһ𝐌Ｍ'.match(/./gsu)!);
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
});
