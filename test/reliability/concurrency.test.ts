import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../support/cli.js';
import { ENGINES } from '../support/engines.js';
import { contosoFolder, contosoPostgres } from '../support/contoso-database.js';
import { queryRows } from './support/directory-dump.js';

const APPROVALS = ['--auto-approve', '--approve-purchases', '--approve-privileged'];

interface PlanFile {
  readonly purchases: readonly { sku: string; quantity: number }[];
  readonly summary: Record<string, number>;
}

/** Each engine gets a fresh database with the contoso catalog: a folder, or a PostgreSQL database of its own. */
async function freshDatabase(engine: 'embedded' | 'postgres', dir: string, label: string): Promise<string> {
  return engine === 'postgres' ? contosoPostgres('initialised', label) : contosoFolder('initialised', path.join(dir, label));
}

for (const engine of ENGINES) {
  describe.skipIf(engine.skip)(`concurrency on ${engine.name === 'postgres' ? 'PostgreSQL' : 'the embedded database'}`, () => {
    let dir: string;
    let database: string;
    const env = () => ({ TENANTCTL_DATABASE_URL: database });

    beforeAll(async () => {
      dir = tempDir('tenantctl-concurrency-');
      database = await freshDatabase(engine.name, dir, 'concurrent_applies');
    });
    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('four applies of one saved plan at once: applied exactly once, seats bought once', async () => {
      const planFile = path.join(dir, 'plan.json');
      expect((await runCli(['plan', '-c', 'examples/contoso', '--out', planFile], { env: env() })).code).toBe(0);
      const plan = JSON.parse(fs.readFileSync(planFile, 'utf8')) as PlanFile;
      expect(plan.purchases.length).toBeGreaterThan(0);
      const seatsBefore = await queryRows<{ sku: string; seats: number }>(database, 'SELECT sku, seats FROM subscriptions ORDER BY sku');

      // The embedded database lets one process in at a time: the others wait on its lock file, then
      // each plans again to find the plan applied; one after another, that passed 30 s on a loaded host.
      const runs = await Promise.all(
        [1, 2, 3, 4].map(() => runCli(['apply', '--plan', planFile, '-c', 'examples/contoso', ...APPROVALS, '--lock-timeout', '300'], { env: env() })),
      );
      expect(runs.map((r) => r.code)).toEqual([0, 0, 0, 0]);
      // Whoever came second saw the committed apply, not a half-made one, and says so.
      const found = runs.filter((r) => /^Nothing to apply: /m.test(r.stdout));
      expect(found, runs.map((r) => r.stdout).join('\n')).toHaveLength(3);
      for (const run of found) expect(run.stdout).toMatch(/was applied already, as apply #1 at /);

      const applies = await queryRows<{ n: number }>(database, 'SELECT count(*)::int AS n FROM applies');
      expect(applies[0]?.n).toBe(1);
      const purchases = await queryRows<{ sku: string; quantity: number }>(database, 'SELECT sku, quantity FROM purchases ORDER BY sku');
      expect(purchases).toEqual([...plan.purchases].map(({ sku, quantity }) => ({ sku, quantity })).sort((a, b) => a.sku.localeCompare(b.sku)));
      const seatsAfter = await queryRows<{ sku: string; seats: number }>(database, 'SELECT sku, seats FROM subscriptions ORDER BY sku');
      const bought = new Map(plan.purchases.map((p) => [p.sku, p.quantity]));
      expect(seatsAfter).toEqual(seatsBefore.map(({ sku, seats }) => ({ sku, seats: seats + (bought.get(sku) ?? 0) })));
    }, 120_000);

    it('two deliver runs at once send each notification exactly once', async () => {
      const queued = await queryRows<{ upn: string }>(
        database,
        'SELECT user_principal_name AS upn FROM credential_notifications WHERE delivered_at IS NULL ORDER BY 1',
      );
      expect(queued.length).toBeGreaterThan(5);
      const pickup = path.join(dir, 'pickup');
      // A pause inside each delivery transaction, so on PostgreSQL the two runs overlap.
      const deliver = () =>
        runCli(['deliver', '--pickup', pickup], { env: { ...env(), TENANTCTL_DEBUG_STATEMENT_DELAY_MS: '30' } });
      const [first, second] = await Promise.all([deliver(), deliver()]);
      expect([first?.code, second?.code]).toEqual([0, 0]);
      const delivered = (first?.stdout ?? '').concat(second?.stdout ?? '').match(/^delivered credentials of \S+/gm) ?? [];
      expect(delivered.map((line) => line.replace('delivered credentials of ', '')).sort()).toEqual(queued.map((q) => q.upn));
      const mails = fs.readdirSync(pickup).map((name) => fs.readFileSync(path.join(pickup, name), 'utf8'));
      expect(mails).toHaveLength(queued.length);
      for (const { upn } of queued) expect(mails.filter((mail) => mail.includes(upn)).length, upn).toBeGreaterThanOrEqual(1);
      const pending = await queryRows<{ n: number }>(database, 'SELECT count(*)::int AS n FROM credential_notifications WHERE delivered_at IS NULL');
      expect(pending[0]?.n).toBe(0);
    });
  });
}
