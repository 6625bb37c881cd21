import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../support/cli.js';
import { writeBulkTenant, type BulkTenant } from './support/bulk-tenant.js';
import { crashTrials, KILLS, type CrashBackend } from './support/crash-trials.js';
import { dumpEmbedded, dumpEmbeddedCopy, execEmbedded } from './support/directory-dump.js';
import { LONG_MODE, seededRandom } from './support/seeded-random.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('crash consistency on the embedded database', () => {
  let dir: string;
  let database: string;
  let tenant: BulkTenant;

  beforeAll(async () => {
    dir = tempDir('tenantctl-crash-');
    database = path.join(dir, 'db');
    // 600 users: 2,400 changes per apply.
    tenant = writeBulkTenant(dir, 600);
    const init = await runCli(['init', '--catalog', tenant.catalog], { env: { TENANTCTL_DATABASE_URL: database } });
    expect(init.code).toBe(0);
    await execEmbedded(database, tenant.seedSql);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it(
    'an apply killed at random moments leaves exactly the state before or after; the folder opens again, its lock is taken over',
    async () => {
      const env = { TENANTCTL_DATABASE_URL: database };
      expect((await runCli(['plan', '-c', tenant.configA, '--detailed-exitcode'], { env })).code).toBe(0);
      const backend: CrashBackend = {
        name: 'embedded',
        env,
        dump: () => dumpEmbedded(database),
        dumpAfterKill: () => dumpEmbeddedCopy(database),
        async assertLockReleased(killedPid) {
          // The lock file stays behind a killed process, naming it; the next process takes it over.
          const lockFile = `${database}.lock`;
          if (!fs.existsSync(lockFile)) return;
          const holder = JSON.parse(fs.readFileSync(lockFile, 'utf8')) as { pid: number };
          expect(holder.pid).toBe(killedPid);
          expect(alive(holder.pid)).toBe(false);
        },
      };
      const inside = await crashTrials(backend, seededRandom('crash-embedded'), { a: tenant.configA, b: tenant.configB });
      expect(inside).toBeGreaterThanOrEqual(KILLS.insideTransaction);
      expect(fs.existsSync(`${database}.lock`)).toBe(false);
    },
    LONG_MODE ? 1_800_000 : 300_000,
  );
});
