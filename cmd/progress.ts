import cliProgress from 'cli-progress';
import type { ProgressEvent, ProgressReporter } from '../src/workflow/progress.js';
import { terminalText } from '../src/render/escape-terminal.js';
import { booleanVariable } from './boolean-variables.js';

/** Quick commands print nothing: progress appears only once a command has run this long. */
const SHOW_AFTER_MS = 2_000;
/** Without a terminal (CI logs), one plain line this often. */
const LINE_EVERY_MS = 5_000;

export interface ProgressDisplay {
  readonly report: ProgressReporter;
  /** Clears the bar (at a terminal) and stops the timers; call before printing results. */
  stop(): void;
}

export interface ProgressOptions {
  readonly quiet?: boolean;
}

/** --quiet, or TENANTCTL_QUIET=1 (or true, yes, on) for pipelines (and test suites) that want no progress at all. */
export function quietRequested(options: ProgressOptions): boolean {
  return Boolean(options.quiet) || booleanVariable('TENANTCTL_QUIET');
}

/** `: 120/500 (24 %)`; nothing for a stage of no countable units (total 0), such as waiting on the database. */
const count = (e: ProgressEvent) => (e.total > 0 ? `: ${e.done}/${e.total} (${Math.floor((e.done / e.total) * 100)} %)` : '');

/** The bar's line: the stage, then the bar and count when the stage has units to count. */
const barLine: cliProgress.GenericFormatter = (options, params, payload: { stage: string }) =>
  params.total > 0 ? cliProgress.Format.Formatter({ ...options, format: '{stage} [{bar}] {value}/{total}' }, params, payload) : payload.stage;

/**
 * Progress on stderr for a command that may take long: nothing for the first
 * two seconds or with --quiet; then a live bar at a terminal, or a plain line
 * every few seconds without one or at a terminal that cannot move the cursor (TERM=dumb). `started`: when the command's clock began. Events come from src/ through `report`;
 * a timer also prints while the process waits (on the database, say).
 */
export function startProgress(options: ProgressOptions, started = Date.now()): ProgressDisplay {
  if (quietRequested(options)) return { report: () => undefined, stop: () => undefined };
  const stream = process.stderr;
  let latest: ProgressEvent | null = null;
  let bar: cliProgress.SingleBar | null = null;
  let barStage: string | null = null;
  let lastLine = 0;

  const showBar = (event: ProgressEvent) => {
    if (!bar) {
      bar = new cliProgress.SingleBar(
        { stream, format: barLine, hideCursor: false, clearOnComplete: true, barsize: 30, etaBuffer: 20 },
        cliProgress.Presets.shades_classic,
      );
      bar.start(event.total, event.done, { stage: terminalText(event.stage) });
      barStage = event.stage;
      return;
    }
    if (barStage !== event.stage) {
      bar.setTotal(event.total);
      barStage = event.stage;
    }
    bar.update(event.done, { stage: terminalText(event.stage) });
  };
  const printLine = (event: ProgressEvent) => {
    lastLine = Date.now();
    stream.write(`tenantctl: ${terminalText(event.stage)}${count(event)}, ${Math.round((lastLine - started) / 1000)} s\n`);
  };
  let stopped = false;
  const show = () => {
    // A report after stop (a stage reached once the results are printing) must not draw again.
    if (stopped || !latest || Date.now() - started < SHOW_AFTER_MS) return;
    if (stream.isTTY && process.env.TERM !== 'dumb') showBar(latest);
    else if (Date.now() - lastLine >= LINE_EVERY_MS) printLine(latest);
  };
  // CPU-bound stages block timers, so events also render directly; the
  // timer covers waits with no events.
  const timer = setInterval(show, 500);
  timer.unref();
  return {
    report: (event) => {
      latest = event;
      show();
    },
    stop: () => {
      stopped = true;
      clearInterval(timer);
      if (bar) (bar as cliProgress.SingleBar).stop();
      bar = null;
    },
  };
}
