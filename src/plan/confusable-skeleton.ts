import { codePointName } from '../diagnostics/code-point.js';

/**
 * What a name looks like, so that two names a reader cannot tell apart
 * compare equal: `rnegan.bowen` and `megan.bowen`, `c0ntoso.com` and
 * `contoso.com`, a display name written with Cyrillic `М`, `е`, `а` and the
 * same name in Latin letters, `Megan Bowen` with a zero-width space, a soft
 * hyphen or a second space in it. After the skeletons of Unicode's confusable
 * detection (UTS #39), cut down to the letters that pass for Latin ones
 * (Cherokee and Lisu capitals and Latin small capitals included: fonts draw
 * them as Latin letters, and no real name mixes them with Latin ones):
 * names in this directory are read as Latin text, and UPNs and email
 * addresses are ASCII already (validation refuses anything else).
 */

/** Letters of other scripts drawn like a Latin letter, by case: the capital of one may pass where its small letter does not. */
const LIKE_LATIN: Readonly<Record<string, string>> = {
  // Cyrillic capitals and small letters
  А: 'A', В: 'B', Е: 'E', Ѕ: 'S', І: 'I', Ј: 'J', К: 'K', М: 'M', Н: 'H', О: 'O', Р: 'P', С: 'C', Т: 'T', Х: 'X', У: 'Y', Ү: 'Y', Ԛ: 'Q', Ԝ: 'W', Ӏ: 'l',
  а: 'a', е: 'e', ѕ: 's', і: 'i', ј: 'j', о: 'o', р: 'p', с: 'c', у: 'y', х: 'x', һ: 'h', ԁ: 'd', ԛ: 'q', ԝ: 'w', ӏ: 'l', ү: 'y',
  // Greek
  Α: 'A', Β: 'B', Ε: 'E', Ζ: 'Z', Η: 'H', Ι: 'I', Κ: 'K', Μ: 'M', Ν: 'N', Ο: 'O', Ρ: 'P', Τ: 'T', Υ: 'Y', Χ: 'X',
  α: 'a', ι: 'i', κ: 'k', ν: 'v', ο: 'o', ρ: 'p', υ: 'u',
  Ϳ: 'J', ϳ: 'j',
  // Armenian, and Cyrillic izhitsa
  Օ: 'O', Ս: 'U', Տ: 'S', օ: 'o', ս: 'u', հ: 'h', ո: 'n', Ѵ: 'V', ѵ: 'v',
  // Latin letters outside ASCII drawn like ASCII ones
  ı: 'i', ɩ: 'i', ℓ: 'l', ɡ: 'g', ꓲ: 'l', ɑ: 'a', ȷ: 'j', ǀ: 'l', Ɩ: 'l',
  // Latin small capitals: a capital drawn at the height of a small letter, read as that letter
  ᴀ: 'A', ʙ: 'B', ᴄ: 'C', ᴅ: 'D', ᴇ: 'E', ꜰ: 'F', ɢ: 'G', ʜ: 'H', ɪ: 'I', ᴊ: 'J', ᴋ: 'K', ʟ: 'L', ᴍ: 'M',
  ɴ: 'N', ᴏ: 'O', ᴘ: 'P', ʀ: 'R', ꜱ: 'S', ᴛ: 'T', ᴜ: 'U', ᴠ: 'V', ᴡ: 'W', ʏ: 'Y', ᴢ: 'Z',
  // More Cyrillic, Greek and Armenian letters
  Һ: 'H', ѡ: 'w', γ: 'y', Ϝ: 'F', Լ: 'L', ց: 'g', զ: 'q', ռ: 'n',
  // Lisu (the Fraser alphabet is drawn with Latin capitals)
  ꓮ: 'A', ꓐ: 'B', ꓚ: 'C', ꓓ: 'D', ꓰ: 'E', ꓝ: 'F', ꓖ: 'G', ꓧ: 'H', ꓙ: 'J', ꓗ: 'K', ꓡ: 'L', ꓟ: 'M', ꓠ: 'N',
  ꓳ: 'O', ꓑ: 'P', ꓣ: 'R', ꓢ: 'S', ꓔ: 'T', ꓴ: 'U', ꓦ: 'V', ꓪ: 'W', ꓫ: 'X', ꓬ: 'Y', ꓜ: 'Z',
  // Coptic
  Ⲟ: 'O', ⲟ: 'o', Ⲣ: 'P', ⲣ: 'p', Ⲥ: 'C', ⲥ: 'c', Ⲭ: 'X', Ⲃ: 'B', Ⲏ: 'H', Ⲓ: 'l', Ⲕ: 'K', Ⲙ: 'M', Ⲛ: 'N', Ⲧ: 'T', Ⲩ: 'Y',
  // Canadian syllabics
  ᗷ: 'B', ᑕ: 'C', ᗪ: 'D', ᕼ: 'H', ᒍ: 'J', ᒪ: 'L', ᑭ: 'P', ᔕ: 'S', ᐯ: 'V', ᗯ: 'W', ᑌ: 'U', '᙭': 'X',
  ...withSmallLetters({
    // Cherokee capitals, and below their small letters (U+AB70-U+ABBF), drawn as small capitals
    Ꭰ: 'D', Ꭱ: 'R', Ꭲ: 'T', Ꭵ: 'i', Ꭹ: 'Y', Ꭺ: 'A', Ꭻ: 'J', Ꭼ: 'E', Ꮃ: 'W', Ꮇ: 'M', Ꮋ: 'H', Ꮍ: 'Y', Ꮐ: 'G',
    Ꮒ: 'h', Ꮓ: 'Z', Ꮟ: 'b', Ꮢ: 'R', Ꮤ: 'W', Ꮥ: 'S', Ꮩ: 'V', Ꮪ: 'S', Ꮮ: 'L', Ꮯ: 'C', Ꮲ: 'P', Ꮶ: 'K', Ꮷ: 'd', Ᏼ: 'B',
  }),
};

