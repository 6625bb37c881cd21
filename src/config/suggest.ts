import { distance } from 'fastest-levenshtein';

/**
 * The candidate closest to a mistyped name, if it is close enough to be a
 * plausible typo (at most a third of the name's length, and at least 1 edit).
 */
export function closest(name: string, candidates: Iterable<string>): string | undefined {
  const wanted = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = distance(wanted, candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  const limit = Math.max(2, Math.ceil(wanted.length / 3));
  return bestDistance <= limit ? best : undefined;
}

/** " (did you mean X?)" or "", to append to a message. */
export function didYouMean(name: string, candidates: Iterable<string>): string {
  const match = closest(name, candidates);
  return match ? ` (did you mean ${match}?)` : '';
}
