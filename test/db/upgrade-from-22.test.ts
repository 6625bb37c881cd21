// Upgrading a populated database made by the previous release (schema
// version 22): every other test creates its database with the current
// migrations, so nothing else checks that 0023 onwards run on real rows, nor
// that the commands still read what an older tenantctl wrote.
//
// test/fixtures/upgrade-from-22/schema-22.sql is the tenantctl schema of a
// database that tenantctl at commit b5dbf30 (migrations 0001–0022) made and
// used. It was made like this (PostgreSQL 15, the test outbox key of
// test/support/outbox-key.ts, so that deliver here can open the sealed
// credentials; fake tenant, test data only):
//
//   git worktree add /tmp/old b5dbf30 && ln -s "$PWD/node_modules" /tmp/old/node_modules
//   cd /tmp/old && npm run build --silent
//   export TENANTCTL_DATABASE_URL=postgres://…/upg22 TENANTCTL_OUTBOX_KEY=/tmp/tenantctl-test-outbox-$(id -u).key
//   cp -r examples/contoso /tmp/cfg
//   node dist/cmd/tenantctl.js init --catalog examples/contoso/catalog.yaml
//   node dist/cmd/tenantctl.js apply -c /tmp/cfg --auto-approve --approve-purchases --approve-privileged --actor alice --commit 1111111
//   (README tour step 4's edits of /tmp/cfg/users.yaml: Joep Head of Sales, Sanne's Sway off, Lucas removed, Tim added)
//   node dist/cmd/tenantctl.js apply -c /tmp/cfg --auto-approve --approve-purchases --actor alice --commit 2222222
//   (Tim renamed: userPrincipalName tim.wit@contoso.com, renamedFrom: tim.dewit@contoso.com)
//   node dist/cmd/tenantctl.js apply -c /tmp/cfg --auto-approve --actor bob --commit 3333333
//   psql "$TENANTCTL_DATABASE_URL" \
//     -c "UPDATE tenantctl.users SET job_title = 'Office Manager' WHERE user_principal_name = 'emma.dekker@contoso.com'" \
//     -c "INSERT INTO tenantctl.users (user_principal_name, display_name, mail_nickname) VALUES ('helpdesk.temp@contoso.com', 'Helpdesk Temp', 'helpdesk.temp')"
//   pg_dump --schema=tenantctl --no-owner --no-privileges --inserts --rows-per-insert=100 "$TENANTCTL_DATABASE_URL" \
//     | sed -e '/^\\restrict /d' -e '/^\\unrestrict /d' > test/fixtures/upgrade-from-22/schema-22.sql
//   (then the first line of the file, which points here, was added by hand)
//
// No deliver ran: the 14 credentials the old release queued are all still
// queued (Tim's under his old name, Lucas's for a deleted user). The rows'
// dates are those of that run (2026-12-06, Lucas restorable until
// 2027-01-05): nothing asserted below depends on today's date.
// test/fixtures/upgrade-from-22/config is /tmp/cfg as the third apply left it.
// --inserts because the pg client cannot feed COPY … FROM stdin; the
// \restrict lines are psql's and mean nothing to the server.
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { listMigrations } from '../../src/db/migrate.js';
import { ROOT, runCli, tempDir } from '../support/cli.js';
import { describePostgres, postgresTestUrl } from '../support/postgres.js';

const FIXTURE = path.join(ROOT, 'test', 'fixtures', 'upgrade-from-22');
const LATEST = Math.max(...listMigrations().map((migration) => migration.version));

