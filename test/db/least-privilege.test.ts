// Least privilege on PostgreSQL (issue 9, item 9): sql/roles.sql makes a
// read-only role, a writer for apply without DDL, and a deliverer; each
// command runs under its role, only the owner and the deliverer can read
// the sealed credentials, and only the owner the password hashes.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg, { escapeIdentifier } from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import YAML from 'yaml';
import { listMigrations } from '../../src/db/migrate.js';
import { copyContoso, ROOT, runCli, tempDir, type CliResult } from '../support/cli.js';
import { describePostgres, postgresTestUrl } from '../support/postgres.js';
import { onConnection } from '../support/login-roles.js';
import { grantedPrivileges, unreadableColumns } from '../support/role-privileges.js';

const CONTOSO = ['-c', 'examples/contoso'];
const ROLES_SQL = fs.readFileSync(path.join(ROOT, 'sql', 'roles.sql'), 'utf8');
/** What a tenant that last ran roles.sql before migration 0011 has. */
const ROLES_SQL_0010 = fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'roles-sql', 'roles-0010.sql'), 'utf8');

const asRole = onConnection;

type UserEntry = Record<string, unknown> & { userPrincipalName: string };

/** Rewrites the users of a configuration copy (comments are not kept). */
function editUsers(config: string, edit: (users: UserEntry[]) => UserEntry[]): void {
  const file = path.join(config, 'users.yaml');
  const document = YAML.parse(fs.readFileSync(file, 'utf8')) as { users: UserEntry[] };
  fs.writeFileSync(file, YAML.stringify({ users: edit(document.users) }));
}

function refusedCleanly(run: CliResult): void {
  expect(run.code).toBe(1);
  // One line naming the privilege the server refused and which role each command needs; never "refused the change" for a read.
  expect(run.stderr).toMatch(
    /^Error: the database role of this connection may not do what this command needs \(permission denied for [^)]+\); sql\/roles\.sql gives tenantctl_reader what validate, plan, drift, export and history need, tenantctl_writer apply and tenantctl_deliverer deliver; init needs the owner; nothing was changed\n$/,
  );
}

