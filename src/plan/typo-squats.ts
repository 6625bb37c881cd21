import { confusableSkeleton } from './confusable-skeleton.js';
import { localEnd, withoutSeparators } from './name-index.js';

/**
 * A typo-squat of an administrator: `megann.bowen@`, `mgean.bowen@` or
 * `megan.bowem@` beside the Global administrator `megan.bowen@`. No letter
 * is disguised, so the confusable skeleton does not see it, yet a reader
 * who knows the admin's name reads it as theirs. Only the administrators'
 * local parts are held (a tenant has tens of them, not thousands), with
 * each of their one-character deletions: a name one edit from an
 * administrator's shares one of its own deletions (or itself) with one of
 * those, so a lookup costs the name's length in map reads, never a
 * comparison with every user, and each hit is verified with a real edit
 * distance (optimal string alignment: a swap of neighbours is one edit).
 *
 * Names are compared as the rest of the look-alikes compare UPNs: the
 * separator-stripped confusable skeleton of the local part, whatever the
 * domain (every UPN is at one of the tenant's verified domains, and
 * `megann.bowen@contoso.onmicrosoft.com` shows in the address book as
 * readily as at contoso.com).
 */

/**
 * Local parts shorter than this (separators aside) are not compared: among
 * short names one edit is another person (`jan`/`jen`/`ian`, `annas`/`anna`,
 * `pvdb`/`pvdm` initials), and a 10,000-user tenant has several for each
 * admin; from six letters on a one-letter neighbour of an admin's name is
 * rarely a colleague's own.
 */
export const TYPO_MIN_LENGTH = 6;

/** `text` without each one of its characters in turn. */
function deletions(text: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i++) if (text[i] !== text[i - 1]) out.push(text.slice(0, i) + text.slice(i + 1));
  return out;
}

/**
 * Whether `a` and `b` are one edit apart (a character inserted, deleted,
 * substituted, or two neighbours swapped) and that edit keeps the first
 * letter: a different first letter is how initial-and-surname schemes tell
 * colleagues apart (`asmith`, `jsmith`), and it is the letter a reader
 * checks; a squat keeps it. An edit of digits alone is not one (DIGIT).
 */
export function oneEditApart(a: string, b: string): boolean {
  if (a === b) return false;
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  if (long.length - short.length > 1) return false;
  let i = 0;
  while (i < short.length && short[i] === long[i]) i++;
  if (i === 0) return false;
  if (short.length < long.length) return short.slice(i) === long.slice(i + 1) && !numbered(long, i);
  if (short.slice(i + 1) === long.slice(i + 1)) return !(numbered(short, i) || numbered(long, i));
  const swapped = i + 1 < short.length && short[i] === long[i + 1] && short[i + 1] === long[i] && short.slice(i + 2) === long.slice(i + 2);
  return swapped && !(numbered(short, i) || numbered(short, i + 1));
}

/**
 * A digit alone changed, added or removed is how directories number
 * namesakes and accounts (`jan.devries2` and `jan.devries3` beside
 * `jan.devries`, `noor.u205` beside `noor.u25`), and a reader sees it: no
 * typo. So digits are kept as they are (typoSkeleton).
 */
const DIGIT = /[0-9]/;
const numbered = (text: string, i: number) => DIGIT.test(text[i] ?? '');

const PAIRS: Readonly<Record<string, string>> = { rn: 'm', vv: 'w', cl: 'd' };

/**
 * The local part as the look-alikes compare it (confusable skeleton,
 * separators aside) but with its digits kept: the skeleton reads 0 as o and
 * 1 as l, which would make `noor.u10` and `noor.u14` a letter apart. A 1 for
 * an l is the skeleton's own look-alike, found before this.
 */
export function typoSkeleton(upn: string): string {
  const local = upn.slice(0, localEnd(upn));
  // UPNs are ASCII (validation); a name written outside tenantctl may not be.
  if (!/^[\x20-\x7e]*$/.test(local)) return withoutSeparators(confusableSkeleton(local));
  return withoutSeparators(local.replace(/[I|]/g, 'l').toLowerCase()).replace(/rn|vv|cl/g, (pair) => PAIRS[pair]!);
}

interface Held<T> {
  readonly skeleton: string;
  readonly holder: T;
}

/** Administrators by their local parts' deletion neighbourhoods. */
export class TypoIndex<T> {
  private readonly byVariant = new Map<string, Held<T>[]>();

  get size(): number {
    return this.byVariant.size;
  }

  /** Holds `holder` under the UPN `upn`, unless its local part is shorter than TYPO_MIN_LENGTH. */
  hold(upn: string, holder: T): void {
    const skeleton = typoSkeleton(upn);
    if (skeleton.length < TYPO_MIN_LENGTH) return;
    for (const variant of [skeleton, ...deletions(skeleton)]) {
      const bucket = this.byVariant.get(variant);
      if (!bucket) this.byVariant.set(variant, [{ skeleton, holder }]);
      else if (!bucket.some((h) => h.holder === holder)) bucket.push({ skeleton, holder });
    }
  }

  /** The holders whose local part is one edit from `upn`'s (not the same: that is the skeleton's look-alike), in the order held. */
  near(upn: string): T[] {
    if (this.byVariant.size === 0) return [];
    const skeleton = typoSkeleton(upn);
    if (skeleton.length < TYPO_MIN_LENGTH - 1) return [];
    const found: T[] = [];
    for (const variant of [skeleton, ...deletions(skeleton)]) {
      for (const { skeleton: theirs, holder } of this.byVariant.get(variant) ?? []) {
        if (!found.includes(holder) && oneEditApart(skeleton, theirs)) found.push(holder);
      }
    }
    return found;
  }
}
