import { codePointName } from '../diagnostics/code-point.js';
import { confusableSkeleton } from '../plan/confusable-skeleton.js';

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
const ASCII_LETTER = /[A-Za-z]/;
/** Letters of a language's own alphabet, not a disguise: the Turkish dotless and dotted i. */
const OWN_LETTERS = new Set(['\u0131', '\u0130']);
/** Controls: drawn as nothing by an address book (the skeleton drops them), but escaped where tenantctl prints a name, so seen. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * ` (written with U+0430)` when `name` holds characters that pass for ASCII
 * ones (a Cyrillic а drawn as a) or are drawn as nothing: an actor or host is
 * the applier's own word, and `аlice` passes for alice in the audit trail.
 * Look-alikes count where the name mixes them with ASCII letters: a name
 * wholly in another script (ΚΑΤΕΡΙΝΑ, Ивана, even one whose letters all look
 * Latin) or with letters no ASCII letter stands for (Jürgen, Yıldız) is shown
 * as it is.
 */
export function passesForAscii(name: string): string {
  if (PRINTABLE_ASCII.test(name)) return '';
  const chars = [...new Set(name)].filter((c) => !PRINTABLE_ASCII.test(c) && !OWN_LETTERS.has(c) && !CONTROL.test(c));
  const mixed = ASCII_LETTER.test(name);
  const disguised = chars.filter((c) => {
    const skeleton = confusableSkeleton(`x${c}x`).slice(1, -1);
    // Drawn as nothing, or (in a name that reads as ASCII) as an ASCII letter or digit.
    return skeleton === '' || (mixed && /^[a-z0-9]+$/.test(skeleton) && skeleton !== c);
  });
  return disguised.length > 0 ? ` (written with ${disguised.slice(0, 5).map(codePointName).join(', ')}${disguised.length > 5 ? ', …' : ''})` : '';
}
