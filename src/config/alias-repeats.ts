import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { formatCount } from '../diagnostics/message-lists.js';

/**
 * A value written once under an anchor (`licenses: &team [...]`) and reached
 * by every user that aliases it (`licenses: *team`) is checked once per user,
 * and each finding is located at the one place it is written. Listed per
 * user, the same line would stand there six times over, each one a
 * line to fix, and a pull request would get six annotations on it. Said
 * once, with how many places use the value.
 *
 * The same code, words and place can only be one value reached through
 * aliases: two values are never written at the same line and column. For a
 * list of every problem, located: a list cut at the limit is left as it is,
 * so that what it lists and what its notice counts still add up.
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
    merged.push(count === 1 ? d : { ...d, message: `${d.message} (the value here is used in ${formatCount(count)} places, through aliases)` });
  });
  return merged;
}
