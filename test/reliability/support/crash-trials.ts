import { expect } from 'vitest';
import { runCli } from '../../support/cli.js';
import type { DirectoryDump } from './directory-dump.js';
import { whichState } from './directory-dump.js';
import { LONG_MODE, type SeededRandom } from './seeded-random.js';
import { runTraced, statementsOf, transactionsBegun, type TraceEvent } from './traced-cli.js';

/** What the crash trials need from one database engine. */
export interface CrashBackend {
  readonly name: string;
  readonly env: Readonly<Record<string, string>>;
  /** The state, read when no tenantctl process runs. */
  dump(): Promise<DirectoryDump>;
  /** The state a killed process left, read without repairing it for the CLI. */
  dumpAfterKill(): Promise<DirectoryDump>;
  /** Asserts the killed process holds no lock any more (once it is gone). */
  assertLockReleased(killedPid: number): Promise<void>;
}

interface Reference {
  readonly dump: DirectoryDump;
  readonly events: readonly TraceEvent[];
  readonly total: number;
}

/** Kills needed per backend, and how many must land inside the apply's transaction. */
export const KILLS = LONG_MODE ? { kills: 20, insideTransaction: 10 } : { kills: 3, insideTransaction: 1 };

const applyArgs = (config: string) => ['apply', '-c', config, '--auto-approve', '--approve-privileged', '--actor', 'reliability'];

async function referenceApply(backend: CrashBackend, config: string): Promise<Reference> {
  const run = runTraced(applyArgs(config), backend.env);
  const result = await run.exit;
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return { dump: await backend.dump(), events: [...run.events], total: Date.now() - run.started };
}

interface Trial {
  readonly settled: DirectoryDump;
  readonly killed: boolean;
  readonly insideTransaction: boolean;
  readonly description: string;
}

/**
 * One apply towards `config`, killed with SIGKILL at a random moment: either
 * a random time after start, or a random time into a random statement of the
 * apply's transaction (the `apply`-th transaction the process begins).
 * Checks that the state is exactly before or exactly after, that the lock is
 * free, and that the next apply brings the tenant to the target.
 */
async function trial(
  backend: CrashBackend,
  random: SeededRandom,
  index: number,
  config: string,
  before: DirectoryDump,
  target: Reference,
): Promise<Trial> {
  const applyTransaction = transactionsBegun(target.events);
  const statements = statementsOf(target.events, applyTransaction);
  const run = runTraced(applyArgs(config), backend.env);
  let seenAtKill: TraceEvent[] | null = null;
  let plan: string;
  const kill = () => {
    seenAtKill = [...run.events];
    run.child.kill('SIGKILL');
  };
  if (index > 0 && random.next() < 0.2) {
    const delay = random.next() * target.total;
    plan = `${Math.round(delay)}ms after start`;
    setTimeout(kill, delay);
  } else {
    // The first trial aims at the statement that takes longest, so even the short mode kills inside.
    const heaviest = statements.reduce((best, s, i) => (s.gap > (statements[best]?.gap ?? -1) ? i : best), 0);
    const which = index === 0 ? heaviest : random.below(statements.length);
    const statement = statements[which] ?? { event: '?', gap: 0 };
    const delay = random.next() * statement.gap * (index === 0 ? 0.5 : 0.9);
    plan = `${Math.round(delay)}ms into statement ${which + 1}/${statements.length} (${statement.event.replace('statement in transaction: ', '')})`;
    let begun = 0;
    let seen = 0;
    run.onEvent(({ event }) => {
      if (event === 'transaction begin') begun++;
      else if (begun === applyTransaction && event.startsWith('statement in transaction') && seen++ === which) setTimeout(kill, delay);
    });
  }
  const exit = await run.exit;
  const killed = exit.signal === 'SIGKILL';
  if (!killed) {
    expect(exit.code).toBe(0);
  } else {
    await backend.assertLockReleased(run.child.pid ?? -1);
  }
  const state = whichState(await backend.dumpAfterKill(), before, target.dump);
  const events = seenAtKill ?? run.events;
  const begun = transactionsBegun(events);
  const committed = events.filter((e) => e.event === 'transaction committed').length;
  const last = events.at(-1)?.event ?? 'nothing yet';
  // A kill after the process reported its commit must find the change in place.
  if (committed >= applyTransaction) expect(state).toBe('after');
  expect(state, `trial ${index}: the directory is neither the state before nor the state after`).not.toBeNull();
  const insideTransaction = killed && begun >= applyTransaction && committed < applyTransaction && state === 'before';

  const next = await runCli([...applyArgs(config), '--lock-timeout', '0'], { env: backend.env });
  expect(next.stderr).toBe('');
  expect(next.code).toBe(0);
  const settled = await backend.dump();
  expect(settled.directory).toBe(target.dump.directory);
  expect(settled.applies).toBe(before.applies + 1);
  return {
    settled,
    killed,
    insideTransaction,
    description: `${backend.name} trial ${index}: kill ${plan}: ${killed ? `killed after "${last}"` : 'finished first'} → ${state}${insideTransaction ? ' (inside the apply transaction)' : ''}`,
  };
}

/**
 * Alternates the tenant between configurations A and B, killing each apply,
 * until KILLS.kills kills happened, KILLS.insideTransaction of them inside
 * the apply's transaction; returns how many landed inside the
 * apply's transaction (proved: the apply had begun it, had not reported its
 * commit, and the state found is the state before).
 */
export async function crashTrials(backend: CrashBackend, random: SeededRandom, configs: { a: string; b: string }): Promise<number> {
  const toB = await referenceApply(backend, configs.b);
  const toA = await referenceApply(backend, configs.a);
  expect(toA.dump.directory).not.toBe(toB.dump.directory);
  const references = { a: toA, b: toB };
  let current: 'a' | 'b' = 'a';
  let before = toA.dump;
  let kills = 0;
  let inside = 0;
  // Until enough kills, and enough of them inside the transaction: on a loaded host a kill aimed at a
  // statement may land after the commit. Bounded: three trials per kill wanted at most.
  for (let index = 0; (kills < KILLS.kills || inside < KILLS.insideTransaction) && index < KILLS.kills * 3; index++) {
    const target: 'a' | 'b' = current === 'a' ? 'b' : 'a';
    const result = await trial(backend, random, index, configs[target], before, references[target]);
    console.log(result.description);
    if (result.killed) kills++;
    if (result.insideTransaction) inside++;
    current = target;
    before = result.settled;
  }
  console.log(`${backend.name}: ${kills} kills, ${inside} inside the apply's transaction`);
  expect(kills).toBeGreaterThanOrEqual(KILLS.kills);
  return inside;
}
