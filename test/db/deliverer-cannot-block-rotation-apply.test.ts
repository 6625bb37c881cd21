// init --rotate-outbox-key seals every queued credential again, under the
// tenant lock and each credential's row lock. A deliver holds a row lock while
// it sends that credential: the rotation waited for it without limit holding
// the tenant lock, so a hung relay, or the deliverer role's own
// `SELECT ... FOR UPDATE` held open, kept every apply waiting until it gave up.
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, expect, it } from 'vitest';
import { TENANT_LOCK } from '../../src/db/tenant-lock.js';
import { count, until } from '../support/apply-lock-wait.js';
import { runCli, tempDir, type CliResult } from '../support/cli.js';
import { contosoPostgres } from '../support/contoso-database.js';
import { delivererLogin, readerAndWriter } from '../support/login-roles.js';
import { TEST_OUTBOX_IDENTITY, TEST_OUTBOX_RECIPIENT } from '../support/outbox-key.js';
import { describePostgres } from '../support/postgres.js';

const dir = tempDir('tenantctl-rotation-deliverer-');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describePostgres('the deliverer role and a key rotation', { timeout: 120_000 }, () => {
  it('a queued credential\'s row lock held open delays the rotation, never an apply', async () => {
    const owner = await contosoPostgres('applied', 'deliverer_cannot_block_rotation_apply');
    const queued = await count(owner, 'SELECT count(*) AS n FROM credential_notifications WHERE delivered_at IS NULL');
    expect(queued).toBeGreaterThan(0);
    const { writer } = await readerAndWriter(owner);
    const delivererUrl = await delivererLogin(owner);
    const keyFile = path.join(dir, 'outbox.key');
    fs.writeFileSync(keyFile, `# public key: ${TEST_OUTBOX_RECIPIENT}\n${TEST_OUTBOX_IDENTITY}\n`, { mode: 0o600 });

    const deliverer = new pg.Client({ connectionString: delivererUrl, application_name: 'hung relay' });
    await deliverer.connect();
    const applier = new pg.Client({ connectionString: writer, application_name: 'apply' });
    await applier.connect();
    let rotation: Promise<CliResult> | undefined;
    try {
      await deliverer.query('BEGIN');
      // As deliver takes the notification it sends.
      await deliverer.query('SELECT id FROM tenantctl.credential_notifications WHERE delivered_at IS NULL ORDER BY id LIMIT 1 FOR UPDATE');
      const given = await runCli(['init', '--rotate-outbox-key', '--outbox-key', keyFile, '--lock-timeout', '2'], { env: { TENANTCTL_DATABASE_URL: owner } });
      expect(given.stderr).toBe(
        'Error: a deliver is sending a queued credential, which the rotation must seal again (its row is locked); gave up after 2s — wait for it to finish or raise --lock-timeout\n',
      );
      expect(given.code).toBe(1);
      expect(fs.readFileSync(keyFile, 'utf8')).toContain(TEST_OUTBOX_IDENTITY);

      rotation = runCli(['init', '--rotate-outbox-key', '--outbox-key', keyFile, '--lock-timeout', '60'], { env: { TENANTCTL_DATABASE_URL: owner } });
      await until('the rotation waits for the credential', async () =>
        (await count(owner, `SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%ORDER BY id FOR UPDATE'`)) === 1);

      // What an apply takes first, with the time it would wait.
      await applier.query(`BEGIN; SET LOCAL lock_timeout = '5s'`);
      await applier.query(TENANT_LOCK);
      await applier.query('ROLLBACK');

      await deliverer.query('ROLLBACK');
      const rotated = await rotation;
      expect(rotated.stderr).toBe('');
      expect(rotated.code).toBe(0);
      expect(rotated.stdout).toContain(`(${queued} queued credential(s) sealed again)`);
    } finally {
      await deliverer.query('ROLLBACK').catch(() => undefined);
      await applier.query('ROLLBACK').catch(() => undefined);
      await Promise.all([deliverer.end(), applier.end()]);
      await rotation?.catch(() => undefined);
    }
  });
});
