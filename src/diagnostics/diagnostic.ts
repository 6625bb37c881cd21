import { terminalText } from '../render/escape-terminal.js';
import { boundMessage } from './bounded-message.js';
import { DROPPED_ERROR, DROPPED_WARNING, openBudget } from './diagnostic-budget.js';

/**
 * Where a problem is. `path` is the JSON path inside the file's document (e.g.
 * `['users', 3, 'licenses', 0]`); `line`/`column` are 1-based and are filled in
 * lazily by the config locator, only for files that have problems.
 */
export interface SourceLocation {
  readonly file: string;
  readonly path?: readonly (string | number)[];
  readonly line?: number;
  readonly column?: number;
}

export type Severity = 'error' | 'warning';

/**
 * A problem a user can act on. `code` is stable (documented in the README) so
 * pipelines can match on it; `message` says what is wrong and how to fix it,
 * and is bounded (see bounded-message.ts) when built with `error` or `warning`.
 */
export interface Diagnostic {
  readonly severity: Severity;
  readonly code: string;
  readonly message: string;
  readonly location?: SourceLocation;
  /** Another place involved, e.g. the first declaration of a duplicated UPN. */
  readonly related?: SourceLocation;
  /**
   * The problems it stands for, counted instead of it: on the notice that
   * closes a capped list (DIAGNOSTICS_LIMIT), those counted but not listed;
   * on a problem found several times at one place through aliases
   * (alias-repeats.ts), each time.
   */
  readonly omitted?: DiagnosticCounts;
}

export interface DiagnosticCounts {
  readonly errors: number;
  readonly warnings: number;
}

/** Errors and warnings found, including those a capped list only counted. */
export function countDiagnostics(diagnostics: readonly Diagnostic[]): DiagnosticCounts {
  let errors = 0;
  let warnings = 0;
  for (const d of diagnostics) {
    if (d.omitted) {
      errors += d.omitted.errors;
      warnings += d.omitted.warnings;
    } else if (d.severity === 'error') errors++;
    else warnings++;
  }
  return { errors, warnings };
}

export function error(code: string, message: string, location?: SourceLocation, related?: SourceLocation): Diagnostic {
  if (openBudget()?.take('error') === false) return DROPPED_ERROR;
  return { severity: 'error', code, message: boundMessage(message), ...(location ? { location } : {}), ...(related ? { related } : {}) };
}

export function warning(code: string, message: string, location?: SourceLocation): Diagnostic {
  if (openBudget()?.take('warning') === false) return DROPPED_WARNING;
  return { severity: 'warning', code, message: boundMessage(message), ...(location ? { location } : {}) };
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** `file:line:column`, raw: callers escape for their output kind. */
export function formatLocation(location: SourceLocation): string {
  if (location.line === undefined) return location.file;
  return `${location.file}:${location.line}:${location.column ?? 1}`;
}

/**
 * `file:line:column: CODE: message`, the format editors and CI logs link, for
 * a terminal; a warning's message starts `warning: `, so that the code stays
 * a bare code for whatever parses the line. File names and messages quote configuration values (unknown
 * keys, UPNs, role and licence names), so the line goes through
 * `terminalText`: no escape sequence, bidi or zero-width character, no
 * workflow command (a file named `::add-mask::x.yaml` starts `\u003a:`).
 */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.location ? `${formatLocation(d.location)}: ` : '';
  const severity = d.severity === 'warning' ? 'warning: ' : '';
  const related = d.related ? ` (see also ${formatLocation(d.related)})` : '';
  return terminalText(`${where}${d.code}: ${severity}${d.message}${related}`);
}

/** Sorted by file, then line, then column; problems without a file come first. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort((a, b) => {
    const fa = a.location?.file ?? '';
    const fb = b.location?.file ?? '';
    if (fa !== fb) return fa < fb ? -1 : 1;
    const la = a.location?.line ?? 0;
    const lb = b.location?.line ?? 0;
    if (la !== lb) return la - lb;
    const ca = a.location?.column ?? 0;
    const cb = b.location?.column ?? 0;
    if (ca !== cb) return ca - cb;
    return a.code < b.code ? -1 : a.code > b.code ? 1 : 0;
  });
}
