import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../support/cli.js';
import { describePostgres, postgresTestUrl } from '../support/postgres.js';
import { writeBulkTenant, type BulkTenant } from './support/bulk-tenant.js';
import { execEmbedded, execPostgres } from './support/directory-dump.js';
import { runTraced, type TracedRun } from './support/traced-cli.js';

const USERS = 100;
const APPLY = ['--auto-approve', '--approve-privileged', '--approve-purchases', '--actor', 'reliability'];
/**
 * Applying B buys E1 seats: the catalog changes with the directory, so a
 * reader that read the directory before the commit and the catalog after it
 * would count seats to buy that neither state has.
 */
const E1_SEATS = USERS - 20;

/** What a reader printed that tells the state it saw: the plan's and the drift report's summaries. */
interface Seen {
  readonly plan: unknown;
  readonly drift: unknown;
}

async function readers(env: Record<string, string>, config: string): Promise<Seen> {
  const [plan, drift] = await Promise.all([
    runCli(['plan', '-c', config, '--format', 'json'], { env }),
    runCli(['drift', '-c', config, '--format', 'json'], { env }),
  ]);
  expect(plan.code, plan.stderr).toBe(0);
  expect([0, 2], drift.stderr).toContain(drift.code);
  return { plan: (JSON.parse(plan.stdout) as { summary: unknown }).summary, drift: (JSON.parse(drift.stdout) as { summary: unknown }).summary };
}

function summaries(plan: TracedRun, drift: TracedRun): Promise<Seen> {
  return Promise.all([plan.exit, drift.exit]).then(([p, d]) => {
    expect(p.code, p.stderr).toBe(0);
    expect([0, 2], d.stderr).toContain(d.code);
    return { plan: (JSON.parse(p.stdout) as { summary: unknown }).summary, drift: (JSON.parse(d.stdout) as { summary: unknown }).summary };
  });
}

/** Absolute time of the first event matching, or null. */
const when = (run: TracedRun, event: string) => {
  const found = run.events.find((e) => e.event === event);
  return found ? run.started + found.at : null;
};

const READ_USERS = 'statement in transaction: SELECT … FROM users';

/** What one trial on PostgreSQL saw: the state before the apply and after it, and what the readers read during it. */
interface Trial {
  readonly before: Seen;
  readonly after: Seen;
  readonly seen: Seen;
  /** Both readers read the users before the apply committed and their next query came after it. */
  readonly interleaved: boolean;
  /** Why not, when not. */
  readonly why: string;
}

/**
 * One apply, held on a row it needs, and two readers that pause `pauseMs`
 * before each query of their snapshot transaction; the apply is let go once
 * both have read the users, and must commit before their next query. On a
 * loaded host the readers may start far apart, or the apply take longer than
 * the pause to commit: the trial then reports it did not interleave.
 */
