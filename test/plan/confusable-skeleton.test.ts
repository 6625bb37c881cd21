import { describe, expect, it } from 'vitest';
import { confusableSkeleton, unlikeCharacters } from '../../src/plan/confusable-skeleton.js';

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
