import type { Diagnostic, DiagnosticCounts } from './diagnostic.js';

/**
 * How many diagnostics a run of the rules keeps. A rule reports each problem
 * of each list item, and a small file can hold a million items (a list
 * repeated through aliases, or written out): one diagnostic each was 1.5 GB
 * and a crash. Past the budget, `error` and `warning` count a problem and
 * return a placeholder instead of building it, so a rule keeps its plain
 * shape and the run stays within a few megabytes; the list shown is capped
 * well below this anyway (MAX_DIAGNOSTICS), and the rest are counted.
 */
export const RULE_DIAGNOSTICS = 10_000;

/** What error() and warning() return past the budget: counted, never shown. */
export const DROPPED_ERROR: Diagnostic = Object.freeze({ severity: 'error', code: 'DROPPED', message: '' });
export const DROPPED_WARNING: Diagnostic = Object.freeze({ severity: 'warning', code: 'DROPPED', message: '' });

export class DiagnosticBudget {
  private left: number;
  private errors = 0;
  private warnings = 0;

  constructor(size: number) {
    this.left = size;
  }

  /** `work` (synchronous) with this budget applied to every diagnostic it builds. */
  run<T>(work: () => T): T {
    const outer = open;
    open = this;
    try {
      return work();
    } finally {
      open = outer;
    }
  }

  /** Whether one more diagnostic of `severity` may be built; if not, it is counted. */
  take(severity: Diagnostic['severity']): boolean {
    if (this.left > 0) {
      this.left--;
      return true;
    }
    if (severity === 'error') this.errors++;
    else this.warnings++;
    return false;
  }

  /** The problems counted past the budget. */
  get dropped(): DiagnosticCounts {
    return { errors: this.errors, warnings: this.warnings };
  }
}

let open: DiagnosticBudget | undefined;

/** The budget in force, if any (diagnostic.ts asks before it builds one). */
export function openBudget(): DiagnosticBudget | undefined {
  return open;
}

/** A rule's findings without the placeholders (their count is the budget's). */
export function withoutDropped(found: readonly Diagnostic[]): Diagnostic[] {
  return found.filter((d) => d !== DROPPED_ERROR && d !== DROPPED_WARNING);
}
