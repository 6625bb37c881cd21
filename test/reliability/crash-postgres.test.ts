import fs from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCli, tempDir } from '../support/cli.js';
import { describePostgres, postgresTestUrl } from '../support/postgres.js';
import { writeBulkTenant, type BulkTenant } from './support/bulk-tenant.js';
import { crashTrials, KILLS, type CrashBackend } from './support/crash-trials.js';
import { dumpPostgres, execPostgres } from './support/directory-dump.js';
import { LONG_MODE, seededRandom } from './support/seeded-random.js';

async function queryOne<Row extends object>(url: string, sql: string, params: unknown[] = []): Promise<Row> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows[0] as Row;
  } finally {
    await client.end();
  }
}

/** Waits until the server has ended every tenantctl session on this database (it notices a dead client). */
async function sessionsGone(url: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const { n } = await queryOne<{ n: number }>(
      url,
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE 'tenantctl %'`,
    );
    if (n === 0) return;
    if (Date.now() > deadline) throw new Error('the killed apply\'s session never ended');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describePostgres('crash consistency on PostgreSQL', () => {
  let dir: string;
  let url: string;
  let tenant: BulkTenant;

  beforeAll(async () => {
    dir = tempDir('tenantctl-crash-');
    url = (await postgresTestUrl('crash')) ?? '';
    // 1,000 users: 4,000 changes per apply.
    tenant = writeBulkTenant(dir, 1000);
    const init = await runCli(['init', '--catalog', tenant.catalog], { env: { TENANTCTL_DATABASE_URL: url } });
    expect(init.code).toBe(0);
    await execPostgres(url, tenant.seedSql);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it(
    'an apply killed at random moments leaves exactly the state before or after, and releases the tenant lock',
    async () => {
      const env = { TENANTCTL_DATABASE_URL: url };
      expect((await runCli(['plan', '-c', tenant.configA, '--detailed-exitcode'], { env })).code).toBe(0);
      const backend: CrashBackend = {
        name: 'postgres',
        env,
        dump: () => dumpPostgres(url),
        dumpAfterKill: () => dumpPostgres(url),
        async assertLockReleased() {
          await sessionsGone(url);
          const { n } = await queryOne<{ n: number }>(
            url,
            `SELECT count(*)::int AS n FROM pg_locks l JOIN pg_database d ON d.oid = l.database
              WHERE l.locktype = 'relation' AND l.relation = 'tenantctl.users'::regclass AND l.mode = 'ShareRowExclusiveLock'
                AND d.datname = current_database()`,
          );
          expect(n).toBe(0);
        },
      };
      const inside = await crashTrials(backend, seededRandom('crash-postgres'), { a: tenant.configA, b: tenant.configB });
      expect(inside).toBeGreaterThanOrEqual(KILLS.insideTransaction);
    },
    LONG_MODE ? 1_800_000 : 300_000,
  );
});
