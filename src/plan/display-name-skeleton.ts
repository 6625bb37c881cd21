import { confusableSkeleton, skeletonKey } from './confusable-skeleton.js';

/**
 * What a display name reads as in an address book, beyond the letters the
 * confusable skeleton compares: `Bowen, Megan` is Megan Bowen filed by her
 * surname, and `Megan Bowen.` is Megan Bowen with a dot a reader passes over.
 * Both the plan (LOOKALIKE_DISPLAY_NAME) and drift compare display names by
 * this form of their skeletons. Not every order: `Bowen Megan` without a comma
 * is how many names are written (Chen Wei), and two people may be named so.
 */

/** Punctuation, and white space, at a name's end that a reader does not see as part of it. */
const TRAILING = /[\s.,;:!?]/;

/**
 * `text` without TRAILING characters at its end. A loop from the end, not
 * `/[…]+$/`: that regular expression retries from each character of a long
 * run that does not end the text, quadratic in a name from the database.
 */
function withoutTrailing(text: string): string {
  let end = text.length;
  while (end > 0 && TRAILING.test(text[end - 1]!)) end -= 1;
  return end === text.length ? text : text.slice(0, end);
}

/** `text` without TRAILING, and `last, first` (one comma, text either side) as `first last`; white space folded. */
export function displayNameForm(text: string): string {
  const bare = withoutTrailing(text);
  const comma = bare.indexOf(',');
  const folded = (part: string) => part.trim().replace(/\s+/g, ' ');
  if (comma < 0 || bare.indexOf(',', comma + 1) >= 0) return bare === text ? text : bare;
  const [last, first] = [folded(bare.slice(0, comma)), folded(bare.slice(comma + 1))];
  return last === '' || first === '' ? bare : `${first} ${last}`;
}

/** The display name's skeleton, in that form; the skeleton itself when the form would leave nothing. */
export function displayNameSkeleton(name: string): string {
  const skeleton = confusableSkeleton(name);
  return displayNameForm(skeleton) || skeleton;
}

/**
 * ASCII names with a comma or a character of TRAILING at their end: only
 * these have a form other than their skeleton. So may a name with a control
 * character, which the skeleton removes: `Megan Bowen.\u0007` ends in a dot
 * once it is gone. Other scripts' names may
 * fold to a comma (U+FF0C) or end in one behind a character drawn as
 * nothing, and are given their skeleton by skeletonKey anyway.
 */
const REARRANGEABLE = /[\s.,;:!?]$|,|[^\u0020-\u007e]/;

/**
 * A number two display names with one displayNameSkeleton always share.
 * Most names are ASCII, have no comma and end in a letter: their key is
 * skeletonKey's, one pass, no allocation. The others are given their form's.
 */
export function displayNameKey(name: string): number {
  return REARRANGEABLE.test(name) ? skeletonKey(displayNameSkeleton(name)) : skeletonKey(name);
}

/** How two display names with one displayNameSkeleton are arranged otherwise: the order of their parts, the punctuation at their end. */
export type Rearrangement = 'reordered' | 'punctuated';

export function rearrangements(text: string, other: string): Rearrangement[] {
  const [mine, theirs] = [confusableSkeleton(text), confusableSkeleton(other)];
  if (mine === theirs) return [];
  const [myBare, theirBare] = [withoutTrailing(mine), withoutTrailing(theirs)];
  const reordered = myBare !== theirBare && (displayNameForm(myBare) !== myBare) !== (displayNameForm(theirBare) !== theirBare);
  const punctuated = mine.slice(myBare.length) !== theirs.slice(theirBare.length);
  return [...(reordered ? ['reordered' as const] : []), ...(punctuated ? ['punctuated' as const] : [])];
}
