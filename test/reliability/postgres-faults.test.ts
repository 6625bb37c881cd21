import fs from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../support/cli.js';
import { createDatabase, postgresAvailable, startPostgres, type PostgresServer } from '../support/postgres-server.js';
import { writeBulkTenant, type BulkTenant } from './support/bulk-tenant.js';
import { dumpPostgres, execPostgres, expectSameDirectory, type DirectoryDump } from './support/directory-dump.js';
import { runTraced, transactionsBegun, type TraceEvent } from './support/traced-cli.js';

const PASSWORD = 'Fault-Secr3t-pw';
// The apply -c process plans in one transaction, then applies in the second.
const APPLY_TRANSACTION = 2;

/** The one line a user sees: names the server with the password masked; no stack trace. */
function expectOneLineError(stderr: string, port: string, pattern: RegExp): void {
  console.log(stderr.trimEnd());
  expect(stderr).not.toContain(PASSWORD);
  expect(stderr).not.toMatch(/^\s+at /m);
  const lines = stderr.trimEnd().split('\n');
  expect(lines, stderr).toHaveLength(1);
  expect(lines[0]).toContain(`Error: `);
  expect(lines[0]).toContain(`postgres://tenantctl_test:****@127.0.0.1:${port}/`);
  expect(lines[0]).toMatch(pattern);
}

const beganApply = (events: readonly TraceEvent[]) => transactionsBegun(events) >= APPLY_TRANSACTION;
const committedApply = (events: readonly TraceEvent[]) => events.filter((e) => e.event === 'transaction committed').length >= APPLY_TRANSACTION;

