import { countDiagnostics, type Diagnostic, type DiagnosticCounts } from '../diagnostics/diagnostic.js';
import { formatCount } from '../diagnostics/message-lists.js';

/**
 * At most this many problems are listed per run (and per file by the schema
 * check, which would otherwise build one diagnostic per unknown key of a
 * hostile file); the rest are counted. A real configuration with more
 * problems than this is fixed a thousand at a time.
 */
export const MAX_DIAGNOSTICS = 1_000;

/**
 * The first MAX_DIAGNOSTICS of `sorted` and, when there were more (or when
 * an earlier stage counted problems it did not build, `uncounted`), a last
 * DIAGNOSTICS_LIMIT notice that stands for the rest: an error when any of
 * them is one, so a capped list fails exactly when the full list would. It
 * points at the first problem it leaves out, when that has a place.
 */
export function limitDiagnostics(sorted: readonly Diagnostic[], uncounted: DiagnosticCounts = { errors: 0, warnings: 0 }): Diagnostic[] {
  const rest = sorted.slice(MAX_DIAGNOSTICS);
  if (rest.length === 0 && uncounted.errors === 0 && uncounted.warnings === 0) return [...sorted];
  // A problem merged from several (alias-repeats.ts) counts as each of them.
  const left = countDiagnostics(rest);
  const errors = uncounted.errors + left.errors;
  const warnings = uncounted.warnings + left.warnings;
  const total = errors + warnings;
  const notice: Diagnostic = {
    severity: errors > 0 ? 'error' : 'warning',
    code: 'DIAGNOSTICS_LIMIT',
    message: `… and ${formatCount(total)} more problem${total === 1 ? '' : 's'} not shown (limit ${formatCount(MAX_DIAGNOSTICS)}); fix the ones above and run validate again`,
    ...(rest[0]?.location ? { location: rest[0].location } : {}),
    omitted: { errors, warnings },
  };
  return [...sorted.slice(0, MAX_DIAGNOSTICS), notice];
}

/**
 * `listed` (a list limitDiagnostics made) followed by `more` problems found
 * later (a plan's refusals after the configuration's warnings), within the
 * same limit. The errors are listed first when not all fit: they are why the
 * run is refused, and a configuration of 100,000 users may well have 1,000
 * warnings, which left no room for the refusal that said what to fix. What is
 * left out is counted on the notice, which keeps pointing where it did when
 * the list was capped already.
 */
export function appendLimited(listed: readonly Diagnostic[], more: readonly Diagnostic[]): Diagnostic[] {
  if (more.length === 0) return [...listed];
  const notice = listed.at(-1);
  const capped = notice?.code === 'DIAGNOSTICS_LIMIT' && notice.omitted !== undefined ? notice : undefined;
  const all = [...(capped ? listed.slice(0, -1) : listed), ...more];
  if (!capped && all.length <= MAX_DIAGNOSTICS) return all;
  const errors = all.filter((d) => d.severity === 'error').slice(0, MAX_DIAGNOSTICS);
  const warnings = all.filter((d) => d.severity !== 'error').slice(0, MAX_DIAGNOSTICS - errors.length);
  const kept = new Set([...errors, ...warnings]);
  const left = all.filter((d) => !kept.has(d));
  const counted = countDiagnostics(left);
  const uncounted = { errors: counted.errors + (capped?.omitted?.errors ?? 0), warnings: counted.warnings + (capped?.omitted?.warnings ?? 0) };
  const limited = limitDiagnostics(all.filter((d) => kept.has(d)), uncounted);
  const last = limited[limited.length - 1];
  const location = capped ? capped.location : left[0]?.location;
  if (!last || last.code !== 'DIAGNOSTICS_LIMIT') return limited;
  return [...limited.slice(0, -1), location ? { ...last, location } : last];
}
