// The audit trail beyond applies (migration 0016): what init writes (the
// catalog's prices, seats and domains, the outbox key) and anything written
// outside tenantctl is kept row by row with the database role, so a Global
// administrator granted with psql and revoked an hour later, which drift no
// longer sees, is still in `history`.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readOtherWrites, type OtherWritesEntry } from '../../src/audit/read-other-writes.js';
import type { Database } from '../../src/db/database.js';
import { renderHistoryText } from '../../src/render/history-text.js';
import { runCli, tempDir, type CliResult } from '../support/cli.js';
import { ENGINES } from '../support/engines.js';
import { postgresTestUrl } from '../support/postgres.js';
import { applyContext, applyContoso, loadContosoCatalog, tamper, TAMPERING } from '../drift/contoso-tenant.js';
import { databaseRows } from '../support/database-rows.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
const schema = JSON.parse(fs.readFileSync(new URL('../../schemas/history.schema.json', import.meta.url), 'utf8')) as object;
const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
addFormats(ajv);
const validate = ajv.compile(schema);

const GLOBAL_ADMINISTRATOR = '62e90394-69f5-4237-9190-012177145e10';

describe.each(ENGINES)('other writes ($name database)', (engine) => {
  let db: Database;
  let session: string;

  beforeAll(async () => {
    if (engine.skip) return;
    ({ db } = await engine.open('other_writes'));
    await loadContosoCatalog(db);
    await applyContoso(db, applyContext('alice', null));
    await tamper(db);
    session = (await db.query<{ role: string }>('SELECT session_user AS role'))[0]!.role;
  });
  afterAll(async () => {
    await db?.close();
  });

  it.skipIf(engine.skip)('keep each write no apply made, one entry per transaction, by the database role, and none of the apply\'s', async () => {
    const entries = await readOtherWrites(db);
    // Each tampering statement ran on its own; before them, the catalog and the outbox key; the apply in between is not here.
    expect(entries).toHaveLength(TAMPERING.length + 2);
    expect(new Set(entries.map((e) => [e.databaseRole, e.command, e.actor, e.host].join()))).toEqual(new Set([`${session},,,`]));
    expect(entries.at(-1)?.writes).toMatchObject([{ table: 'outbox_key', operation: 'insert' }]);
    const catalog = entries.at(-2)!;
    expect(new Set(catalog.writes.map((w) => w.table))).toEqual(new Set(['domains', 'subscriptions', 'service_plans', 'service_plan_dependencies', 'service_plan_unavailable_countries']));
    expect(catalog.writes.find((w) => w.table === 'subscriptions' && w.key.sku === 'ENTERPRISEPACK')).toMatchObject({
      operation: 'insert', before: null, after: { sku: 'ENTERPRISEPACK', seats: 3, unit_price: 20, currency: 'USD', consumed: 0 },
    });
    const [unexpired, , , , licensed, granted, created, , , , retitled] = entries.map((e) => e.writes);
    // An update keeps only what changed, not the stamps the attribution triggers write.
    expect(retitled).toEqual([{
      table: 'users', operation: 'update', userId: expect.any(String), userPrincipalName: 'joep.devries@contoso.com',
      key: { id: expect.any(String) }, before: { job_title: 'Sales Lead' }, after: { job_title: 'Sales Director' },
    }]);
    expect(unexpired).toMatchObject([{ table: 'users', userPrincipalName: 'fenna.deboer@contoso.com', after: { password_temporary: false } }]);
    expect(created).toMatchObject([{ table: 'users', operation: 'insert', userPrincipalName: 'mallory@contoso.com', after: { display_name: 'Mallory', password_hash: null } }]);
    expect(granted).toMatchObject([{ table: 'user_roles', operation: 'insert', userPrincipalName: 'mallory@contoso.com', key: { role_template_id: GLOBAL_ADMINISTRATOR } }]);
    // The seat count the licence moved is not an entry of its own.
    expect(licensed).toMatchObject([{ table: 'license_assignments', operation: 'insert', userPrincipalName: 'mallory@contoso.com', key: { sku: 'O365_BUSINESS_PREMIUM' } }]);
  });

  it.skipIf(engine.skip)('pick out one user\'s, and show them in the history with their apply', async () => {
    const entries = await readOtherWrites(db, { user: 'Alex.Wilber@contoso.com' });
    expect(entries.map((e) => e.writes.map((w) => `${w.table} ${w.operation}`))).toEqual([['user_roles delete']]);
    expect(renderHistoryText([], 'alex.wilber@contoso.com', entries)).toBe(
      'Applies and other writes that changed alex.wilber@contoso.com (or renamed it from that name), newest first; each lists only its changes to that user.\n\n' +
        `outside tenantctl ${entries[0]!.writtenAt.slice(0, 10)} ${entries[0]!.writtenAt.slice(11, 16)} UTC by database role ${session} — changed 1 user\n` +
        '  ~ alex.wilber@contoso.com (updated)\n' +
        '      - role: Exchange administrator\n',
    );
    expect(await readOtherWrites(db, { user: 'mallory@contoso.com', limit: 2 })).toHaveLength(2);
    expect(await readOtherWrites(db, { since: new Date(Date.now() + 86_400_000) })).toEqual([]);
  });

  it.skipIf(engine.skip)('cannot be written around: a password hash is never kept, and a reverted grant stays', async () => {
    await db.query(`UPDATE users SET password_hash = 'scrypt$forged' WHERE user_principal_name = 'joep.devries@contoso.com'`);
    const grant = `INSERT INTO user_roles (user_id, role_template_id) SELECT id, '${GLOBAL_ADMINISTRATOR}' FROM users WHERE user_principal_name = 'sanne.visser@contoso.com'`;
    await db.query(grant);
    await db.query(`DELETE FROM user_roles WHERE role_template_id = '${GLOBAL_ADMINISTRATOR}' AND user_id = (SELECT id FROM users WHERE user_principal_name = 'sanne.visser@contoso.com')`);
    const [revoked, granted, hashed] = await readOtherWrites(db, { limit: 3 });
    expect(hashed?.writes).toMatchObject([{ before: { password_hash: '(a hash, not kept here)' }, after: { password_hash: '(a hash, not kept here)' } }]);
    expect(JSON.stringify(await readOtherWrites(db))).not.toMatch(/scrypt/);
    const text = renderHistoryText([], null, [revoked, granted] as OtherWritesEntry[]);
    expect(text.match(/^ {6}[+-] role: .*$/gm)).toEqual(['      - role: Global administrator', '      + role: Global administrator']);
  });

  it.skipIf(engine.skip)('a user deleted for good is one user, its released roles and licences under its name', async () => {
    await db.query(`DELETE FROM users WHERE user_principal_name = 'daan.mulder@contoso.com'`);
    const [deleted] = await readOtherWrites(db, { limit: 1 });
    // The cascade's rows too, though they are deleted after the user's row is gone (migration 0019).
    expect(deleted?.writes.map((w) => [w.table, w.userPrincipalName])).toEqual(deleted?.writes.map((w) => [w.table, 'daan.mulder@contoso.com']));
    expect(deleted?.writes.map((w) => w.table)).toContain('license_assignments');
    const text = renderHistoryText([], null, [deleted] as OtherWritesEntry[]);
    expect(text).toMatch(/— changed 1 user\n/);
    expect(text).toMatch(/^ {2}- daan\.mulder@contoso\.com \(deleted for good\)$/m);
    expect(text).toContain('      - license: STANDARDPACK');
    expect(text).not.toMatch(/user [0-9a-f]{8}-/);
  });
});

