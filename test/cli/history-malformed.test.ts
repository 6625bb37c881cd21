// The writer may append an apply row of anything (sql/roles.sql; README, "What
// the audit trail can and cannot prove"). history shows such a row, with what
// is not a change left out, instead of failing with an internal error
// (helper-73), and says which of its parts are not as apply writes them: each
// is checked against the schemas of what apply writes, not only for a kind and
// a user (helper-79), so that no renderer meets a shape it does not know.
import fs from 'node:fs';
import path from 'node:path';
import { startPGlite } from '../../src/db/embedded-database.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readHistory } from '../../src/audit/read-history.js';
import { renderHistoryJson } from '../../src/render/history-json.js';
import { renderHistoryText } from '../../src/render/history-text.js';
import { runCli, tempDir } from '../support/cli.js';
import { contosoFolder } from '../support/contoso-database.js';

const UPN = 'isabella.janssen@contoso.com';

const INSERT = `INSERT INTO tenantctl.applies (actor, host, plan_hash, tool_version, summary, changes, approvals) VALUES ('by-hand', 'x', 'sha256:x', 'x', $1::jsonb, $2::json, $3::jsonb)`;

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
const historySchema = JSON.parse(fs.readFileSync(new URL('../../schemas/history.schema.json', import.meta.url), 'utf8')) as object;
const validateHistory = addFormats(new Ajv2020({ strict: true, allowUnionTypes: true })).compile(historySchema);