// Its own server: these tests stop and start it.
describe.skipIf(!postgresAvailable())('PostgreSQL faults: the server stopped, the connection cut', () => {
  let server: PostgresServer;
  let url: string;
  let port: string;
  let dir: string;
  let tenant: BulkTenant;
  let current: 'a' | 'b' = 'a';
  const references: Partial<Record<'a' | 'b', DirectoryDump>> = {};
  const env = (extra: Record<string, string> = {}) => ({ TENANTCTL_DATABASE_URL: url, ...extra });
  const configOf = (which: 'a' | 'b') => (which === 'a' ? tenant.configA : tenant.configB);
  const other = () => (current === 'a' ? 'b' : 'a');
  const applyArgs = (which: 'a' | 'b') => ['apply', '-c', configOf(which), '--auto-approve', '--approve-privileged', '--actor', 'faults'];

  /** The target configuration's directory, with one more apply than `before` in the audit trail. */
  const applied = (target: 'a' | 'b', before: DirectoryDump): DirectoryDump => ({
    directory: references[target]?.directory ?? '',
    applies: before.applies + 1,
  });

  /** Completes the pending change with a plain apply, and checks it arrived whole. */
  async function nextApplyWorks(before: DirectoryDump): Promise<void> {
    const target = other();
    const apply = await runCli(applyArgs(target), { env: env() });
    expect(apply.stderr).toBe('');
    expect(apply.code).toBe(0);
    expectSameDirectory(await dumpPostgres(url), applied(target, before), 'after the next apply');
    current = target;
  }

  beforeAll(async () => {
    server = await startPostgres({ durableCommits: true });
    const plain = new URL(await createDatabase(server.url, 'tenantctl_faults'));
    plain.password = PASSWORD;
    url = plain.toString();
    port = plain.port;
    dir = tempDir('tenantctl-faults-');
    tenant = writeBulkTenant(dir, 100);
    expect((await runCli(['init', '--catalog', tenant.catalog], { env: env() })).code).toBe(0);
    await execPostgres(url, tenant.seedSql);
    // Reference states, and the tenant back at A.
    for (const which of ['b', 'a'] as const) {
      const apply = await runCli(applyArgs(which), { env: env() });
      expect(apply.code).toBe(0);
      references[which] = await dumpPostgres(url);
      current = which;
    }
  });
  afterAll(async () => {
    await server?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it.each(['fast', 'immediate'] as const)('server stopped (%s) before the apply: one line, exit 1, then the next apply works', async (mode) => {
    const before = await dumpPostgres(url);
    await server.halt(mode);
    try {
      const apply = await runCli(applyArgs(other()), { env: env() });
      expect(apply.code).toBe(1);
      expectOneLineError(apply.stderr, port, /cannot connect to .*: connection refused/);
    } finally {
      await server.restart();
    }
    expectSameDirectory(await dumpPostgres(url), before, 'after the fault');
    await nextApplyWorks(before);
  });

  /**
   * Starts an apply slowed down inside its transaction (a pause before each
   * statement), and runs `fault` once the apply has written its audit entry:
   * the transaction is then open and has changed rows.
   */
  async function faultDuringTransaction(fault: () => Promise<void>): Promise<{ code: number | null; stderr: string; events: readonly TraceEvent[] }> {
    // Hold the subscriptions' rows: the apply's licence changes, after its audit entry, count seats
    // in them, so its transaction waits there, open, until the fault (else on a loaded host it may
    // commit before pg_ctl stops the server). Let go once the fault is done.
    const blocker = new pg.Client({ connectionString: url });
    blocker.on('error', () => undefined); // the fault may end this session too
    await blocker.connect();
    await blocker.query('BEGIN');
    await blocker.query('SELECT 1 FROM tenantctl.subscriptions FOR UPDATE');
    let released: Promise<void> | null = null;
    const release = () =>
      (released ??= blocker
        .query('ROLLBACK')
        .then(() => undefined, () => undefined)
        .then(() => blocker.end())
        .catch(() => undefined));
    try {
      const run = runTraced(applyArgs(other()), env({ TENANTCTL_DEBUG_STATEMENT_DELAY_MS: '100' }));
      let faulted: Promise<void> | null = null;
      run.onEvent(({ event }) => {
        if (faulted === null && beganApply(run.events) && event === 'statement in transaction: INSERT INTO applies') faulted = fault().finally(release);
      });
      const exit = await run.exit;
      await faulted;
      expect(faulted, 'the apply never reached its audit entry').not.toBeNull();
      return { code: exit.code, stderr: exit.stderr, events: run.events };
    } finally {
      await release();
    }
  }

  it.each(['fast', 'immediate'] as const)('server stopped (%s) during the transaction: one line, exit 1, nothing saved; works once it is back', async (mode) => {
    const before = await dumpPostgres(url);
    try {
      const result = await faultDuringTransaction(() => server.halt(mode));
      expect(beganApply(result.events)).toBe(true);
      expect(committedApply(result.events)).toBe(false);
      expect(result.code).toBe(1);
      expectOneLineError(result.stderr, port, /lost the connection to .* \(the server .*\); the transaction was rolled back, none of its changes were saved/);
    } finally {
      await server.restart();
    }
    expectSameDirectory(await dumpPostgres(url), before, 'after the fault');
    await nextApplyWorks(before);
  });

  it('the session terminated from another session mid-transaction: one line, exit 1, nothing saved; the next apply works', async () => {
    const before = await dumpPostgres(url);
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      const result = await faultDuringTransaction(async () => {
        const { rows } = await admin.query<{ ended: boolean }>(
          `SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity
            WHERE datname = current_database() AND application_name LIKE 'tenantctl %'`,
        );
        expect(rows).toEqual([{ ended: true }]);
      });
      expect(committedApply(result.events)).toBe(false);
      expect(result.code).toBe(1);
      expectOneLineError(result.stderr, port, /lost the connection to .* \(the server ended the session: terminating connection due to administrator command\); the transaction was rolled back/);
    } finally {
      await admin.end();
    }
    expectSameDirectory(await dumpPostgres(url), before, 'after the fault');
    await nextApplyWorks(before);
  });

  it.each(['fast', 'immediate'] as const)('server stopped (%s) right after the commit: the apply stands, whole', async (mode) => {
    const before = await dumpPostgres(url);
    const target = other();
    const run = runTraced(applyArgs(target), env());
    let halted: Promise<void> | null = null;
    run.onEvent(() => {
      if (halted === null && committedApply(run.events)) halted = server.halt(mode);
    });
    const exit = await run.exit;
    try {
      await halted;
      expect(halted).not.toBeNull();
      // Committed is committed: the apply reports success, whatever happens to the server next.
      expect(exit.stderr).toBe('');
      expect(exit.code).toBe(0);
    } finally {
      await server.restart();
    }
    expectSameDirectory(await dumpPostgres(url), applied(target, before), 'after the apply');
    current = target;
    const plan = await runCli(['plan', '-c', configOf(target), '--detailed-exitcode'], { env: env() });
    expect(plan.code).toBe(0);
  });
});
