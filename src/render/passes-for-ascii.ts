import { confusableSkeleton, unlikeCharacters } from '../plan/confusable-skeleton.js';

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/**
 * ` (written with U+0430)` when `name` reads as an ASCII name it is not: an
 * actor or host is the applier's own word, and `аlice` with a Cyrillic а
 * passes for alice in the audit trail. A name in another script, or with
 * letters no ASCII letter stands for (Jürgen), is shown as it is.
 */
export function passesForAscii(name: string): string {
  if (PRINTABLE_ASCII.test(name) || !PRINTABLE_ASCII.test(confusableSkeleton(name))) return '';
  const codes = unlikeCharacters(name, '');
  return codes.length > 0 ? ` (written with ${codes.slice(0, 5).join(', ')}${codes.length > 5 ? ', …' : ''})` : '';
}
