/**
 * What a name looks like, so that two names a reader cannot tell apart
 * compare equal: `rnegan.bowen` and `megan.bowen`, `c0ntoso.com` and
 * `contoso.com`, a display name written with Cyrillic `М`, `е`, `а` and the
 * same name in Latin letters. After the skeletons of Unicode's confusable
 * detection (UTS #39), cut down to the letters that pass for Latin ones:
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
  // Latin letters outside ASCII drawn like ASCII ones
  ı: 'i', ɩ: 'i', ℓ: 'l', ɡ: 'g', ꓲ: 'l',
};

const NOT_ASCII = /[^\u0000-\u007f]/;
const LIKE_LATIN_CHARACTER = new RegExp(`[${Object.keys(LIKE_LATIN).join('')}]`, 'gu');

const [a, c, d, l, m, n, o, r, v, w] = [...'acdlmnorvw'].map((letter) => letter.charCodeAt(0)) as [number, number, number, number, number, number, number, number, number, number];

/** The small letter a character is drawn as: capitals lower-cased, and I, |, 1 as l, 0 as o. */
function drawnAs(code: number): number {
  if (code === 0x49 || code === 0x7c || code === 0x31) return l; // I | 1
  if (code === 0x30) return o; // 0
  return code >= 0x41 && code <= 0x5a ? code + (a - 0x41) : code;
}

/** The letter two letters in a row are drawn as (rn as m, vv as w, cl as d), or -1. */
function pairDrawnAs(first: number, second: number): number {
  if (first === r && second === n) return m;
  if (first === v && second === v) return w;
  if (first === c && second === l) return d;
  return -1;
}

/** A string of char codes; past what one call's arguments can hold (a display name written to the database by hand), piece by piece. */
function fromCodes(codes: readonly number[]): string {
  if (codes.length <= 4096) return String.fromCharCode(...codes);
  let text = '';
  for (let i = 0; i < codes.length; i += 4096) text += String.fromCharCode(...codes.slice(i, i + 4096));
  return text;
}

/**
 * The skeleton: compatibility forms folded (fullwidth and mathematical
 * letters, ligatures: NFKC), other scripts' look-alikes replaced by the Latin
 * letter, then lower case with the capital I (drawn as l in many fonts) and
 * the digits 0 and 1 as l and o, and the pairs drawn as one letter (rn, vv,
 * cl) as that letter. Called for every user of a plan that brings in a name,
 * so ASCII (every UPN, most display names) takes one pass of char codes.
 */
export function confusableSkeleton(text: string): string {
  // Other scripts' capitals become Latin ones first, so that a Cyrillic І is drawn as l too.
  const folded = NOT_ASCII.test(text)
    ? text.normalize('NFKC').replace(LIKE_LATIN_CHARACTER, (ch) => LIKE_LATIN[ch] ?? ch).replace(/[I|]/g, 'l').toLowerCase()
    : text;
  const codes: number[] = [];
  for (let i = 0; i < folded.length; i++) {
    const code = drawnAs(folded.charCodeAt(i));
    const pair = i + 1 < folded.length ? pairDrawnAs(code, drawnAs(folded.charCodeAt(i + 1))) : -1;
    codes.push(pair < 0 ? code : pair);
    if (pair >= 0) i++;
  }
  return fromCodes(codes);
}

/** The characters of `text` that are not ASCII and do not occur in `other`, as `U+041C`: what tells two look-alikes apart. */
export function unlikeCharacters(text: string, other: string): string[] {
  const theirs = new Set(other);
  const codes = [...new Set(text)].filter((c) => NOT_ASCII.test(c) && !theirs.has(c));
  return codes.map((c) => `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`);
}
