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
 * same limit: a list already capped counts them all on its notice, which
 * keeps pointing where it did.
 */
export function appendLimited(listed: readonly Diagnostic[], more: readonly Diagnostic[]): Diagnostic[] {
  if (more.length === 0) return [...listed];
  const notice = listed.at(-1);
  if (notice?.code !== 'DIAGNOSTICS_LIMIT' || !notice.omitted) return limitDiagnostics([...listed, ...more]);
  const added = countDiagnostics(more);
  const limited = limitDiagnostics(listed.slice(0, -1), { errors: notice.omitted.errors + added.errors, warnings: notice.omitted.warnings + added.warnings });
  const last = limited[limited.length - 1];
  return notice.location && last ? [...limited.slice(0, -1), { ...last, location: notice.location }] : limited;
}
