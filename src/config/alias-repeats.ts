import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { formatCount } from '../diagnostics/message-lists.js';

/**
 * A value written once under an anchor (`licenses: &team [...]`) and reached
 * by every user that aliases it (`licenses: *team`) is checked once per user,
 * and each finding is located at the one place it is written. Listed per
 * user, the same line would stand there six times over, each one a
 * line to fix, and a pull request would get six annotations on it. Said
 * once, with how many times it was found there; the totals still count each.
 *
 * The same code, words and place can only be one value reached through
 * aliases: two values are never written at the same line and column. Only
 * for a list of every problem found, each located: a list cut at the limit,
 * or with problems only counted, is left as it is, so that what it lists and
 * what it counts still add up.
 */
export function mergeAliasRepeats(sorted: readonly Diagnostic[]): Diagnostic[] {
  const keys = sorted.map((d) =>
    d.location?.line === undefined ? null : JSON.stringify([d.severity, d.code, d.location.file, d.location.line, d.location.column, d.message, d.related]),
  );
  const counts = new Map<string, number>();
  for (const key of keys) if (key !== null) counts.set(key, (counts.get(key) ?? 0) + 1);
  const merged: Diagnostic[] = [];
  sorted.forEach((d, i) => {
    const key = keys[i];
    const count = key == null ? 1 : (counts.get(key) ?? 0);
    if (count === 0) return; // listed already
    if (key != null) counts.set(key, 0);
    if (count === 1) merged.push(d);
    else {
      // Counted as the problems it stands for (countDiagnostics), so a merge never changes the totals.
      const omitted = d.severity === 'error' ? { errors: count, warnings: 0 } : { errors: 0, warnings: count };
      merged.push({ ...d, message: `${d.message} (found ${formatCount(count)} times here: the value is reached through aliases)`, omitted });
    }
  });
  return merged;
}
