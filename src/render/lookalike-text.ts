import type { Lookalike, LookalikeDifference } from '../drift/finding.js';
import { formatValue, visible } from './change-lines.js';
import type { ShowValue } from './escape-markdown.js';

// How drift words an unmanaged account's resemblance to a managed user, in every format.

/** Characters named as the difference between two look-alikes; the rest are counted. */
const MAX_UNLIKE = 8;

const DIFFERENCE_WORDS: Record<Exclude<LookalikeDifference, 'characters'>, string> = {
  domain: 'at another domain',
  case: 'in another case',
  separators: 'with other dots, hyphens, underscores, apostrophes or tildes',
  'drawn-alike': 'with other letters drawn alike (such as rn for m, 1 for l, 0 for o) or spaced differently',
  reordered: 'in the other order (surname first after a comma)',
  punctuated: 'with other punctuation at its end',
  identical: 'the same',
  qualified: 'with a qualifier in brackets added',
  address: 'shown as a display name',
  typo: "one letter away from that administrator's (a letter added, left out, changed, or two swapped)",
};

export function differenceText(lookalike: Lookalike): string {
  return lookalike.differences
    .map((difference) => {
      if (difference !== 'characters') return DIFFERENCE_WORDS[difference];
      const { characters } = lookalike;
      const more = characters.length > MAX_UNLIKE ? ` and ${characters.length - MAX_UNLIKE} more` : '';
      return `written with ${characters.slice(0, MAX_UNLIKE).join(', ')}${more}`;
    })
    .join(', ');
}

/**
 * `its userPrincipalName looks like managed user megan@contoso.com: at
 * another domain`, or `its displayName looks like that of managed user
 * megan.bowen@contoso.com, "Megan Bowen": written with U+041C`. The managed user's UPN is
 * shown by `show`, its display name by `showName` (quoted in text); the
 * characters named (`U+0430`) are our words, which is how a disguise that
 * renders as nothing, or as a Latin letter, is seen.
 */
export function lookalikeText(lookalike: Lookalike, show: ShowValue = visible, showName: ShowValue = formatValue): string {
  if (lookalike.name === 'userPrincipalName') return `its userPrincipalName looks like managed user ${show(lookalike.looksLike)}: ${differenceText(lookalike)}`;
  if (lookalike.differences.includes('address')) return `its displayName looks like the userPrincipalName of managed user ${show(lookalike.looksLike)}: ${differenceText(lookalike)}`;
  return `its displayName looks like that of managed user ${show(lookalike.userPrincipalName)}, ${showName(lookalike.looksLike)}: ${differenceText(lookalike)}`;
}