/** `letters`, and the small letter of each capital in it with the same reading. */
function withSmallLetters(letters: Readonly<Record<string, string>>): Record<string, string> {
  const all: Record<string, string> = { ...letters };
  for (const [capital, latin] of Object.entries(letters)) all[capital.toLowerCase()] = latin;
  return all;
}

/**
 * Control characters but the white space folded below (U+0000-U+0008,
 * U+000E-U+001F, DEL and the C1 controls): no font draws them, and an
 * address book shows 'Megan Bowen\u0007' as Megan Bowen. UTS #39 leaves them
 * to its identifier profile, which refuses them; a display name written
 * outside tenantctl may hold them, and slipped past drift's look-alikes.
 */
const CONTROL = '\\u0000-\\u0008\\u000e-\\u001f\\u007f-\\u009f';
/** What the skeleton changes beyond ASCII letters: other characters, and the controls it removes. */
const NOT_PLAIN_ASCII = new RegExp(`[^\\u0000-\\u007f]|[${CONTROL}]`);
/**
 * Characters drawn as nothing (zero-width spaces and joiners, the soft
 * hyphen, variation selectors, tags, bidi controls, Hangul fillers, and the
 * controls above): UTS #39 removes them, since a name with one reads as the
 * name without it.
 */
const DRAWN_AS_NOTHING = new RegExp(`[\\p{Default_Ignorable_Code_Point}${CONTROL}]`, 'gu');
/**
 * White space a reader cannot count or tell apart (a run of spaces, a tab,
 * U+00A0, U+3000), and the blank braille pattern U+2800, drawn as a space
 * but no white space to the engine: read as one space, and none at the ends.
 */
const SPACE_TO_FOLD = /[\s\u2800]{2,}|[^\S ]|\u2800/g;
const LIKE_LATIN_CHARACTER = new RegExp(`[${Object.keys(LIKE_LATIN).join('')}]`, 'gu');

/** Two letters in a row drawn as one. */
const PAIRS: Readonly<Record<string, string>> = { rn: 'm', vv: 'w', cl: 'd' };

/**
 * The skeleton: characters drawn as nothing removed (before NFKC, so that
 * one between a letter and its accent does not keep them apart, and after,
 * since NFKC makes U+3164 of the halfwidth Hangul filler), compatibility
 * forms folded (fullwidth and mathematical letters, ligatures, the wide and
 * narrow spaces: NFKC), other scripts' look-alikes replaced by the Latin
 * letter, white space folded to single spaces and trimmed, then I, | and 1
 * as l and 0 as o, lower case, and the pairs drawn as one letter (rn, vv, cl)
 * as that letter, left to right. Called for every
 * user of a plan that brings in a name (200,000 names at 100,000 users), so
 * it is a few passes of the engine's own string functions, which return
 * their input untouched when there is nothing to replace.
 */
