import pg from 'pg';
import { TENANT_LOCK } from '../../src/db/tenant-lock.js';
import type { CliResult } from './cli.js';

/** Waits until `condition` holds (polled every 50 ms), at most 30 s. */
export async function until(what: string, condition: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The `n` column of one row of `sql`, run in tenantctl's schema. */
export async function count(url: string, sql: string): Promise<number> {
  const client = new pg.Client(url);
  await client.connect();
  try {
    await client.query('SET search_path TO tenantctl');
    const { rows } = await client.query<{ n: number }>(sql);
    return Number(rows[0]?.n);
  } finally {
    await client.end();
  }
}

/**
 * Holds the tenant lock, starts `apply`, waits until it waits for the lock,
 * runs `meanwhile`, then lets it go on; resolves to the apply's result.
 */
export async function whileApplyWaits(url: string, apply: () => Promise<CliResult>, meanwhile: () => Promise<unknown> | void): Promise<CliResult> {
  const holder = new pg.Client({ connectionString: url, application_name: 'tenantctl holder' });
  await holder.connect();
  await holder.query('BEGIN');
  await holder.query(TENANT_LOCK);
  const waiting = apply();
  try {
    const deadline = Date.now() + 20_000;
    while ((await count(url, `SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND application_name LIKE 'tenantctl %' AND application_name <> 'tenantctl holder'`)) === 0) {
      if (Date.now() > deadline) throw new Error(`the apply never waited for the lock: ${JSON.stringify(await Promise.race([waiting, 'still running']))}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await meanwhile();
  } finally {
    await holder.query('ROLLBACK');
    await holder.end();
  }
  return waiting;
}