async function interleavedTrial(url: string, config: string, pauseMs: number): Promise<Trial> {
  const env = { TENANTCTL_DATABASE_URL: url };
  const before = await readers(env, config);

  // Hold a row the apply needs, so it stops inside its transaction with its user updates made.
  const blocker = new pg.Client({ connectionString: url });
  await blocker.connect();
  await blocker.query('SET search_path TO tenantctl, public');
  await blocker.query('BEGIN');
  await blocker.query(`SELECT 1 FROM subscriptions WHERE sku = 'ENTERPRISEPACK' FOR UPDATE`);
  const observer = new pg.Client({ connectionString: url });
  await observer.connect();
  let released = false;
  const release = async () => {
    if (released) return;
    released = true;
    await blocker.query('ROLLBACK');
    await blocker.end();
  };
  try {
    const apply = runTraced(['apply', '-c', config, ...APPLY], env);
    const deadline = Date.now() + 60_000;
    for (;;) {
      // A session of its own: inside the blocker's transaction the activity view would stay frozen.
      const { rows } = await observer.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND application_name LIKE 'tenantctl %'`,
      );
      if (rows[0]?.n === 1) break;
      if (Date.now() > deadline) throw new Error(`the apply never reached the held row: ${JSON.stringify(apply.events.slice(-5))}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const slow = { ...env, TENANTCTL_DEBUG_STATEMENT_DELAY_MS: String(pauseMs) };
    const plan = runTraced(['plan', '-c', config, '--format', 'json'], slow);
    const drift = runTraced(['drift', '-c', config, '--format', 'json'], slow);
    // Once both have read the users, let the apply commit: their later queries (roles, licences) come after it.
    await new Promise<void>((resolve) => {
      const check = () => {
        if (when(plan, READ_USERS) !== null && when(drift, READ_USERS) !== null) resolve();
      };
      plan.onEvent(check);
      drift.onEvent(check);
    });
    await release();
    const applied = await apply.exit;
    expect(applied.code, applied.stderr).toBe(0);
    const seen = await summaries(plan, drift);
    // The apply's own transaction is its last (the first is its plan).
    const last = apply.events.filter((e) => e.event === 'transaction committed').at(-1);
    expect(last, 'the apply reported no commit').toBeDefined();
    const committed = apply.started + (last?.at ?? 0);
    // Did the interleaving really happen: the commit after the readers' users query and before their next one?
    const why: string[] = [];
    for (const [name, reader] of [['plan', plan], ['drift', drift]] as const) {
      const users = reader.events.findIndex((e) => e.event === READ_USERS);
      const next = reader.events[users + 1];
      // The users were read before the release, hence before the commit.
      expect(committed > (when(reader, READ_USERS) ?? Infinity)).toBe(true);
      if (!next || committed >= reader.started + next.at) why.push(`the apply committed after ${name}'s next query (${next?.event})`);
    }
    const after = await readers(env, config);
    return { before, after, seen, interleaved: why.length === 0, why: why.join('; ') };
  } finally {
    await release();
    await observer.end();
  }
}

describePostgres('plan and drift during an apply on PostgreSQL', () => {
  let dir: string;
  let tenant: BulkTenant;

  /** A new database, initialised and seeded with configuration A. */
  const freshDatabase = async () => {
    const url = (await postgresTestUrl('consistent_reads')) ?? '';
    expect((await runCli(['init', '--catalog', tenant.catalog], { env: { TENANTCTL_DATABASE_URL: url } })).code).toBe(0);
    await execPostgres(url, tenant.seedSql);
    return url;
  };

  beforeAll(() => {
    dir = tempDir('tenantctl-reads-');
    tenant = writeBulkTenant(dir, USERS, E1_SEATS);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('an apply that commits between a reader\'s queries is seen whole or not at all', async () => {
    // A trial that did not interleave (a loaded host) proves nothing about the snapshot: try again
    // on a fresh database, the readers pausing longer (1.5 s, then 3 s, then 4.5 s before each query).
    const TRIALS = 3;
    const missed: string[] = [];
    for (let trial = 1; ; trial++) {
      const { before, after, seen, interleaved, why } = await interleavedTrial(await freshDatabase(), tenant.configB, 1500 * trial);
      expect(after).not.toEqual(before);
      if (interleaved) {
        // Snapshot taken at the readers' first query, before the commit: they saw the state before, whole.
        expect(seen).toEqual(before);
        return;
      }
      // Even so, each reader saw one state whole.
      expect([before.plan, after.plan]).toContainEqual(seen.plan);
      expect([before.drift, after.drift]).toContainEqual(seen.drift);
      missed.push(`trial ${trial}: ${why}`);
      if (trial === TRIALS) throw new Error(`the apply never committed between the readers' queries:\n${missed.join('\n')}`);
    }
  }, 240_000);
});

describe('plan and drift during an apply on the embedded database', () => {
  let dir: string;
  let database: string;
  let tenant: BulkTenant;

  beforeAll(async () => {
    dir = tempDir('tenantctl-reads-');
    database = path.join(dir, 'db');
    tenant = writeBulkTenant(dir, USERS, E1_SEATS);
    expect((await runCli(['init', '--catalog', tenant.catalog], { env: { TENANTCTL_DATABASE_URL: database } })).code).toBe(0);
    await execEmbedded(database, tenant.seedSql);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('readers started during an apply wait for its lock file, then see the committed state', async () => {
    const env = { TENANTCTL_DATABASE_URL: database };
    const before = await readers(env, tenant.configB);
    const apply = runTraced(['apply', '-c', tenant.configB, ...APPLY], { ...env, TENANTCTL_DEBUG_STATEMENT_DELAY_MS: '200' });
    let begun = 0;
    await new Promise<void>((resolve) =>
      apply.onEvent(({ event }) => {
        // The second transaction is the apply's (the first is its plan).
        if (event === 'transaction begin' && ++begun === 2) resolve();
      }),
    );
    const reading = readers(env, tenant.configB);
    const applied = await apply.exit;
    expect(applied.code, applied.stderr).toBe(0);
    const seen = await reading;
    const after = await readers(env, tenant.configB);
    expect(after).not.toEqual(before);
    expect(seen).toEqual(after);
  }, 120_000);
});