export function confusableSkeleton(text: string): string {
  // Other scripts' capitals become Latin ones first, so that a Cyrillic І is drawn as l too.
  const latin = NOT_PLAIN_ASCII.test(text) ? visibleLetters(text).replace(LIKE_LATIN_CHARACTER, (ch) => LIKE_LATIN[ch] ?? ch) : text;
  return latin
    .replace(SPACE_TO_FOLD, ' ')
    .trim()
    .replace(/[I|1]/g, 'l')
    .replace(/0/g, 'o')
    .toLowerCase()
    .replace(/rn|vv|cl/g, (pair) => PAIRS[pair]!);
}

/**
 * Letters drawn like a Latin one that NFKC would fold into a letter that is
 * not: the Greek lunate sigma ϲ and Ϲ are drawn as c and C, but NFKC makes
 * them ς and Σ. Read as Latin before it.
 */
const LIKE_LATIN_BEFORE_NFKC: Readonly<Record<string, string>> = { ϲ: 'c', Ϲ: 'C' };
const LIKE_LATIN_BEFORE_NFKC_CHARACTER = new RegExp(`[${Object.keys(LIKE_LATIN_BEFORE_NFKC).join('')}]`, 'gu');

/** `text` without the characters drawn as nothing, its compatibility forms folded. */
function visibleLetters(text: string): string {
  const visible = text.replace(DRAWN_AS_NOTHING, '').replace(LIKE_LATIN_BEFORE_NFKC_CHARACTER, (ch) => LIKE_LATIN_BEFORE_NFKC[ch] ?? ch);
  return visible.normalize('NFKC').replace(DRAWN_AS_NOTHING, '');
}

/**
 * Characters the skeleton turns into others or makes of others (and i, which
 * I folds to), and the white space it folds or trims; the rest it only
 * lower-cases. And the separators of a UPN's local part (`.`, `-`, `_`, `'`,
 * `~`), which UPNs are compared without (name-index.ts): left out of the
 * key, so names that differ only in them share it too.
 */
const UNSTABLE = new Uint8Array(128);
for (const ch of "il|10ornmvwcd \t\n\v\f\r._'~-") UNSTABLE[ch.charCodeAt(0)] = 1;
// The controls the skeleton removes (CONTROL): a name with one keys as the name without it.
for (let code = 0; code < 0x20; code++) UNSTABLE[code] = 1;
UNSTABLE[0x7f] = 1;

/**
 * A number two names with the same skeleton always share (of `text`, its
 * first `end` characters), also when the skeletons differ only in `.`, `-`
 * and `_`: a hash of the other characters the skeleton keeps as they are
 * (lower-cased), in their order.
 * For ASCII text it takes one pass of char codes and allocates nothing, so
 * a plan can skip the skeletons of the 200,000 names of a large directory
 * that cannot look like any name it brings in; other text goes through its
 * skeleton.
 */
export function skeletonKey(text: string, end = text.length): number {
  let ascii = true;
  for (let i = 0; i < end && ascii; i++) ascii = text.charCodeAt(i) < 128;
  if (!ascii) return keyOfSkeleton(confusableSkeleton(text.slice(0, end)));
  return keyOfSkeleton(text, end);
}

/** The key of the first `end` characters of a skeleton, or of ASCII text (whose skeleton keeps the same ones). */
function keyOfSkeleton(text: string, end = text.length): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < end; i++) {
    let code = text.charCodeAt(i);
    if (code >= 0x41 && code <= 0x5a) code += 0x20;
    if (code < 128 && UNSTABLE[code] === 1) continue;
    hash = Math.imul(hash ^ code, 0x01000193);
  }
  return hash >>> 0;
}

/** The characters of `text` that are not ASCII, or are controls, and do not occur in `other`, as `U+041C`: what tells two look-alikes apart. */
export function unlikeCharacters(text: string, other: string): string[] {
  const theirs = new Set(other);
  const codes = [...new Set(text)].filter((c) => NOT_PLAIN_ASCII.test(c) && !theirs.has(c));
  return codes.map(codePointName);
}
