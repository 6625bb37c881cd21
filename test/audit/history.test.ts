import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readHistory, type HistoryEntry } from '../../src/audit/read-history.js';
import type { Database } from '../../src/db/database.js';
import { migrate } from '../../src/db/migrate.js';
import { openDatabase } from '../../src/db/open-database.js';
import { renderHistoryJson } from '../../src/render/history-json.js';
import { renderHistoryText } from '../../src/render/history-text.js';
import { ENGINES } from '../support/engines.js';
import { applyContext, applyContoso, loadContosoCatalog, tamper } from '../drift/contoso-tenant.js';
import { runCli } from '../drift/run-cli.js';
import { installTestOutboxKey, TEST_OUTBOX_IDENTITY } from '../support/outbox-key.js';
import { openSealed } from '../../src/outbox/seal.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
const schema = JSON.parse(fs.readFileSync(new URL('../../schemas/history.schema.json', import.meta.url), 'utf8')) as object;
const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
addFormats(ajv);
const validate = ajv.compile(schema);

const FIRST_COMMIT = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
const SECOND_COMMIT = 'f00dfeed00000000000000000000000000000000+dirty';

/** Apply times, plan hashes (which cover the planning time) and database roles differ per run or engine; the first apply is back-dated to a fixed one. */
const masked = (text: string) =>
  text.replace(/#2 \d{4}-\d\d-\d\d \d\d:\d\d UTC/, '#2 <apply time>').replace(/^ {2}plan sha256:[0-9a-f]{12}; database role [^;]+;/gm, '  plan <hash>; database role <role>;');

/** Two applies: the contoso example, then undoing the tampering drift tests find. */
async function twoApplies(db: Database): Promise<void> {
  await loadContosoCatalog(db);
  await applyContoso(db, applyContext('alice', FIRST_COMMIT));
  await tamper(db);
  await applyContoso(db, applyContext('bob', SECOND_COMMIT));
  await db.query(`UPDATE applies SET applied_at = '2016-01-04T09:15:00Z' WHERE id = 1`);
}

const ids = (entries: readonly HistoryEntry[]) => entries.map((entry) => entry.id);

describe.each(ENGINES)('history ($name database)', (engine) => {
  let db: Database;

  beforeAll(async () => {
    if (engine.skip) return;
    ({ db } = await engine.open('history'));
    await twoApplies(db);
  });
  afterAll(async () => {
    await db?.close();
  });

  it.skipIf(engine.skip)('lists both applies, newest first, with actor, commit and changes', async () => {
    const entries = await readHistory(db);
    expect(ids(entries)).toEqual([2, 1]);
    expect(entries.map((e) => [e.actor, e.host, e.gitCommit])).toEqual([
      ['bob', 'test-host', SECOND_COMMIT],
      ['alice', 'test-host', FIRST_COMMIT],
    ]);
    expect(entries[1]?.summary).toMatchObject({ create: 13, update: 0, delete: 0, seatsToPurchase: 2 });
    expect(entries[0]?.changes.map((c) => `${c.kind} ${c.userPrincipalName}`)).toEqual([
      'role.grant alex.wilber@contoso.com',
      'user.restore emma.dekker@contoso.com',
      'user.update joep.devries@contoso.com',
      'user.unblock lotte.smit@contoso.com',
      'license.remove lucas.vandam@contoso.com',
      'license.update pieter.bakker@contoso.com',
    ]);
    const text = renderHistoryText(entries);
    expect(text).toMatch(/^#2 \d{4}-\d\d-\d\d \d\d:\d\d UTC by bob on test-host \(commit f00dfee\+dirty\) — 1 restored, 5 updated\n/);
    await expect(masked(text)).toMatchFileSnapshot('./__snapshots__/contoso-history.txt');
  });

  it.skipIf(engine.skip)('--limit keeps the newest; --since keeps the recent', async () => {
    expect(ids(await readHistory(db, { limit: 1 }))).toEqual([2]);
    expect(ids(await readHistory(db, { since: new Date(Date.now() - 7 * 86_400_000) }))).toEqual([2]);
    expect(ids(await readHistory(db, { since: new Date('2016-01-04T09:15:00Z') }))).toEqual([2, 1]);
    expect(ids(await readHistory(db, { since: new Date('2016-01-04T09:15:01Z'), limit: 5 }))).toEqual([2]);
    expect(ids(await readHistory(db, { since: new Date(Date.now() + 86_400_000) }))).toEqual([]);
  });

  it.skipIf(engine.skip)('picks out one user\'s changes, in plan order, in any case of its UPN', async () => {
    const entries = await readHistory(db, { user: 'ALEX.Wilber@contoso.com' });
    expect(entries.map((e) => [e.id, e.changes.map((c) => c.kind)])).toEqual([
      [2, ['role.grant']],
      [1, ['user.create', 'license.assign', 'license.assign', 'role.grant', 'role.grant']],
    ]);
    expect(entries[1]?.summary).toMatchObject({ create: 13 });
    expect(await readHistory(db, { user: 'alex.wilber@contoso.com', limit: 1 })).toHaveLength(1);
    expect(await readHistory(db, { user: 'emma.dekker@contoso.com', since: new Date('2016-01-04T09:15:01Z') })).toHaveLength(1);
    expect(await readHistory(db, { user: 'nobody@contoso.com' })).toEqual([]);
  });

  it.skipIf(engine.skip)('writes JSON the schema accepts', async () => {
    const json = JSON.parse(renderHistoryJson(await readHistory(db))) as { formatVersion: string; applies: { id: number }[] };
    expect(validate(json), JSON.stringify(validate.errors)).toBe(true);
    expect(json.formatVersion).toBe('1.7');
    expect(json.applies.map((a) => a.id)).toEqual([2, 1]);
  });

  it.skipIf(engine.skip)('records how each apply was confirmed and each approval its plan needed, no other', async () => {
    const [second, first] = await readHistory(db);
    // The first apply buys seats and grants Global administrator; the second grants Exchange administrator.
    expect(first?.approvals).toEqual({ confirmation: 'flag', purchase: 'flag', privileged: 'flag' });
    const [session] = await db.query<{ role: string }>('SELECT session_user AS role');
    expect([first?.databaseRole, second?.databaseRole]).toEqual([session?.role, session?.role]);
    expect(second?.approvals).toEqual({ confirmation: 'flag', privileged: 'flag' });
    expect(renderHistoryText(first ? [first] : [])).toContain(
      `\n  plan ${first?.planHash.slice(0, 19)}; database role ${first?.databaseRole}; confirmed by --auto-approve; purchase approved by --approve-purchases; privileged changes approved by --approve-privileged\n`,
    );
  });

  it.skipIf(engine.skip)('says when an apply predates the recording of approvals, or its record is not one tenantctl wrote', async () => {
    const [, first] = await readHistory(db);
    if (!first) throw new Error('no first apply');
    expect(renderHistoryText([{ ...first, approvals: null, databaseRole: null }])).toMatch(/^#1 .*\n {2}plan sha256:[0-9a-f]{12}; database role not recorded; approvals: not recorded \(applied before tenantctl recorded them\)\n/);
    const forged = { ...first, approvals: { confirmation: 'by the CEO\u001b[2J' } } as unknown as HistoryEntry;
    expect(renderHistoryText([forged])).toContain('; confirmed by "by the CEO\\u001b[2J"\n');
  });

  it.skipIf(engine.skip)('names the admin roles and licences a deletion released, and until when the apply made it restorable', async () => {
    const [, first] = await readHistory(db);
    if (!first) throw new Error('no first apply');
    const before = { ...first.changes.find((c) => c.kind === 'user.create')?.after, roles: ['Global administrator', 'Pass\u202eword administrator'], licenses: [{ sku: 'ENTERPRISEPACK', disabledPlans: ['SWAY'] }] };
    const deletion = {
      kind: 'user.delete', userPrincipalName: 'alex.wilber@contoso.com', userId: '00000000-0000-0000-0000-000000000001',
      // What a saved plan backdated to 1970 says: the window counts from the apply the database recorded (2016-01-04).
      restorableUntil: '1970-01-31T00:00:00.000Z', address: 'users/alex.wilber@contoso.com', risks: ['deletion', 'privileged'], before, after: null,
    } as unknown as HistoryEntry['changes'][number];
    const text = renderHistoryText([{ ...first, changes: [deletion] }]);
    expect(text.split('\n').slice(2)).toEqual([
      // What the apply bought, each subscription as apply said it (helper-67: an auditor of spending asks first).
      '  bought 1 × ENTERPRISEPACK (Office 365 Enterprise E3) at $20.00: +$20.00/month',
      '  bought 1 × VISIOCLIENT (Visio Pro for Office 365) at $15.00: +$15.00/month',
      '  - alex.wilber@contoso.com (deleted)',
      '      - user: moved to deleted users; its licenses and roles are released; restorable until 2016-02-03',
      '      - role: Global administrator (released)',
      '      - role: Pass\\u202eword administrator (released)',
      '      - license: ENTERPRISEPACK (released)',
      '',
    ]);
    // Recorded before plans carried the state before (format 2.0): the deletion alone.
    const { before: _before, ...older } = deletion as unknown as Record<string, unknown>;
    expect(renderHistoryText([{ ...first, changes: [older as unknown as HistoryEntry['changes'][number]] }])).not.toContain('(released)');
  });

  it.skipIf(engine.skip)('shows no password, temporary or hashed, in any format', async () => {
    const sealed = await db.query<{ sealed: string }>('SELECT sealed_password AS sealed FROM credential_notifications WHERE sealed_password IS NOT NULL');
    const hashes = await db.query<{ secret: string }>('SELECT password_hash AS secret FROM users WHERE password_hash IS NOT NULL');
    const opened = await Promise.all(sealed.map(async (r) => ({ secret: await openSealed([TEST_OUTBOX_IDENTITY], r.sealed) })));
    const secrets = [...opened, ...hashes];
    expect(secrets.length).toBeGreaterThanOrEqual(26);
    const entries = await readHistory(db);
    const shown = [renderHistoryText(entries), renderHistoryJson(entries)].join('\n');
    for (const { secret } of secrets) expect(shown).not.toContain(secret);
    expect(shown).not.toMatch(/scrypt\$/);
  });
});

describe.each(ENGINES)('history of more than nine applies ($name database)', (engine) => {
  let db: Database;

  beforeAll(async () => {
    if (engine.skip) return;
    ({ db } = await engine.open('history-order'));
    // Thirteen applies; the odd ones change megan.bowen. Ids 10 to 13 sort before 2 as text.
    await db.query(
      `INSERT INTO applies (actor, host, plan_hash, tool_version, summary, changes)
       SELECT 'carol', 'test-host', 'sha256:00', '0.0.0-test', '{}',
              json_build_array(json_build_object('kind', 'user.update', 'userPrincipalName', CASE WHEN n % 2 = 1 THEN 'megan.bowen@contoso.com' ELSE 'alex.wilber@contoso.com' END))
         FROM generate_series(1, 13) AS n ORDER BY n`,
    );
  });
  afterAll(async () => {
    await db?.close();
  });

  it.skipIf(engine.skip)('lists them newest first by number, and --limit keeps the newest', async () => {
    expect(ids(await readHistory(db))).toEqual([13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
    expect(ids(await readHistory(db, { limit: 1 }))).toEqual([13]);
    expect(ids(await readHistory(db, { limit: 3, since: new Date('2016-01-01T00:00:00Z') }))).toEqual([13, 12, 11]);
    expect(ids(await readHistory(db, { user: 'megan.bowen@contoso.com' }))).toEqual([13, 11, 9, 7, 5, 3, 1]);
    expect(ids(await readHistory(db, { user: 'Alex.Wilber@contoso.com', limit: 2 }))).toEqual([12, 10]);
  });
});

describe('the history command', () => {
  let directory: string;
  const database = () => ['--database', path.join(directory, 'db')];

  beforeAll(async () => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantctl-history-'));
    const db = await openDatabase({ url: path.join(directory, 'db'), actor: 'test', lockTimeoutMs: 1000, create: true });
    try {
      await migrate(db);
      await installTestOutboxKey(db);
      await twoApplies(db);
    } finally {
      await db.close();
    }
  });
  afterAll(() => {
    fs.rmSync(directory, { recursive: true, force: true });
  });

  it('prints the trail as text, newest first', async () => {
    const run = await runCli(['history', ...database()]);
    expect(run.exitCode).toBeUndefined();
    expect(run.stdout.match(/^#\d+ /gm)).toEqual(['#2 ', '#1 ']);
    expect(run.stdout).toContain('#1 2016-01-04 09:15 UTC by alice on test-host (commit a1b2c3d) — 13 created; bought 2 seats (+$35.00/month)');
  });

  it('takes --limit, --since and --format json', async () => {
    const limited = JSON.parse((await runCli(['history', ...database(), '--limit', '1', '--format', 'json'])).stdout) as { applies: { id: number }[] };
    expect(limited.applies.map((a) => a.id)).toEqual([2]);
    const recent = JSON.parse((await runCli(['history', ...database(), '--since', '7d', '--format', 'json'])).stdout) as { applies: { id: number }[] };
    expect(recent.applies.map((a) => a.id)).toEqual([2]);
    const all = await runCli(['history', ...database(), '--since', '2016-01-01']);
    expect(all.stdout.match(/^#\d+ /gm)).toEqual(['#2 ', '#1 ']);
  });

  it('--user keeps the applies that changed one user, and of each only its changes', async () => {
    const run = await runCli(['history', ...database(), '--user', 'Joep.DeVries@contoso.com']);
    expect(run.exitCode).toBeUndefined();
    // Between the applies, the job title changed outside tenantctl (migration 0016 keeps it).
    expect(run.stdout).toMatch(/^Applies and other writes that changed Joep\.DeVries@contoso\.com \(or renamed it from that name\), newest first; each lists only its changes to that user\.\n\n#2 /);
    expect(run.stdout.match(/^(#\d+|outside tenantctl) .*/gm)).toEqual([
      expect.stringMatching(/^#2 .* — the whole apply: 1 restored, 5 updated$/),
      expect.stringMatching(/^outside tenantctl .* by database role \S+ — changed 1 user$/),
      '#1 2016-01-04 09:15 UTC by alice on test-host (commit a1b2c3d) — the whole apply: 13 created; bought 2 seats (+$35.00/month)',
    ]);
    expect(run.stdout.match(/^ {2}[+~-] \S+/gm)).toEqual(['  ~ joep.devries@contoso.com', '  ~ joep.devries@contoso.com', '  + joep.devries@contoso.com']);
    expect(run.stdout).toContain('~ jobTitle: "Sales Lead" → "Sales Director"');
    expect(run.stdout).toContain('~ jobTitle: "Sales Director" → "Sales Lead"');
    const json = JSON.parse((await runCli(['history', ...database(), '--user', 'alex.wilber@contoso.com', '--limit', '1', '--format', 'json'])).stdout) as {
      user: string;
      applies: { id: number; changes: { kind: string; userPrincipalName: string }[] }[];
    };
    expect(validate(json), JSON.stringify(validate.errors)).toBe(true);
    expect(json.user).toBe('alex.wilber@contoso.com');
    expect(json.applies.map((a) => [a.id, a.changes.map((c) => `${c.kind} ${c.userPrincipalName}`)])).toEqual([[2, ['role.grant alex.wilber@contoso.com']]]);
    expect((await runCli(['history', ...database(), '--user', 'nobody@contoso.com'])).stdout).toBe('No apply recorded changed nobody@contoso.com, and nothing else wrote it.\n');
  });

  it('--user follows a rename by its old name, and by its new one back to the applies under the old', async () => {
    const db = await openDatabase({ url: path.join(directory, 'db'), actor: 'test', lockTimeoutMs: 1000 });
    try {
      const changes = JSON.stringify([{ kind: 'user.rename', userPrincipalName: 'joep.janssen@contoso.com', fromUserPrincipalName: 'joep.devries@contoso.com', userId: '00000000-0000-0000-0000-000000000001' }]);
      await db.query(`INSERT INTO applies (actor, host, plan_hash, tool_version, summary, changes) VALUES ('carol', 'test-host', 'sha256:00', '0.0.0-test', '{}', $1::json)`, [changes]);
    } finally {
      await db.close();
    }
    const json = JSON.parse((await runCli(['history', ...database(), '--user', 'joep.devries@contoso.com', '--format', 'json'])).stdout) as { applies: { id: number; approvals: unknown }[] };
    expect(json.applies.map((a) => [a.id, a.approvals])).toEqual([[3, null], [2, expect.anything()], [1, expect.anything()]]);
    expect((await runCli(['history', ...database(), '--user', 'joep.janssen@contoso.com'])).stdout.match(/^#\d+ /gm)).toEqual(['#3 ', '#2 ', '#1 ']);
  });

  it('refuses a bad --since, --limit, --user or --format', async () => {
    expect((await runCli(['history', ...database(), '--user', 'joep'])).stderr).toContain('--user takes a user principal name such as megan.bowen@contoso.com (got "joep")');
    expect(await runCli(['history', ...database(), '--since', 'last week'])).toMatchObject({ exitCode: 1, stdout: '' });
    expect((await runCli(['history', ...database(), '--limit', '0'])).stderr).toContain('--limit takes a whole number of entries, at least 1');
    expect((await runCli(['history', ...database(), '--format', 'markdown'])).stderr).toContain("argument 'markdown' is invalid. Use text or json.");
  });
});

describe('history with nothing in its window', () => {
  it('says since when nothing was recorded, not that nothing ever was', () => {
    expect(renderHistoryText([], null, [], null, new Date('2026-12-05T21:09:00Z'))).toBe('No applies or other writes recorded since 2026-12-05T21:09:00.000Z.\n');
    expect(renderHistoryText([])).toBe('No applies recorded.\n');
  });
});