describe('history of an apply row the writer appended by hand', { timeout: 120_000 }, () => {
  it('lists it, whatever its changes hold, in text and JSON, with and without --user', async () => {
    const database = contosoFolder('applied', path.join(tempDir('tenantctl-history-malformed-'), 'db'));
    const db = startPGlite(database);
    try {
      for (const changes of [`["${UPN}"]`, `{"userPrincipalName": "${UPN}"}`, `[{"kind": "user.update"}, 7, null, {"userPrincipalName": "${UPN}"}]`, `"${UPN}"`]) {
        await db.query(`INSERT INTO tenantctl.applies (actor, host, plan_hash, tool_version, summary, changes) VALUES ('by-hand', 'x', 'x', 'x', '{}', $1::json)`, [changes]);
      }
    } finally {
      await db.close();
    }
    const env = { TENANTCTL_DATABASE_URL: database };
    const text = await runCli(['history'], { env });
    expect(text.stderr).toBe('');
    expect(text.code).toBe(0);
    expect(text.stdout.match(/by by-hand on x/g)).toHaveLength(4);
    const json = await runCli(['history', '--format', 'json'], { env });
    expect(json.code, json.stderr).toBe(0);
    const entries = (JSON.parse(json.stdout) as { applies: { actor: string; changes: unknown[] }[] }).applies.filter((a) => a.actor === 'by-hand');
    expect(entries.map((a) => a.changes)).toEqual([[], [], [], []]);
    const user = await runCli(['history', '--user', UPN], { env });
    expect(user.stderr).toBe('');
    expect(user.code).toBe(0);
  });

  it('says which parts of a row are not in the shape apply writes, and shows the rest, in text and JSON', async () => {
    const database = contosoFolder('applied', path.join(tempDir('tenantctl-history-malformed-'), 'db'));
    const one = (kind: string) => `[{"kind": "${kind}", "userPrincipalName": "${UPN}"}]`;
    // Each crashed history (text) with "This is a bug in tenantctl" before these parts were checked.
    const rows: [string, string, string | null][] = [
      ['null', '[]', null],
      ['{"purchases": [{}]}', '[]', null],
      ['{}', one('role.grant'), null],
      ['{}', one('user.frobnicate'), null],
      ['{}', one('user.update'), null],
      ['{}', one('constructor'), null],
      ['{"create": 0, "update": 0, "delete": 0, "seatsToPurchase": 0, "byKind": {}}', '[]', '[1]'],
    ];
    const db = startPGlite(database);
    try {
      for (const row of rows) await db.query(INSERT, row);
    } finally {
      await db.close();
    }
    const env = { TENANTCTL_DATABASE_URL: database };
    const text = await runCli(['history', '--limit', String(rows.length)], { env });
    expect(text.stderr).toBe('');
    expect(text.code).toBe(0);
    const notes = text.stdout.match(/^ {2}! entry #\d+: .*$/gm) ?? [];
    expect(notes.map((note) => note.replace(/#\d+/, '#N'))).toEqual([
      '  ! entry #N: its recorded approvals are not in the shape apply writes; shown as far as they can be',
      '  ! entry #N: its recorded summary and changes are not in the shape apply writes; shown as far as they can be',
      '  ! entry #N: its recorded summary and changes are not in the shape apply writes; shown as far as they can be',
      '  ! entry #N: its recorded summary and changes are not in the shape apply writes; shown as far as they can be',
      '  ! entry #N: its recorded summary and changes are not in the shape apply writes; shown as far as they can be',
      '  ! entry #N: its recorded summary is not in the shape apply writes; shown as far as it can be',
      '  ! entry #N: its recorded summary is not in the shape apply writes; shown as far as it can be',
    ]);
    expect(text.stdout).toContain('approvals: not in the shape apply writes\n');
    expect(text.stdout).toContain('      ~ user.frobnicate: not in the shape apply writes (see --format json)\n');
    expect(text.stdout).toContain('      ~ role.grant: not in the shape apply writes (see --format json)\n');
    const user = await runCli(['history', '--user', UPN, '--limit', '4'], { env });
    expect(user.code, user.stderr).toBe(0);
    expect(user.stdout).toContain('the whole apply: not known (its summary is not in the shape apply writes)');
    const json = await runCli(['history', '--format', 'json'], { env });
    expect(json.code, json.stderr).toBe(0);
    const document = JSON.parse(json.stdout) as { applies: { actor: string; summary: unknown; approvals: unknown; changes: unknown[] }[] };
    expect(validateHistory(document), JSON.stringify(validateHistory.errors)).toBe(true);
    const byHand = document.applies.filter((a) => a.actor === 'by-hand');
    expect(byHand.map((a) => a.approvals)).toEqual([null, null, null, null, null, null, null]);
    expect(byHand.map((a) => a.changes.length)).toEqual([0, 1, 1, 1, 1, 0, 0]);
  });

  it('leaves out a change nested thousands of levels deep, with a note, instead of failing half-way through the JSON', async () => {
    const database = contosoFolder('applied', path.join(tempDir('tenantctl-history-malformed-'), 'db'));
    // JSON.stringify overflowed the stack from about 4,500 levels: every `history --format json` exited 1 after "applies": [.
    const deep = `${'['.repeat(6000)}${']'.repeat(6000)}`;
    const changes = `[{"kind": "user.update", "userPrincipalName": "${UPN}", "attributes": [{"attribute": "jobTitle", "from": null, "to": ${deep}}]}]`;
    const db = startPGlite(database);
    try {
      await db.query(INSERT, ['{"create": 0, "update": 1, "delete": 0}', changes, null]);
    } finally {
      await db.close();
    }
    const env = { TENANTCTL_DATABASE_URL: database };
    for (const args of [['history'], ['history', '--user', UPN]]) {
      const json = await runCli([...args, '--format', 'json'], { env });
      expect(json.stderr).toBe('');
      expect(json.code).toBe(0);
      const document = JSON.parse(json.stdout) as { applies: { actor: string; changes: unknown[] }[] };
      expect(validateHistory(document), JSON.stringify(validateHistory.errors)).toBe(true);
      expect(document.applies.find((a) => a.actor === 'by-hand')?.changes).toEqual([]);
      const text = await runCli(args, { env });
      expect(text.stderr).toBe('');
      expect(text.code).toBe(0);
    }
    const text = await runCli(['history', '--limit', '1'], { env });
    expect(text.stdout).toContain('1 recorded item that is not a change is left out');
  });

  it('never fails on any JSON in a row, in text or JSON (property)', async () => {
    const db = startPGlite(null);
    try {
      await db.exec(`CREATE SCHEMA tenantctl; SET search_path TO tenantctl;
        CREATE TABLE applies (id bigserial PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now(), actor text NOT NULL, database_role text DEFAULT current_user,
          host text NOT NULL, git_commit text, config_hash text, plan_hash text NOT NULL, tool_version text NOT NULL, summary jsonb NOT NULL, changes json NOT NULL,
          settings jsonb, approvals jsonb, plan_digest text);
        CREATE TABLE other_writes (id bigserial PRIMARY KEY, written_at timestamptz NOT NULL DEFAULT now(), table_name text NOT NULL, operation text NOT NULL,
          user_id uuid, user_principal_name text, before jsonb, after jsonb);
        CREATE TABLE apply_writes (id bigserial PRIMARY KEY, apply_id bigint NOT NULL, table_name text NOT NULL, operation text NOT NULL,
          row_count bigint NOT NULL, user_ids uuid[] NOT NULL DEFAULT '{}', user_principal_names text[] NOT NULL DEFAULT '{}', credential_writes jsonb);
        CREATE TABLE purchases (id bigserial PRIMARY KEY, apply_id bigint NOT NULL)`);
      const change = fc.oneof(
        fc.jsonValue(),
        fc.record({ kind: fc.oneof(fc.constantFrom('role.grant', 'user.update', 'user.create', 'user.delete', 'user.restore', 'user.rename', 'license.assign', '__proto__', 'toString'), fc.string()), userPrincipalName: fc.constantFrom(UPN, 'X@contoso.com') }, { requiredKeys: ['kind'] })
          .chain((base) => fc.dictionary(fc.constantFrom('roleName', 'attributes', 'license', 'before', 'notify', 'deletedAt', 'restorableUntil', 'fromUserPrincipalName', 'risks', 'accountEnabled'), fc.jsonValue()).map((rest) => ({ ...rest, ...base }))),
      );
      const summary = fc.oneof(fc.jsonValue(), fc.dictionary(fc.constantFrom('create', 'update', 'delete', 'seatsToPurchase', 'byKind', 'purchases', 'cost'), fc.jsonValue()));
      await fc.assert(
        // jsonb refuses the character U+0000, which therefore no row holds.
        fc.asyncProperty(fc.tuple(summary, fc.oneof(fc.jsonValue(), fc.array(change)), fc.jsonValue()).filter((row) => !JSON.stringify(row).includes('\\u0000')), async ([s, c, a]) => {
          await db.query('DELETE FROM applies');
          await db.query('DELETE FROM apply_writes');
          await db.query(`INSERT INTO applies (actor, host, plan_hash, tool_version, summary, changes, approvals) VALUES ('m', 'h', 'sha256:p', 'v', $1::jsonb, $2::json, $3::jsonb)`, [JSON.stringify(s ?? null), JSON.stringify(c ?? null), JSON.stringify(a ?? null)]);
          // What the database recorded it writing, named or not by the changes.
          await db.query(`INSERT INTO apply_writes (apply_id, table_name, operation, row_count, user_principal_names) SELECT max(id), 'user_roles', 'insert', 2, $1 FROM applies`, [[UPN, 'Y@contoso.com']]);
          await db.query(`INSERT INTO apply_writes (apply_id, table_name, operation, row_count) SELECT max(id), 'subscriptions', 'update', 1 FROM applies`);
          // And a password hash and policy changed (migration 0030), which any change's attributes may or may not explain.
          await db.query(
            `INSERT INTO apply_writes (apply_id, table_name, operation, row_count, user_principal_names, credential_writes) SELECT max(id), 'users', 'update', 1, $1, $2::jsonb FROM applies`,
            [[UPN], JSON.stringify([{ userId: '00000000-0000-0000-0000-000000000001', userPrincipalName: UPN, columns: ['password_hash', 'password_policies'] }])],
          );
          for (const user of [null, UPN]) {
            const entries = await readHistory({ query: async (sql, params) => (await db.query(sql, params as unknown[])).rows as never }, { user });
            renderHistoryText(entries, user);
            const document = JSON.parse(renderHistoryJson(entries, user)) as unknown;
            expect(validateHistory(document), JSON.stringify(validateHistory.errors)).toBe(true);
          }
        }),
        { seed: 79, numRuns: 300 },
      );
    } finally {
      await db.close();
    }
  });
});