interface HistoryJson {
  applies: { id: number; actor: string; gitCommit: string; changes: { kind: string; userPrincipalName: string }[]; unlistedWrites?: unknown; unexplainedSeatWrites?: unknown }[];
  otherWrites: { writes: { table: string; operation: string; userPrincipalName: string | null }[] }[];
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client(url);
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

describePostgres('a populated database made by the release with schema version 22', { timeout: 120_000 }, () => {
  let url: string;
  let config: string;
  let pickup: string;
  const cli = (args: string[]) => runCli(args, { env: { TENANTCTL_DATABASE_URL: url } });

  beforeAll(async () => {
    url = (await postgresTestUrl('upgrade_from_22')) ?? '';
    await query(url, fs.readFileSync(path.join(FIXTURE, 'schema-22.sql'), 'utf8'));
    config = tempDir('tenantctl-upgrade-config-');
    fs.cpSync(path.join(FIXTURE, 'config'), config, { recursive: true });
    pickup = tempDir('tenantctl-upgrade-pickup-');
  });
  afterAll(() => {
    fs.rmSync(config, { recursive: true, force: true });
    fs.rmSync(pickup, { recursive: true, force: true });
  });

  it('migrates from version 22 to the latest, keeping every row', async () => {
    const [before] = await query<{ version: number }>(url, 'SELECT max(version) AS version FROM tenantctl.schema_migrations');
    expect(before?.version).toBe(22);
    const init = await cli(['init']);
    expect(init.stderr).toBe('');
    expect(init.code).toBe(0);
    expect(init.stdout).toMatch(new RegExp(`^Schema: migrated from version 22 to ${LATEST} \\(0023_`));
    const [counts] = await query<{ users: string; applies: string; queued: string }>(
      url,
      `SELECT (SELECT count(*) FROM tenantctl.users) AS users, (SELECT count(*) FROM tenantctl.applies) AS applies,
              (SELECT count(*) FROM tenantctl.credential_notifications WHERE delivered_at IS NULL) AS queued`,
    );
    expect(counts).toEqual({ users: '15', applies: '3', queued: '14' });
    // Running it again migrates nothing.
    const again = await cli(['init']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).not.toMatch(/migrated/);
  });

  it("shows the old release's applies and outside writes, none of them flagged", async () => {
    const text = await cli(['history']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stderr).toBe('');
    expect(text.stdout).toMatch(/^#3 .* by bob .*\(commit 3333333\) — 1 renamed$/m);
    expect(text.stdout).toMatch(/^#1 .* by alice .*\(commit 1111111\) — 13 created; bought 2 seats \(\+\$35\.00\/month\)$/m);
    // Neither "not in the shape apply writes" nor "the database recorded this apply writing …".
    expect(text.stdout).not.toMatch(/not in the shape|database recorded this apply|^\s*!/m);

    const json = await cli(['history', '--format', 'json']);
    expect(json.code, json.stderr).toBe(0);
    const history = JSON.parse(json.stdout) as HistoryJson;
    expect(history.applies.map((apply) => [apply.id, apply.gitCommit, apply.unlistedWrites, apply.unexplainedSeatWrites])).toEqual([
      [3, '3333333', undefined, undefined],
      [2, '2222222', undefined, undefined],
      [1, '1111111', undefined, undefined],
    ]);
    expect(history.applies[0]?.changes.map((change) => change.kind)).toEqual(['user.rename', 'user.update']);
    const outside = history.otherWrites.flatMap((entry) => entry.writes).filter((write) => write.table === 'users');
    expect(outside.map((write) => `${write.operation} ${write.userPrincipalName}`).sort()).toEqual([
      'insert helpdesk.temp@contoso.com',
      'update emma.dekker@contoso.com',
    ]);
  });

  it('plans only the outside change back, and applies an edit whose writes the database records', async () => {
    const plan = await cli(['plan', '-c', config, '--format', 'json']);
    expect(plan.code, plan.stderr).toBe(0);
    const changes = (JSON.parse(plan.stdout) as { changes: { kind: string; userPrincipalName: string }[] }).changes;
    expect(changes.map((change) => `${change.kind} ${change.userPrincipalName}`)).toEqual(['user.update emma.dekker@contoso.com']);

    const users = path.join(config, 'users.yaml');
    fs.writeFileSync(users, fs.readFileSync(users, 'utf8').replace('jobTitle: Head of Sales', 'jobTitle: Sales Director'));
    const apply = await cli(['apply', '-c', config, '--auto-approve', '--actor', 'carol', '--commit', '4444444']);
    expect(apply.code, apply.stderr).toBe(0);
    expect(apply.stdout).toMatch(/^Apply #4 complete: 2 change\(s\) committed in one transaction\.\n {2}changed \(2\): emma\.dekker@contoso\.com, joep\.devries@contoso\.com$/m);

    const after = await cli(['plan', '-c', config, '--detailed-exitcode']);
    expect(after.code, after.stdout).toBe(0);
    expect(after.stdout).toMatch(/^No changes\. The tenant matches the configuration\.$/m);

    // Migration 0024's triggers run on the upgraded tables: the new apply's writes are recorded, the old ones have none.
    const recorded = await query<{ apply_id: string; names: string[] }>(
      url,
      `SELECT apply_id::text, array_agg(DISTINCT n ORDER BY n) AS names
         FROM tenantctl.apply_writes, unnest(user_principal_names) AS n GROUP BY apply_id`,
    );
    expect(recorded).toEqual([{ apply_id: '4', names: ['emma.dekker@contoso.com', 'joep.devries@contoso.com'] }]);
    const history = JSON.parse((await cli(['history', '--format', 'json'])).stdout) as HistoryJson;
    expect(history.applies.map((entry) => [entry.id, entry.unlistedWrites, entry.unexplainedSeatWrites])).toEqual([
      [4, undefined, undefined],
      [3, undefined, undefined],
      [2, undefined, undefined],
      [1, undefined, undefined],
    ]);
  });

  it('reports the unmanaged user the old release saw added by SQL as drift', async () => {
    const drift = await cli(['drift', '-c', config]);
    expect(drift.code, drift.stderr).toBe(2);
    expect(drift.stdout).toMatch(/^Users nobody manages \(1\):\n {2}~ helpdesk\.temp@contoso\.com /m);
    expect(drift.stdout).not.toMatch(/Changed outside tenantctl/);
  });

  it('delivers the credentials the old release queued, under the current names', async () => {
    const deliver = await cli(['deliver', '--pickup', pickup]);
    expect(deliver.code, deliver.stderr).toBe(0);
    expect(deliver.stdout).toMatch(/^delivered credentials of tim\.wit@contoso\.com to tim\.dewit@example\.org, it-desk@contoso\.com$/m);
    expect(deliver.stdout).toMatch(/^Delivered 13 of 13 notification\(s\) via the pickup folder /m);
    const mails = fs.readdirSync(pickup).filter((name) => name.endsWith('.eml'));
    expect(mails).toHaveLength(13);
    const tim = mails.map((name) => fs.readFileSync(path.join(pickup, name), 'utf8')).filter((mail) => /^To: tim\.dewit@example\.org/m.test(mail));
    expect(tim).toHaveLength(1);
    expect(tim[0]).toMatch(/^Subject: Your new Office 365 account: tim\.wit@contoso\.com$/m);

    const again = await cli(['deliver', '--pickup', pickup]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/^Nothing to deliver\.$/m);
  });

  it('exports the upgraded directory as configuration', async () => {
    const out = path.join(tempDir('tenantctl-upgrade-export-'), 'users.yaml');
    try {
      const exported = await cli(['export', '--out', out]);
      expect(exported.code, exported.stderr).toBe(0);
      expect(exported.stderr).toMatch(/^Exported 14 users to /m);
      expect(fs.readFileSync(out, 'utf8')).toMatch(/userPrincipalName: tim\.wit@contoso\.com/);
    } finally {
      fs.rmSync(path.dirname(out), { recursive: true, force: true });
    }
  });
});
