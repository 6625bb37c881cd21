import { distance } from 'fastest-levenshtein';

/**
 * The candidate closest to a mistyped name, if it is close enough to be a
 * plausible typo (at most a third of the name's length, and at least 1 edit).
 * A candidate whose length differs from the name's by more than that is
 * skipped unmeasured (the distance is at least the difference), so a name far
 * longer than every candidate costs no edit-distance work at all.
 */
export function closest(name: string, candidates: Iterable<string>): string | undefined {
  const wanted = name.toLowerCase();
  const limit = Math.max(2, Math.ceil(wanted.length / 3));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const lower = candidate.toLowerCase();
    if (Math.abs(lower.length - wanted.length) > limit) continue;
    const d = distance(wanted, lower);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return bestDistance <= limit ? best : undefined;
}

/** " (did you mean X?)" or "", to append to a message. */
export function didYouMean(name: string, candidates: Iterable<string>): string {
  const match = closest(name, candidates);
  return match ? ` (did you mean ${match}?)` : '';
}