describePostgres('least-privilege roles from sql/roles.sql', { timeout: 120_000 }, () => {
  let owner: string;
  const urls = { reader: '', writer: '', deliverer: '' };
  let pickup: string;
  /** The configuration the writer's last apply made the tenant. */
  let config = 'examples/contoso';

  beforeAll(async () => {
    owner = (await postgresTestUrl('least_privilege')) ?? '';
    pickup = path.join(tempDir('tenantctl-roles-'), 'outbox');
    const init = await runCli(['init', '--catalog', 'examples/contoso/catalog.yaml'], { env: { TENANTCTL_DATABASE_URL: owner } });
    expect(init.code, init.stderr).toBe(0);
    const suffix = randomBytes(4).toString('hex');
    await asRole(owner, async (client) => {
      await client.query(ROLES_SQL);
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
    if (config !== 'examples/contoso') fs.rmSync(config, { recursive: true, force: true });
  });

  const as = (kind: keyof typeof urls, args: string[]) => runCli(args, { env: { TENANTCTL_DATABASE_URL: urls[kind] } });

  it('the reader may not apply, nor read the outbox', async () => {
    refusedCleanly(await as('reader', ['apply', ...CONTOSO, '--auto-approve', '--approve-purchases', '--approve-privileged']));
    await asRole(urls.reader, async (client) => {
      await expect(client.query('SELECT sealed_password FROM tenantctl.credential_notifications')).rejects.toThrow(/permission denied/);
      await expect(client.query('SELECT count(*) FROM tenantctl.credential_notifications')).rejects.toThrow(/permission denied/);
    });
  });

  it('only apply\'s role may digest the directory\'s row versions (migration 0022)', async () => {
    for (const role of ['reader', 'deliverer'] as const) {
      await asRole(urls[role], async (client) => {
        await expect(client.query('SELECT tenantctl.directory_row_versions()'), role).rejects.toThrow(/permission denied for function directory_row_versions/);
      });
    }
    await asRole(urls.writer, async (client) => {
      const [row] = (await client.query<{ digest: string }>('SELECT tenantctl.directory_row_versions() AS digest')).rows;
      expect(row?.digest).toMatch(/^[0-9a-f]{64}$/);
    });
  });

  it('the reader reads every column of every table but the outbox and users.password_hash', async () => {
    await asRole(urls.reader, async (client) => {
      for (const sql of [
        'SELECT password_hash FROM tenantctl.users',
        'SELECT * FROM tenantctl.users',
        'SELECT to_jsonb(u) FROM tenantctl.users u',
        `SELECT count(*) FROM tenantctl.users WHERE password_hash LIKE 'scrypt%'`,
      ]) {
        await expect(client.query(sql), sql).rejects.toThrow(/permission denied/);
      }
      await client.query('SELECT id, user_principal_name, updated_by, deleted_at FROM tenantctl.users');
    });
    // A column a migration adds but roles.sql does not grant shows up here.
    const hidden = await asRole(owner, (client) => unreadableColumns(client, 'tenantctl_reader'));
    expect(hidden.filter((column) => !column.startsWith('credential_notifications.'))).toEqual(['users.password_hash']);
    expect(hidden).toContain('credential_notifications.sealed_password');
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

  it('the writer writes password hashes but cannot read one back, copy one, or see one in a refusal', async () => {
    await asRole(urls.writer, async (client) => {
      for (const sql of [
        'SELECT password_hash FROM tenantctl.users',
        'UPDATE tenantctl.users SET job_title = password_hash',
        'UPDATE tenantctl.users SET job_title = job_title RETURNING password_hash',
        `DELETE FROM tenantctl.users WHERE password_hash LIKE 'scrypt%'`,
      ]) {
        await expect(client.query(sql), sql).rejects.toThrow(/permission denied/);
      }
      // tenantctl prints a refusal's detail; PostgreSQL leaves out of a failing
      // row the columns the role may not read, so a merge pipeline's log never holds a hash.
      const refusal = await client
        .query(`UPDATE tenantctl.users SET display_name = '' WHERE user_principal_name = 'joep.devries@contoso.com'`)
        .then(() => null, (cause: pg.DatabaseError) => cause);
      expect(refusal?.code).toBe('23514');
      expect(refusal?.detail).toContain('Failing row contains');
      expect(refusal?.detail).not.toContain('scrypt');
    });
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

  it('the deliverer delivers, and reads nothing of the directory but which users are deleted and their names', async () => {
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
      await expect(client.query('SELECT display_name FROM tenantctl.users')).rejects.toThrow(/permission denied/);
      await expect(client.query('SELECT password_hash FROM tenantctl.users')).rejects.toThrow(/permission denied/);
      // The name a user signs in with now: renamed since its credentials were queued, that is the name sent.
      await client.query('SELECT id, deleted_at, user_principal_name FROM tenantctl.users');
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
    // A temporary file a killed deliver left for Lucas's message: the deliverer may lock the row to tell it is no running deliver's, and removes it.
    const { rows: [lucas] } = await asRole(owner, (client) =>
      client.query<{ id: number; user_id: string }>(`SELECT id::int AS id, user_id::text AS user_id FROM tenantctl.credential_notifications WHERE user_principal_name = 'lucas.vandam@contoso.com'`),
    );
    const leftover = `.credentials-${lucas!.id}.${lucas!.user_id}.eml.${'0'.repeat(24)}.tmp`;
    fs.writeFileSync(path.join(pickup, leftover), 'half a message', { mode: 0o600 });
    const restored = await as('deliverer', ['deliver', '--pickup', pickup]);
    expect(restored.stderr).toMatch(new RegExp(`^tenantctl: removed ${leftover.replaceAll('.', '\\.')} from the pickup folder `));
    expect(restored.stderr.trim().split('\n')).toHaveLength(1);
    expect(fs.existsSync(path.join(pickup, leftover))).toBe(false);
    expect(restored.stdout).toContain('Delivered 1 of 1 notification(s)');
    expect(restored.stdout).not.toContain('Held back');
  });

  it('the writer renames, updates, deletes, restores, purges, creates and buys, and appends to the audit trail but cannot rewrite it', async () => {
    config = copyContoso();
    const contoso = YAML.parse(fs.readFileSync(path.join(config, 'users.yaml'), 'utf8')) as { users: UserEntry[] };
    const declared = (upn: string) => contoso.users.find((u) => u.userPrincipalName === upn)!;
    const apply = async (...flags: string[]) => {
      const run = await as('writer', ['apply', '-c', config, '--auto-approve', ...flags]);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
    };
    editUsers(config, (users) =>
      users
        .filter((u) => !['lucas.vandam@contoso.com', 'emma.dekker@contoso.com'].includes(u.userPrincipalName))
        .map((u) => (u.userPrincipalName === 'isabella.janssen@contoso.com' ? { ...u, jobTitle: 'Senior Account Manager' } : u))
        .map((u) => (u.userPrincipalName === 'lotte.smit@contoso.com' ? { ...u, userPrincipalName: 'lotte.jansen@contoso.com', renamedFrom: 'lotte.smit@contoso.com' } : u)),
    );
    // Lotte holds an admin role: renaming her is privileged.
    await apply('--approve-privileged');
    // Emma's 30 days in the recycle bin are over: declared again, her row (and,
    // by cascade as the table's owner, her delivered notification) is purged.
    const emma = await asRole(owner, async (client) => {
      const { rows } = await client.query<{ id: string }>(
        `UPDATE tenantctl.users SET deleted_at = now() - interval '31 days' WHERE user_principal_name = 'emma.dekker@contoso.com' RETURNING id`,
      );
      return rows[0]!.id;
    });
    const notificationsOf = (userId: string) =>
      asRole(owner, async (client) => (await client.query('SELECT id FROM tenantctl.credential_notifications WHERE user_id = $1', [userId])).rowCount);
    expect(await notificationsOf(emma)).toBe(1);
    editUsers(config, (users) => [
      ...users.map(({ renamedFrom: _done, ...u }) => (u.userPrincipalName === 'joep.devries@contoso.com' ? { ...u, licenses: ['O365_BUSINESS_PREMIUM', 'VISIOCLIENT'] } : u)),
      declared('lucas.vandam@contoso.com'),
      declared('emma.dekker@contoso.com'),
    ]);
    await apply('--approve-purchases');
    expect(await notificationsOf(emma)).toBe(0);

    expect((await as('reader', ['plan', '-c', config, '--detailed-exitcode'])).code).toBe(0);
    const history = async () => (await as('reader', ['history', '--format', 'json'])).stdout;
    const before = await history();
    const applies = (JSON.parse(before) as { applies: { databaseRole: string; changes: { kind: string }[]; summary: { purchases: unknown[] } }[] }).applies;
    // Whatever --actor says, the database records whose credentials applied.
    expect(applies[0]?.databaseRole).toBe(new URL(urls.writer).username);
    const kinds = new Set(applies.slice(0, 2).flatMap((a) => a.changes.map((c) => c.kind)));
    for (const kind of ['user.rename', 'user.update', 'user.delete', 'user.restore', 'user.purge', 'user.create', 'license.assign']) expect(kinds).toContain(kind);
    expect(applies[0]?.summary.purchases).toHaveLength(1);

    await asRole(urls.writer, async (client) => {
      const row = `'ci_apply', 'runner', 'sha256:0', '0.1.0', '{}', '[]'`;
      for (const sql of [
        `UPDATE tenantctl.applies SET actor = 'someone else'`,
        'DELETE FROM tenantctl.applies WHERE id = (SELECT max(id) FROM tenantctl.applies)',
        `UPDATE tenantctl.purchases SET approved_by = 'someone else'`,
        'DELETE FROM tenantctl.purchases',
        'TRUNCATE tenantctl.applies CASCADE',
        // Appended rows take their id and time from the database: none slips in between or backdated.
        `INSERT INTO tenantctl.applies (id, actor, host, plan_hash, tool_version, summary, changes) VALUES (2, ${row})`,
        `INSERT INTO tenantctl.applies (applied_at, actor, host, plan_hash, tool_version, summary, changes) VALUES ('2020-01-01', ${row})`,
        `INSERT INTO tenantctl.applies (database_role, actor, host, plan_hash, tool_version, summary, changes) VALUES ('tenantctl_owner', ${row})`,
        `INSERT INTO tenantctl.purchases (id, apply_id, sku, quantity, unit_price, currency, monthly_cost, approved_by, plan_hash)
           VALUES (1, 1, 'VISIOCLIENT', 1, 15, 'USD', 15, 'ci_apply', 'sha256:0')`,
        `INSERT INTO tenantctl.purchases (approved_at, apply_id, sku, quantity, unit_price, currency, monthly_cost, approved_by, plan_hash)
           VALUES ('2020-01-01', 1, 'VISIOCLIENT', 1, 15, 'USD', 15, 'ci_apply', 'sha256:0')`,
        `SELECT setval('tenantctl.applies_id_seq', 1)`,
        // The seat count is the trigger's, as the owner (migration 0027): set by hand, it blocked every apply or lifted the cap (helper-83).
        'UPDATE tenantctl.subscriptions SET consumed = 0',
        // Writes no apply made are kept by the database's own triggers (migration 0016): none can be forged or erased.
        `INSERT INTO tenantctl.other_writes (table_name, operation) VALUES ('users', 'update')`,
        `UPDATE tenantctl.other_writes SET database_role = 'someone else'`,
        'DELETE FROM tenantctl.other_writes',
        'TRUNCATE tenantctl.other_writes',
      ]) {
        await expect(client.query(sql), sql).rejects.toThrow(/permission denied/);
      }
      // Nor pass a write of its own off as a recorded apply's, to be stamped with it (migration 0015).
      await client.query('BEGIN');
      await client.query(`SELECT set_config('tenantctl.apply_id', (SELECT max(id)::text FROM tenantctl.applies), true)`);
      await expect(
        client.query(
          `INSERT INTO tenantctl.user_roles (user_id, role_template_id)
           SELECT id, '62e90394-69f5-4237-9190-012177145e10' FROM tenantctl.users WHERE user_principal_name = 'sanne.visser@contoso.com'`,
        ),
      ).rejects.toThrow(/names no apply recorded in this transaction/);
      await client.query('ROLLBACK');
    });
    expect(await history()).toBe(before);
  });

  // helper-79: the writer records an apply of its own that lists nothing, and writes under its marker.
  it('a forged apply: the database records what its transaction wrote (0024), and its purchases and credentials must be its own (0025)', async () => {
    const applyWrites = (applyId: string) =>
      asRole(owner, async (client) =>
        (
          await client.query<{ table_name: string; operation: string; row_count: string; user_principal_names: string[] }>(
            'SELECT table_name, operation, row_count, user_principal_names FROM tenantctl.apply_writes WHERE apply_id = $1 ORDER BY id',
            [applyId],
          )
        ).rows,
      );
    // The tenant as the writer's applies left it (this test alone, run with -t: applied here).
    const applied = await as('writer', ['apply', '-c', config, '--auto-approve', '--approve-purchases', '--approve-privileged']);
    expect(applied.code, applied.stderr).toBe(0);
    const forged = await asRole(urls.writer, async (client) => {
      await client.query('BEGIN');
      const { rows } = await client.query<{ id: string }>(
        `INSERT INTO tenantctl.applies (actor, host, git_commit, plan_hash, tool_version, summary, changes)
         VALUES ('alice', 'ci-runner', '19f0fc6', 'sha256:0', '1.0.0', '{}', '[]') RETURNING id`,
      );
      const id = rows[0]!.id;
      await client.query(`SELECT set_config('tenantctl.apply_id', $1, true)`, [id]);
      await client.query(
        `INSERT INTO tenantctl.user_roles (user_id, role_template_id)
         SELECT id, '62e90394-69f5-4237-9190-012177145e10' FROM tenantctl.users WHERE user_principal_name = 'sanne.visser@contoso.com'`,
      );
      await client.query(`UPDATE tenantctl.users SET account_enabled = true, password_hash = 'scrypt$forged' WHERE user_principal_name = 'noah.hendriks@contoso.com'`);
      for (const sql of [
        // A purchase or a credential "of" an apply of last month.
        `INSERT INTO tenantctl.purchases (apply_id, sku, quantity, unit_price, currency, monthly_cost, approved_by, plan_hash)
           VALUES (1, 'VISIOCLIENT', 50, 15, 'USD', 750, 'megan.bowen', 'sha256:0')`,
        `INSERT INTO tenantctl.credential_notifications (apply_id, user_id, user_principal_name, recipients, sealed_password, reason)
           SELECT 1, id, user_principal_name, ARRAY['it-desk@contoso.com'], '-----BEGIN AGE ENCRYPTED FILE-----', 'reset' FROM tenantctl.users WHERE user_principal_name = 'noah.hendriks@contoso.com'`,
      ]) {
        await client.query('SAVEPOINT attempt');
        await expect(client.query(sql), sql).rejects.toThrow(/must name the apply recorded in its own transaction, not apply 1/);
        await client.query('ROLLBACK TO SAVEPOINT attempt');
      }
      await client.query('COMMIT');
      return id;
    });
    expect(await applyWrites(forged)).toEqual([
      { table_name: 'user_roles', operation: 'insert', row_count: '1', user_principal_names: ['sanne.visser@contoso.com'] },
      { table_name: 'users', operation: 'update', row_count: '1', user_principal_names: ['noah.hendriks@contoso.com'] },
    ]);
    // history names what the forged record left out, and finds the grant by the user's name.
    const history = await as('reader', ['history', '--limit', '1']);
    expect(history.stdout).toContain(`#${forged} `);
    expect(history.stdout).toContain(
      '  ! the database recorded this apply writing 2 users that none of its recorded changes names: its record is not all it did; ask the database role above\n' +
        '      ! noah.hendriks@contoso.com: users update\n' +
        '      ! sanne.visser@contoso.com: user_roles insert\n',
    );
    const ofSanne = await as('reader', ['history', '--user', 'sanne.visser@contoso.com', '--format', 'json']);
    const applies = (JSON.parse(ofSanne.stdout) as { applies: { id: number; unlistedWrites?: unknown }[] }).applies;
    expect(applies[0]).toMatchObject({ id: Number(forged), unlistedWrites: [{ userPrincipalName: 'sanne.visser@contoso.com', writes: ['user_roles insert'] }] });
    // A real apply's record names every user it wrote.
    expect(applies.slice(1).every((apply) => apply.unlistedWrites === undefined)).toBe(true);
    // helper-84: a forged apply that names lotte for a job title, and makes her Global administrator under it by plain SQL
    // (under the name an earlier test's apply gave her, when the whole file runs).
    const { lotteForged, lotteName } = await asRole(urls.writer, async (client) => {
      await client.query('BEGIN');
      const { rows: [lotte] } = await client.query<{ id: string; upn: string }>(
        `SELECT id::text AS id, user_principal_name AS upn FROM tenantctl.users WHERE user_principal_name IN ('lotte.smit@contoso.com', 'lotte.jansen@contoso.com')`,
      );
      const changes = [{ kind: 'user.update', userPrincipalName: lotte!.upn, userId: lotte!.id, attributes: [{ attribute: 'jobTitle', from: 'HR Advisor', to: 'HR Lead' }] }];
      const { rows } = await client.query<{ id: string }>(
        `INSERT INTO tenantctl.applies (actor, host, plan_hash, tool_version, summary, changes) VALUES ('alice', 'ci-runner', 'sha256:0', '1.0.0', '{}', $1::json) RETURNING id`,
        [JSON.stringify(changes)],
      );
      await client.query(`SELECT set_config('tenantctl.apply_id', $1, true)`, [rows[0]!.id]);
      await client.query(`UPDATE tenantctl.users SET job_title = 'HR Lead' WHERE id = $1`, [lotte!.id]);
      await client.query(`INSERT INTO tenantctl.user_roles (user_id, role_template_id) VALUES ($1, '62e90394-69f5-4237-9190-012177145e10')`, [lotte!.id]);
      await client.query('COMMIT');
      return { lotteForged: Number(rows[0]!.id), lotteName: lotte!.upn };
    });
    const ofLotte = JSON.parse((await as('reader', ['history', '--user', lotteName, '--format', 'json'])).stdout) as { applies: { id: number; unlistedWrites?: unknown }[] };
    expect(ofLotte.applies.filter((apply) => apply.unlistedWrites !== undefined)).toEqual([
      expect.objectContaining({ id: lotteForged, unlistedWrites: [{ userPrincipalName: lotteName, writes: ['user_roles insert'], namedBy: ['user.update'] }] }),
    ]);
    expect((await as('reader', ['history', '--limit', '1'])).stdout).toContain(`      ! ${lotteName}: user_roles insert (its recorded changes of the user: user.update)\n`);
    // helper-87: the writer records a grant of Password administrator to daan and one to lotte, and inserts two roles for
    // lotte alone: per table the counts match and lotte's grant explains her rows, but daan's grant never happened.
    const swapped = await asRole(urls.writer, async (client) => {
      await client.query('BEGIN');
      const grant = (upn: string) => ({ kind: 'role.grant', userPrincipalName: upn, roleTemplateId: '729827e3-9c14-49f7-bb1b-9608f156bbb8', roleName: 'Password administrator' });
      const { rows } = await client.query<{ id: string }>(
        `INSERT INTO tenantctl.applies (actor, host, plan_hash, tool_version, summary, changes) VALUES ('alice', 'ci-runner', 'sha256:0', '1.0.0', '{}', $1::json) RETURNING id`,
        [JSON.stringify([grant('daan.mulder@contoso.com'), grant(lotteName)])],
      );
      await client.query(`SELECT set_config('tenantctl.apply_id', $1, true)`, [rows[0]!.id]);
      // Lotte is Global administrator since the forgery above: Password and Exchange administrator, both hers.
      await client.query(
        `INSERT INTO tenantctl.user_roles (user_id, role_template_id)
         SELECT id, unnest(ARRAY['729827e3-9c14-49f7-bb1b-9608f156bbb8', '29232cdf-9323-42fd-ade2-1d097af3e4de']::uuid[]) FROM tenantctl.users WHERE user_principal_name = $1`,
        [lotteName],
      );
      await client.query('COMMIT');
      return Number(rows[0]!.id);
    });
    const afterSwap = JSON.parse((await as('reader', ['history', '--format', 'json'])).stdout) as {
      applies: { id: number; unwrittenChanges?: unknown; unlistedWrites?: unknown; insertsBeyondRecord?: unknown }[];
    };
    expect(afterSwap.applies.filter((apply) => apply.unwrittenChanges !== undefined)).toEqual([
      expect.objectContaining({ id: swapped, unwrittenChanges: [{ userPrincipalName: 'daan.mulder@contoso.com', kinds: ['role.grant'], writes: ['user_roles insert'] }] }),
    ]);
    expect(afterSwap.applies[0]).toMatchObject({ id: swapped });
    expect(afterSwap.applies[0]?.insertsBeyondRecord).toBeUndefined();
    expect((await as('reader', ['history', '--limit', '1'])).stdout).toContain(
      "  ! the database recorded none of these writes of this apply's recorded changes of 1 user: its record claims what did not happen; ask the database role above\n" +
        '      ! daan.mulder@contoso.com: user_roles insert (its recorded changes of the user: role.grant)\n',
    );
    // helper-82: the marker set in the middle of a statement, by set_config() in its WHERE and RETURNING clauses.
    await asRole(urls.writer, async (client) => {
      await expect(
        client.query(
          `UPDATE tenantctl.users SET password_hash = 'attacker-known', account_enabled = true
            WHERE user_principal_name = 'noah.hendriks@contoso.com' AND set_config('tenantctl.apply_id', '1', true) IS NOT NULL
           RETURNING set_config('tenantctl.apply_id', '1', true) IS NULL`,
        ),
      ).rejects.toThrow(/names no apply recorded in this transaction/);
      // With an apply of its own, the rows are recorded under it, whatever the marker says when the statement ends.
      await client.query('BEGIN');
      const { rows } = await client.query<{ id: string }>(
        `INSERT INTO tenantctl.applies (actor, host, plan_hash, tool_version, summary, changes) VALUES ('alice', 'ci-runner', 'sha256:0', '1.0.0', '{}', '[]') RETURNING id`,
      );
      await client.query(
        `INSERT INTO tenantctl.user_roles (user_id, role_template_id)
         SELECT id, '62e90394-69f5-4237-9190-012177145e10' FROM tenantctl.users
          WHERE user_principal_name = 'isabella.janssen@contoso.com' AND set_config('tenantctl.apply_id', $1, true) IS NOT NULL
         RETURNING set_config('tenantctl.apply_id', '', true)`,
        [rows[0]!.id],
      );
      await client.query('COMMIT');
      expect(await applyWrites(rows[0]!.id)).toEqual([
        { table_name: 'user_roles', operation: 'insert', row_count: '1', user_principal_names: ['isabella.janssen@contoso.com'] },
      ]);
    });
    // helper-82: seats set by hand under a forged apply that lists nothing name no user; history says so all the same.
    const seatsForged = await asRole(urls.writer, async (client) => {
      await client.query('BEGIN');
      const { rows } = await client.query<{ id: string }>(
        `INSERT INTO tenantctl.applies (actor, host, plan_hash, tool_version, summary, changes) VALUES ('alice', 'ci-runner', 'sha256:0', '1.0.0', '{}', '[]') RETURNING id`,
      );
      await client.query(`SELECT set_config('tenantctl.apply_id', $1, true)`, [rows[0]!.id]);
      await client.query(`UPDATE tenantctl.subscriptions SET seats = seats + 498 WHERE sku = 'ENTERPRISEPREMIUM'`);
      await client.query('COMMIT');
      return Number(rows[0]!.id);
    });
    const all = JSON.parse((await as('reader', ['history', '--format', 'json'])).stdout) as { applies: { id: number; unexplainedSeatWrites?: number }[] };
    expect(all.applies.filter((apply) => apply.unexplainedSeatWrites !== undefined)).toEqual([expect.objectContaining({ id: seatsForged, unexplainedSeatWrites: 1 })]);
    expect((await as('reader', ['history', '--limit', '1'])).stdout).toContain(
      '  ! the database recorded this apply writing 1 subscription row (seats) though it bought nothing and wrote no licence; ask the database role above\n',
    );
    // Outside an apply, a credential queued by hand is kept among the other writes, its sealed password not.
    await asRole(owner, async (client) => {
      await client.query(
        `INSERT INTO tenantctl.credential_notifications (apply_id, user_id, user_principal_name, recipients, sealed_password, reason)
         SELECT 1, id, user_principal_name, ARRAY['it-desk@contoso.com'], '-----BEGIN AGE ENCRYPTED FILE----- sealed-secret', 'reset' FROM tenantctl.users WHERE user_principal_name = 'noah.hendriks@contoso.com'`,
      );
      const { rows } = await client.query<{ after: Record<string, unknown> }>(
        `SELECT after FROM tenantctl.other_writes WHERE table_name = 'credential_notifications' AND operation = 'insert' ORDER BY id DESC LIMIT 1`,
      );
      expect(rows[0]?.after).toMatchObject({ user_principal_name: 'noah.hendriks@contoso.com', sealed_password: '(sealed, not kept here)' });
      expect(JSON.stringify(rows)).not.toContain('sealed-secret');
    });
  });

  it('a role without EXECUTE on the row-version function still applies, reading the directory in full under the lock', async () => {
    // As a role given the tables' privileges by hand would be: sql/roles.sql and 0022 grant the function to tenantctl_writer only.
    await asRole(owner, (client) => client.query('REVOKE EXECUTE ON FUNCTION tenantctl.directory_row_versions() FROM tenantctl_writer'));
    // Never edit the example itself (this test alone, run with -t).
    if (config === 'examples/contoso') config = copyContoso();
    try {
      editUsers(config, (users) => users.map((u) => (u.userPrincipalName === 'isabella.janssen@contoso.com' ? { ...u, jobTitle: 'Head of Accounts' } : u)));
      const run = await runCli(['apply', '-c', config, '--auto-approve', '--approve-purchases', '--approve-privileged'], {
        env: { TENANTCTL_DATABASE_URL: urls.writer, TENANTCTL_DEBUG_TRACE: '1' },
      });
      expect(run.stderr).not.toMatch(/permission denied|^Error/m);
      expect(run.code).toBe(0);
      expect(run.stderr).not.toContain('directory_row_versions');
      // The directory read before planning, and again under the lock.
      expect(run.stderr.match(/^tenantctl debug: statement in transaction: SELECT … FROM users$/gm)?.length).toBeGreaterThanOrEqual(2);
      expect((await as('reader', ['plan', '-c', config, '--detailed-exitcode'])).code).toBe(0);
    } finally {
      await asRole(owner, (client) => client.query('GRANT EXECUTE ON FUNCTION tenantctl.directory_row_versions() TO tenantctl_writer'));
    }
  });

  it('the writer leaves the catalog to init, and queues credentials only as undelivered', async () => {
    await asRole(urls.writer, async (client) => {
      for (const sql of [
        `UPDATE tenantctl.subscriptions SET unit_price = 0`,
        `UPDATE tenantctl.subscriptions SET purchasable = false WHERE sku = 'VISIOCLIENT'`,
        `INSERT INTO tenantctl.subscriptions (sku, product_name, seats, unit_price, currency) VALUES ('FREE', 'Free', 100, 0, 'USD')`,
        `DELETE FROM tenantctl.subscriptions WHERE sku = 'O365_BUSINESS_ESSENTIALS'`,
        `UPDATE tenantctl.domains SET verified = true`,
        `UPDATE tenantctl.user_roles SET granted_at = now()`,
        `UPDATE tenantctl.license_assignments SET sku = 'VISIOCLIENT'`,
        `INSERT INTO tenantctl.credential_notifications (apply_id, user_id, user_principal_name, recipients, delivered_at)
           SELECT 1, id, user_principal_name, '{it-desk@contoso.com}', now() FROM tenantctl.users LIMIT 1`,
      ]) {
        await expect(client.query(sql), sql).rejects.toThrow(/permission denied/);
      }
    });
  });

  it('the writer cannot pass a write of its own off as init\'s (migration 0017)', async () => {
    const marked = async (url: string, sql: string) =>
      asRole(url, async (client) => {
        await client.query('BEGIN');
        await client.query(`SELECT set_config('tenantctl.command', 'init', true), set_config('tenantctl.actor', 'alice', true)`);
        await client.query(sql);
        await client.query('COMMIT');
      });
    const newest = async () =>
      asRole(owner, async (client) => (await client.query<{ command: string | null; actor: string | null; table_name: string }>(
        'SELECT command, actor, table_name FROM tenantctl.other_writes ORDER BY id DESC LIMIT 1',
      )).rows[0]);
    const title = await asRole(owner, async (client) => (await client.query<{ job_title: string }>(`SELECT job_title FROM tenantctl.users WHERE user_principal_name = 'sanne.visser@contoso.com'`)).rows[0]?.job_title);
    await marked(urls.writer, `UPDATE tenantctl.subscriptions SET seats = seats + 20 WHERE sku = 'ENTERPRISEPREMIUM'`);
    // Kept as written outside tenantctl, with the actor it claimed: the writer cannot run init.
    expect(await newest()).toEqual({ command: null, actor: 'alice', table_name: 'subscriptions' });
    await marked(owner, `UPDATE tenantctl.users SET job_title = 'Backdoor' WHERE user_principal_name = 'sanne.visser@contoso.com'`);
    // init never writes the directory, whoever marks the write.
    expect(await newest()).toEqual({ command: null, actor: 'alice', table_name: 'users' });
    await marked(owner, `UPDATE tenantctl.subscriptions SET seats = seats - 20 WHERE sku = 'ENTERPRISEPREMIUM'`);
    expect(await newest()).toEqual({ command: 'init', actor: 'alice', table_name: 'subscriptions' });
    const history = await as('reader', ['history', '--limit', '3']);
    // The claimed actor is not shown as if init had been told it.
    expect(history.stdout).toMatch(/^outside tenantctl \S+ \S+ UTC by database role writer_[0-9a-f]+ — changed the catalog$/m);
    await asRole(owner, (client) => client.query(`UPDATE tenantctl.users SET job_title = $1 WHERE user_principal_name = 'sanne.visser@contoso.com'`, [title]));

    // Entries kept before 0017 with a forged mark lose it when it runs; init's own keep theirs.
    const writer = new URL(urls.writer).username;
    const labels = await asRole(owner, async (client) => {
      const ownerRole = (await client.query<{ role: string }>('SELECT session_user AS role')).rows[0]!.role;
      await client.query(
        `INSERT INTO tenantctl.other_writes (command, actor, table_name, operation, database_role) VALUES
           ('init', 'forged-1', 'subscriptions', 'update', $1), ('init', 'forged-2', 'users', 'update', $2), ('init', 'real', 'subscriptions', 'update', $2)`,
        [writer, ownerRole],
      );
      await client.query('SET search_path TO tenantctl');
      await client.query(listMigrations().find((m) => m.version === 17)!.sql);
      await client.query('RESET search_path');
      return (await client.query<{ actor: string; command: string | null }>(
        `SELECT actor, command FROM tenantctl.other_writes WHERE actor IN ('forged-1', 'forged-2', 'real') ORDER BY actor`,
      )).rows;
    });
    expect(labels).toEqual([{ actor: 'forged-1', command: null }, { actor: 'forged-2', command: null }, { actor: 'real', command: 'init' }]);
  });

  it('a table a later migration adds is granted to no role until roles.sql names it', async () => {
    await asRole(owner, async (client) => {
      await client.query('CREATE TABLE tenantctl.added_later (id int)');
      try {
        await client.query(ROLES_SQL);
        expect((await grantedPrivileges(client)).filter((grant) => grant.includes('added_later'))).toEqual([]);
      } finally {
        await client.query('DROP TABLE tenantctl.added_later');
      }
    });
  });

  it('a tenant whose roles.sql predates migration 0011 gets from the migrations since what roles.sql grants now', async () => {
    await asRole(owner, async (client) => {
      const granted = await grantedPrivileges(client);
      await client.query(ROLES_SQL_0010);
      // As 0022 creates its function: anyone may run it, until the migration says who.
      await client.query('GRANT EXECUTE ON FUNCTION tenantctl.directory_row_versions() TO PUBLIC');
      await client.query('REVOKE EXECUTE ON FUNCTION tenantctl.directory_row_versions() FROM tenantctl_writer');
      expect(await grantedPrivileges(client)).not.toEqual(granted);
      await client.query('SET search_path TO tenantctl');
      for (const migration of listMigrations().filter((m) => m.version > 10)) await client.query(migration.sql);
      expect(await grantedPrivileges(client)).toEqual(granted);
      // Running roles.sql again changes nothing.
      await client.query('RESET search_path');
      await client.query(ROLES_SQL);
      expect(await grantedPrivileges(client)).toEqual(granted);
    });
    const plan = await as('reader', ['plan', '-c', config, '--detailed-exitcode']);
    expect(plan.stderr).toBe('');
    expect(plan.code).toBe(0);
  });

  it('where roles.sql never ran, the migrations since 0010 grant its roles nothing', async () => {
    const elsewhere = (await postgresTestUrl('least_privilege_no_roles')) ?? '';
    const init = await runCli(['init', '--catalog', 'examples/contoso/catalog.yaml'], { env: { TENANTCTL_DATABASE_URL: elsewhere } });
    expect(init.code, init.stderr).toBe(0);
    // 0010 and 0023 grant the deliverer these wherever the role exists; without roles.sql's USAGE on the schema they open nothing.
    expect(await asRole(elsewhere, grantedPrivileges)).toEqual([
      'tenantctl_deliverer SELECT users(deleted_at)',
      'tenantctl_deliverer SELECT users(id)',
      'tenantctl_deliverer SELECT users(user_principal_name)',
    ]);
  });
});

describePostgres('sql/roles.sql run by an owner who may not create roles', { timeout: 120_000 }, () => {
  it('stops before changing anything, naming CREATEROLE and how to give it; with CREATEROLE it runs', async () => {
    const admin = (await postgresTestUrl('roles_sql_no_createrole')) ?? '';
    const suffix = randomBytes(4).toString('hex');
    const ownerRole = `owner_${suffix}`;
    await asRole(admin, async (client) => {
      await client.query(`CREATE ROLE ${escapeIdentifier(ownerRole)} LOGIN`);
      await client.query(`ALTER DATABASE ${escapeIdentifier(new URL(admin).pathname.slice(1))} OWNER TO ${escapeIdentifier(ownerRole)}`);
    });
    const url = new URL(admin);
    url.username = ownerRole;
    url.password = '';
    const ownerUrl = url.toString();
    const init = await runCli(['init', '--catalog', 'examples/contoso/catalog.yaml'], { env: { TENANTCTL_DATABASE_URL: ownerUrl } });
    expect(init.code, init.stderr).toBe(0);
    // The group roles are cluster-wide and other files create them: this run's own names stand for a cluster that has none yet.
    const script = ROLES_SQL.replaceAll(/tenantctl_(reader|writer|deliverer)/g, `tenantctl_$1_${suffix}`);
    const refused = await asRole(ownerUrl, (client) => client.query(script).then(() => null, (cause: unknown) => cause as { message: string; hint?: string }));
    expect(refused?.message).toBe(
      `roles.sql creates the group roles tenantctl_reader_${suffix}, tenantctl_writer_${suffix} and tenantctl_deliverer_${suffix}, and the role ${ownerRole} may not create roles; nothing was changed`,
    );
    expect(refused?.hint).toBe(`give the owner CREATEROLE as a superuser (ALTER ROLE ${ownerRole} CREATEROLE), which granting the roles to login roles needs too, and run roles.sql again`);
    await asRole(admin, (client) => client.query(`ALTER ROLE ${escapeIdentifier(ownerRole)} CREATEROLE`));
    await asRole(ownerUrl, async (client) => {
      await client.query(script);
      const { rows } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_roles WHERE rolname LIKE 'tenantctl\\_%\\_${suffix}'`);
      expect(rows[0]?.n).toBe(3);
    });
  });
});

describePostgres('a database URL naming a role the server does not know', () => {
  it('is refused in one line that gives the server\'s reason, not only "authentication rejected"', async () => {
    const url = new URL((await postgresTestUrl('unknown_role')) ?? '');
    url.username = `nobody_${randomBytes(4).toString('hex')}`;
    const run = await runCli(['plan', ...CONTOSO], { env: { TENANTCTL_DATABASE_URL: url.toString() } });
    expect(run).toMatchObject({
      code: 1,
      stdout: '',
      stderr: `Error: cannot connect to ${url.toString()}: authentication rejected by the server (role "${url.username}" does not exist)\n`,
    });
  });
});
