// deliver on PostgreSQL behind a lock another session holds on the outbox (a
// migration in progress, a transaction left open): it waited for as long as
// that session lived, --lock-timeout notwithstanding.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { migrate } from '../../src/db/migrate.js';
import { openDatabase } from '../../src/db/open-database.js';
import { deliverPending } from '../../src/outbox/deliver.js';
import { createPickupTransport } from '../../src/outbox/pickup-transport.js';
import { TEST_OUTBOX_IDENTITY } from '../support/outbox-key.js';
import { describePostgres, postgresTestUrl } from '../support/postgres.js';
import { queueNotification } from '../support/queued-notification.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function open(url: string, actor: string): Promise<Database> {
  const db = await openDatabase({ url, actor, lockTimeoutMs: 1000 });
  cleanups.push(() => db.close());
  return db;
}

describePostgres('deliver on PostgreSQL, the outbox locked by another session', () => {
  it('gives up after the lock timeout, sends nothing, and leaves the session as it found it', async () => {
    const url = await postgresTestUrl('deliver-lock-wait');
    if (url === null) throw new Error('describePostgres ran without a server');
    const db = await open(url, 'deliver');
    await migrate(db);
    await queueNotification(db);
    const holder = await open(url, 'holder');
    let release = () => undefined as void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let locked = () => undefined as void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const holding = holder.transaction(async (tx) => {
      await tx.exec('LOCK TABLE credential_notifications IN ACCESS EXCLUSIVE MODE');
      locked();
      await released;
    });
    cleanups.push(async () => {
      release();
      await holding;
    });
    await isLocked;
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantctl-lock-wait-'));
    cleanups.push(() => fs.rmSync(root, { recursive: true, force: true }));
    const folder = path.join(root, 'pickup');

    await expect(deliverPending(db, createPickupTransport(folder), { identities: [TEST_OUTBOX_IDENTITY], lockTimeoutMs: 300 })).rejects.toThrow(
      'deliver waited 0.3s for a lock on the outbox that another session holds (a migration in progress, or a transaction left open); the notifications not sent yet stay queued: end that session, or raise --lock-timeout',
    );
    expect(fs.readdirSync(folder)).toEqual([]);
    expect(await db.query('SELECT current_setting(\'lock_timeout\') AS lock_timeout')).toEqual([{ lock_timeout: '0' }]);
    release();
    await holding;
    expect(await db.query('SELECT delivered_at IS NULL AS queued, attempts FROM credential_notifications')).toEqual([{ queued: true, attempts: 0 }]);
  });
});
