/**
 * The forms a display name is compared in beyond its skeleton, alike in
 * the plan's LOOKALIKE_* warnings and in drift's (and export's) look-alikes,
 * so that a disguise one of them sees the other sees too.
 */

/**
 * The Hangul filler and its halfwidth form: the skeleton reads them as
 * nothing (`Bo\u3164wen` is Bowen), yet many fonts draw them as a blank, so
 * `Megan\u3164Bowen` reads as Megan Bowen. A display name with one is
 * compared both ways.
 */
export const BLANK_FILLER = /[\u3164\uffa0]/;
const BLANK_FILLERS = new RegExp(BLANK_FILLER.source, 'g');
/**
 * A qualifier in brackets that ends a display name: `Megan Bowen (IT)`. No
 * white space matched before it (trimmed after), so that a long run of it
 * cannot make the match quadratic.
 */
const QUALIFIER = /[([{][^()[\]{}]*[)\]}]\s*$/;

/** One form of a display name: `compared` (the name, or its part before a qualifier in brackets), as written and with fillers read as blanks. */
export interface DisplayNameForm {
  readonly compared: string;
  readonly qualified: boolean;
  readonly variants: readonly string[];
}

/** The name as it is, then (when it ends in one) without a qualifier in brackets. */
export function displayNameForms(name: string): DisplayNameForm[] {
  const qualifier = QUALIFIER.exec(name);
  const base = qualifier ? name.slice(0, qualifier.index).trimEnd() : '';
  const forms = [{ compared: name, qualified: false }, ...(base !== '' ? [{ compared: base, qualified: true }] : [])];
  return forms.map((form) => ({ ...form, variants: BLANK_FILLER.test(form.compared) ? [form.compared, form.compared.replace(BLANK_FILLERS, ' ')] : [form.compared] }));
}

/**
 * Whether a display name is compared otherwise than whole (a qualifier in
 * brackets left out, a filler read as a blank, an address or a bare local
 * part as a UPN), so
 * that its own key does not say whether it may look like another.
 */
export const comparedInParts = (displayName: string): boolean => /[@([{]/.test(displayName) || BLANK_FILLER.test(displayName) || shownAsAddress(displayName) !== null;

/** What a UPN's local part may hold (DOMAIN.md), and the separators that names of people rarely do (`Anne-Marie` and `O'Brien` are names). */
const LOCAL_PART_SHAPED = /^[A-Za-z0-9'._!#^~-]+$/;
const RARE_IN_NAMES = /[._~]/;

/**
 * The display name as the address it is written as, trimmed: one with an
 * `@` (`megan.bowen@contoso.com`), or a bare local part (`megan.bowen`),
 * which the address book shows as that user's sign-in name all the same;
 * else null. Compared with the users' UPNs as a UPN is.
 */
export function shownAsAddress(displayName: string): string | null {
  const address = displayName.trim();
  if (address.includes('@')) return address;
  return LOCAL_PART_SHAPED.test(address) && RARE_IN_NAMES.test(address) ? address : null;
}