// The CLI's side of the same trail. The engine is not its subject (the cases
// above run on both): the database is on the test server when it runs, where a
// CLI process costs a third of one that starts the embedded database.
describe('history of init and of writes outside tenantctl', { timeout: 120_000 }, () => {
  let dir: string;
  let database: string;
  /** The role the out-of-band writes run as, which history names. */
  let role: string;
  let env: Record<string, string>;
  let catalog: string;
  const history = async (...args: string[]) => ok(await runCli(['history', ...args], { env }));
  const historyJson = async (...args: string[]) => {
    const document = JSON.parse((await history('--format', 'json', ...args)).stdout) as { formatVersion: string; otherWrites: OtherWritesEntry[] };
    expect(validate(document), JSON.stringify(validate.errors)).toBe(true);
    return document;
  };

  function ok(run: CliResult): CliResult {
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    return run;
  }

  const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

  /** SQL as an administrator with psql would run it, while no tenantctl command runs. */
  const outOfBand = async (sql: string): Promise<void> => void (await databaseRows(database, `SET search_path TO tenantctl; ${sql}`));

  beforeAll(async () => {
    dir = tempDir('tenantctl-other-writes-');
    const url = await postgresTestUrl('other_writes_cli');
    database = url ?? path.join(dir, 'db');
    role = url === null ? 'postgres' : (await databaseRows<{ role: string }>(database, 'SELECT session_user AS role'))[0]!.role;
    env = { TENANTCTL_DATABASE_URL: database, TENANTCTL_OUTBOX_KEY: path.join(dir, 'outbox.key') };
    catalog = path.join(dir, 'catalog.yaml');
    fs.copyFileSync('examples/contoso/catalog.yaml', catalog);
  });
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('names init, its actor and host for the catalog it loads and the key it sets; reloading the same file writes nothing', async () => {
    ok(await runCli(['init', '--catalog', catalog, '--actor', 'carol'], { env }));
    ok(await runCli(['init', '--catalog', catalog, '--actor', 'carol'], { env }));
    const first = await historyJson();
    expect(first.formatVersion).toBe('1.7');
    expect(first.otherWrites.map((e) => [e.command, e.actor, e.host, [...new Set(e.writes.map((w) => w.table))].sort()])).toEqual([
      ['init', 'carol', os.hostname(), ['domains', 'service_plan_dependencies', 'service_plan_unavailable_countries', 'service_plans', 'subscriptions']],
      ['init', 'carol', os.hostname(), ['outbox_key']],
    ]);
    expect(JSON.stringify(first)).not.toMatch(/AGE-SECRET-KEY/);
  });

  it('shows who changed a price or seats with init --catalog, and what from and to', async () => {
    fs.writeFileSync(catalog, fs.readFileSync(catalog, 'utf8').replace('unitPrice: 20.00', 'unitPrice: 0.01').replace(/(sku: ENTERPRISEPACK\n.*\n {4})seats: 3\n/, '$1seats: 30\n'));
    ok(await runCli(['init', '--catalog', catalog, '--actor', 'mallory'], { env }));
    const [changed] = (await historyJson('--limit', '1')).otherWrites;
    expect(changed).toMatchObject({ command: 'init', actor: 'mallory' });
    expect(changed?.writes).toEqual([{
      table: 'subscriptions', operation: 'update', userId: null, userPrincipalName: null,
      key: { sku: 'ENTERPRISEPACK' }, before: { seats: 3, unit_price: 20 }, after: { seats: 30, unit_price: 0.01 },
    }]);
    const text = (await history('--limit', '1')).stdout;
    expect(text).toMatch(new RegExp(`^init \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC by mallory on ${os.hostname()} \\(database role ${escapeRegExp(role)}\\) — changed the catalog\\n`));
    expect(text).toContain('  ~ subscription ENTERPRISEPACK (updated)\n      ~ seats: 3 → 30\n      ~ unitPrice: 20 → 0.01\n');
  });

  it('keeps a Global administrator granted and revoked outside tenantctl, which drift no longer sees, beside the applies', async () => {
    ok(await runCli(['apply', '-c', 'examples/contoso', '--auto-approve', '--approve-purchases', '--approve-privileged', '--actor', 'alice'], { env }));
    const user = `(SELECT id FROM users WHERE user_principal_name = 'sanne.visser@contoso.com')`;
    await outOfBand(`INSERT INTO user_roles (user_id, role_template_id) VALUES (${user}, '${GLOBAL_ADMINISTRATOR}');
      UPDATE users SET job_title = E'Head of \\u001b[2JEverything' WHERE id = ${user};`);
    await outOfBand(`DELETE FROM user_roles WHERE user_id = ${user}; UPDATE users SET job_title = 'Financial Analyst' WHERE id = ${user};`);
    const drift = await runCli(['drift', '-c', 'examples/contoso'], { env });
    expect(drift.code).toBe(0);

    const text = (await history('--user', 'sanne.visser@contoso.com')).stdout;
    expect(text.match(/^\S.*$/gm)).toEqual([
      'Applies and other writes that changed sanne.visser@contoso.com (or renamed it from that name), newest first; each lists only its changes to that user.',
      expect.stringMatching(new RegExp(`^outside tenantctl .* UTC by database role ${escapeRegExp(role)} — changed 1 user$`)),
      expect.stringMatching(new RegExp(`^outside tenantctl .* UTC by database role ${escapeRegExp(role)} — changed 1 user$`)),
      expect.stringMatching(/^#1 .* by alice on /),
    ]);
    expect(text).toContain('      + role: Global administrator\n      ~ jobTitle: "Financial Analyst" → "Head of \\u001b[2JEverything"\n');
    expect(text).toContain('      - role: Global administrator\n      ~ jobTitle: "Head of \\u001b[2JEverything" → "Financial Analyst"\n');
    expect(text).not.toContain('\u001b');
    // The whole trail, newest first, applies and other writes alike, and --limit over both.
    expect((await history()).stdout.match(/^(#\d+|init|outside tenantctl) /gm)).toEqual(['outside tenantctl ', 'outside tenantctl ', '#1 ', 'init ', 'init ', 'init ']);
    expect((await history('--limit', '3')).stdout.match(/^(#\d+|init|outside tenantctl) /gm)).toEqual(['outside tenantctl ', 'outside tenantctl ', '#1 ']);
  });
});
