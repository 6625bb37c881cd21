import { error } from '../src/diagnostics/diagnostic.js';
import { reportDiagnostics } from './report-diagnostics.js';
import { err, exitForSignal, out, stdoutBegun } from './terminal.js';

/** What stops a command that is being waited for: Ctrl-C, and a CI job cancelled. */
const STOPPING_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

/**
 * Under --format json a script reads standard output as one JSON document,
 * also when the command is stopped; by default Ctrl-C (SIGINT) or a cancelled
 * CI job (SIGTERM) ended the process with nothing on standard output at all.
 * Stopped before its output began, the command prints the stop as a CANCELLED
 * diagnostic, then ends as the signal would have (130 after Ctrl-C). A
 * document begun already (history streams its trail) is left as it is:
 * nothing can make half of one whole. The commands that take --format
 * (validate, plan, drift, history) change nothing in the tenant.
 */
export function reportSignalsInJson(json: () => boolean): void {
  if (listening) return;
  listening = true;
  for (const signal of STOPPING_SIGNALS) {
    process.once(signal, () => {
      const message = `stopped by ${signal}; nothing was changed`;
      err(`Error: ${message}`);
      // Asked again: the arguments as parsed may say otherwise than a first look at them (`--format json --format text`).
      if (json() && !stdoutBegun()) out(reportDiagnostics([error('CANCELLED', message)], 'json'));
      exitForSignal(signal);
    });
  }
}

let listening = false;
