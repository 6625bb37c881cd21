import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { ROOT } from '../../support/cli.js';

const CLI = path.join(ROOT, 'dist', 'cmd', 'tenantctl.js');
const TRACE_PREFIX = 'tenantctl debug: ';

/** One progress event the CLI reported (TENANTCTL_DEBUG_TRACE), with when the test saw it. */
export interface TraceEvent {
  readonly at: number;
  readonly event: string;
}

export interface TracedRun {
  readonly child: ChildProcess;
  /** Grows as the process reports; times are ms since spawn. */
  readonly events: TraceEvent[];
  readonly started: number;
  /** Resolves once the process is gone: its exit code, or the signal that ended it. */
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
  /** Called with each event as it arrives (after it is recorded). */
  onEvent(listener: (event: TraceEvent) => void): void;
}

/** Runs the built CLI with its transaction progress reported on stderr. */
export function runTraced(args: readonly string[], env: Readonly<Record<string, string>>): TracedRun {
  const started = Date.now();
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1', TENANTCTL_QUIET: '1', ...env, TENANTCTL_DEBUG_TRACE: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const events: TraceEvent[] = [];
  const listeners: ((event: TraceEvent) => void)[] = [];
  let stdout = '';
  let stderr = '';
  let partial = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => {
    const text = partial + chunk.toString();
    const lines = text.split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.startsWith(TRACE_PREFIX)) {
        stderr += `${line}\n`;
        continue;
      }
      const event = { at: Date.now() - started, event: line.slice(TRACE_PREFIX.length) };
      events.push(event);
      for (const listener of listeners) listener(event);
    }
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr: stderr + partial }));
  });
  return { child, events, started, exit, onEvent: (listener) => listeners.push(listener) };
}

/** How many transactions had begun by the time `events` ends. */
export function transactionsBegun(events: readonly TraceEvent[]): number {
  return events.filter((e) => e.event === 'transaction begin').length;
}

/**
 * The statement events of the `n`-th transaction (1-based) of a finished
 * run, each with how long until the next event: where a kill can land.
 */
export function statementsOf(events: readonly TraceEvent[], n: number): { event: string; gap: number }[] {
  let begun = 0;
  const statements: { event: string; gap: number }[] = [];
  for (let i = 0; i < events.length; i++) {
    const { event, at } = events[i] as TraceEvent;
    if (event === 'transaction begin') begun++;
    if (begun === n && event.startsWith('statement in transaction')) {
      statements.push({ event, gap: (events[i + 1]?.at ?? at) - at });
    }
    if (begun === n && event === 'transaction committed') break;
  }
  return statements;
}
