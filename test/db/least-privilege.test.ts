// Least privilege on PostgreSQL (issue 9, item 9): sql/roles.sql makes a
// read-only role, a writer for apply without DDL, and a deliverer; each
// command runs under its role, and only the owner and the deliverer can read
// the sealed credentials.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg, { escapeIdentifier } from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ROOT, runCli, tempDir, type CliResult } from '../support/cli.js';
import { describePostgres, postgresTestUrl } from '../support/postgres.js';

const CONTOSO = ['-c', 'examples/contoso'];

async function asRole<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client(url);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function refusedCleanly(run: CliResult): void {
  expect(run.code).toBe(1);
  expect(run.stderr).toMatch(/permission denied/);
  expect(run.stderr).not.toMatch(/^\s+at /m);
}

describePostgres('least-privilege roles from sql/roles.sql', { timeout: 120_000 }, () => {
  let owner: string;
  const urls = { reader: '', writer: '', deliverer: '' };
  let pickup: string;

  beforeAll(async () => {
    owner = (await postgresTestUrl('least_privilege')) ?? '';
    pickup = path.join(tempDir('tenantctl-roles-'), 'outbox');
    const init = await runCli(['init', '--catalog', 'examples/contoso/catalog.yaml'], { env: { TENANTCTL_DATABASE_URL: owner } });
    expect(init.code, init.stderr).toBe(0);
    const suffix = randomBytes(4).toString('hex');
    await asRole(owner, async (client) => {
      await client.query(fs.readFileSync(path.join(ROOT, 'sql', 'roles.sql'), 'utf8'));
      for (const kind of ['reader', 'writer', 'deliverer'] as const) {
        const login = `${kind}_${suffix}`;
        await client.query(`CREATE ROLE ${escapeIdentifier(login)} LOGIN; GRANT ${escapeIdentifier(`tenantctl_${kind}`)} TO ${escapeIdentifier(login)}`);
        const url = new URL(owner);
        url.username = login;
        urls[kind] = url.toString();
      }
    });
  });
  afterAll(() => {
    fs.rmSync(path.dirname(pickup), { recursive: true, force: true });
  });

  const as = (kind: keyof typeof urls, args: string[]) => runCli(args, { env: { TENANTCTL_DATABASE_URL: urls[kind] } });

  it('the reader may not apply, nor read the outbox', async () => {
    refusedCleanly(await as('reader', ['apply', ...CONTOSO, '--auto-approve', '--approve-purchases', '--approve-privileged']));
    await asRole(urls.reader, async (client) => {
      await expect(client.query('SELECT sealed_password FROM tenantctl.credential_notifications')).rejects.toThrow(/permission denied/);
      await expect(client.query('SELECT count(*) FROM tenantctl.credential_notifications')).rejects.toThrow(/permission denied/);
    });
  });

  it('the writer applies, but cannot read a sealed credential back, change the schema, or run init', async () => {
    const apply = await as('writer', ['apply', ...CONTOSO, '--auto-approve', '--approve-purchases', '--approve-privileged']);
    expect(apply.stderr).toBe('');
    expect(apply.code).toBe(0);
    await asRole(urls.writer, async (client) => {
      await expect(client.query('SELECT sealed_password FROM tenantctl.credential_notifications')).rejects.toThrow(/permission denied/);
      await expect(client.query('CREATE TABLE tenantctl.extra (id int)')).rejects.toThrow(/permission denied/);
      await expect(client.query('ALTER TABLE tenantctl.users ADD COLUMN extra int')).rejects.toThrow(/must be owner/);
      await expect(client.query(`UPDATE tenantctl.outbox_key SET created_at = now()`)).rejects.toThrow(/permission denied/);
    });
    refusedCleanly(await as('writer', ['init', '--rotate-outbox-key']));
  });

  it('the reader runs plan, drift, export, history and validate', async () => {
    const runs = {
      plan: await as('reader', ['plan', ...CONTOSO, '--detailed-exitcode']),
      drift: await as('reader', ['drift', ...CONTOSO]),
      export: await as('reader', ['export']),
      history: await as('reader', ['history']),
      validate: await as('reader', ['validate', ...CONTOSO]),
    };
    for (const [command, run] of Object.entries(runs)) {
      expect(run.stderr.replace(/^Exported \d+ users\.\n/m, ''), command).toBe('');
      expect(command === 'drift' ? [0, 2] : [0], command).toContain(run.code);
    }
    expect(runs.export.stdout).toContain('joep.devries@contoso.com');
    expect(runs.history.stdout.trim()).not.toBe('');
  });

  it('the deliverer delivers, and reads nothing of the directory but which users are deleted', async () => {
    // Deleted since apply queued its credentials: held back, as users.deleted_at says.
    const setDeleted = (deleted: boolean) =>
      asRole(owner, (client) => client.query(`UPDATE tenantctl.users SET deleted_at = ${deleted ? 'now()' : 'NULL'} WHERE user_principal_name = 'lucas.vandam@contoso.com'`));
    await setDeleted(true);
    const deliver = await as('deliverer', ['deliver', '--pickup', pickup]);
    expect(deliver.stderr).toBe('');
    expect(deliver.code).toBe(0);
    expect(deliver.stdout).toContain('Held back 1 notification(s) of users deleted since apply queued them');
    expect(deliver.stdout).toContain('Delivered 12 of 12 notification(s)');
    await asRole(urls.deliverer, async (client) => {
      await expect(client.query('SELECT * FROM tenantctl.users')).rejects.toThrow(/permission denied/);
      await expect(client.query('SELECT user_principal_name FROM tenantctl.users')).rejects.toThrow(/permission denied/);
      await expect(client.query('SELECT * FROM tenantctl.applies')).rejects.toThrow(/permission denied/);
    });
    refusedCleanly(await as('deliverer', ['plan', ...CONTOSO]));

    // A tenant whose roles.sql predates the hold-back gets the grant from migration 0010.
    await asRole(owner, async (client) => {
      await client.query('REVOKE SELECT (id, deleted_at) ON tenantctl.users FROM tenantctl_deliverer');
      await client.query('SET search_path TO tenantctl');
      await client.query(fs.readFileSync(path.join(ROOT, 'migrations', '0010_deliverer_sees_deleted_users.sql'), 'utf8'));
    });
    await setDeleted(false);
    const restored = await as('deliverer', ['deliver', '--pickup', pickup]);
    expect(restored.stderr).toBe('');
    expect(restored.stdout).toContain('Delivered 1 of 1 notification(s)');
    expect(restored.stdout).not.toContain('Held back');
  });
});
