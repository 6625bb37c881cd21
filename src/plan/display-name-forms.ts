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
 * brackets left out, a filler read as a blank, an address as a UPN), so
 * that its own key does not say whether it may look like another.
 */
export const comparedInParts = (displayName: string): boolean => /[@([{]/.test(displayName) || BLANK_FILLER.test(displayName);
