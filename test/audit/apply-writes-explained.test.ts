// history compares what the database recorded an apply writing to each user
// (apply_writes, migration 0024) with what the changes its record names can
// write (WRITES_OF): a forged apply naming lotte for a job title, under which
// lotte was also made Global administrator by plain SQL, was not flagged
// because lotte was named at all (helper-84). Real applies of every kind of
// change must show nothing.
import fs from 'node:fs';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { unlistedWrites, unwrittenChanges, type RecordedWrites } from '../../src/audit/read-apply-writes.js';
import type { AppliedChange, HistoryEntry } from '../../src/audit/read-history.js';
import { renderHistoryText } from '../../src/render/history-text.js';
import { copyContoso, runCli, tempDir } from '../support/cli.js';
import { openDatabase } from '../../src/db/open-database.js';
import type { Database } from '../../src/db/database.js';
import { contosoFolder, contosoPostgres } from '../support/contoso-database.js';
import { ENGINES } from '../support/engines.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
const historySchema = JSON.parse(fs.readFileSync(new URL('../../schemas/history.schema.json', import.meta.url), 'utf8')) as object;
const validateHistory = addFormats(new Ajv2020({ strict: true, allowUnionTypes: true })).compile(historySchema);

const LOTTE = 'lotte.smit@contoso.com';
const GLOBAL_ADMINISTRATOR = '62e90394-69f5-4237-9190-012177145e10';
const PASSWORD_ADMINISTRATOR = '729827e3-9c14-49f7-bb1b-9608f156bbb8';
const EXCHANGE_ADMINISTRATOR = '29232cdf-9323-42fd-ade2-1d097af3e4de';
const APPROVE_ALL = ['--auto-approve', '--approve-purchases', '--approve-privileged', '--approve-deletions'];

const recorded = (users: Record<string, readonly string[]>): RecordedWrites => ({
  users: new Map(Object.entries(users).map(([upn, writes]) => [upn.toLowerCase(), { userPrincipalName: upn, writes }])),
  unexplainedSeatRows: 0,
  insertedRows: new Map(),
});
const change = (kind: string, userPrincipalName: string, more: object = {}) => ({ kind, userPrincipalName, ...more }) as unknown as AppliedChange;

describe('the writes an apply records to the users its changes name', () => {
  it('names a user its changes name but wrote in a way none of them does, with those changes', () => {
    const writes = recorded({ [LOTTE]: ['user_roles insert', 'users update'], 'sanne.visser@contoso.com': ['user_roles insert'] });
    expect(unlistedWrites(writes, [change('user.update', LOTTE)], null)).toEqual([
      { userPrincipalName: LOTTE, writes: ['user_roles insert'], namedBy: ['user.update'] },
      { userPrincipalName: 'sanne.visser@contoso.com', writes: ['user_roles insert'] },
    ]);
    // A grant the record lists explains the insert; the stamp needs no change of its own.
    expect(unlistedWrites(writes, [change('user.update', LOTTE), change('role.grant', LOTTE), change('role.grant', 'sanne.visser@contoso.com')], null)).toEqual([]);
    // A kind no apply writes (the writer's word) explains nothing but the stamp.
    expect(unlistedWrites(recorded({ [LOTTE]: ['users update', 'users delete'] }), [change('user.forged', LOTTE)], null)).toEqual([
      { userPrincipalName: LOTTE, writes: ['users delete'], namedBy: ['user.forged'] },
    ]);
  });

  it('prints the kinds the writer recorded escaped, on the user\'s one line', () => {
    const entry = {
      id: 7, appliedAt: '2026-12-06T07:00:00.000Z', actor: 'alice', databaseRole: 'ci', host: 'x', gitCommit: null, configHash: null, planHash: 'sha256:0', toolVersion: '1.0.0',
      summary: { create: 0, restore: 0, rename: 0, update: 1, delete: 0, seatsToPurchase: 0, byKind: {} }, changes: [], approvals: null,
      unlistedWrites: [{ userPrincipalName: LOTTE, writes: ['user_roles insert'], namedBy: ['user.update\n::error::forged'] }],
    } as unknown as HistoryEntry;
    const text = renderHistoryText([entry]);
    expect(text).toContain(`      ! ${LOTTE}: user_roles insert (its recorded changes of the user: user.update\\u000a::error::forged)\n`);
    expect(text).not.toMatch(/^::error::/m);
  });

  it('names a user a recorded change names for a write the database never recorded for that user', () => {
    const DAAN = 'daan.mulder@contoso.com';
    // helper-87: grants recorded to daan and lotte, both rows lotte's.
    const writes = recorded({ [LOTTE]: ['user_roles insert', 'users update'] });
    const grants = [change('role.grant', DAAN), change('role.grant', LOTTE)];
    expect(unwrittenChanges(writes, grants, null)).toEqual([{ userPrincipalName: DAAN, kinds: ['role.grant'], writes: ['user_roles insert'] }]);
    // With --user, that user's names alone.
    expect(unwrittenChanges(writes, grants, new Set([LOTTE]))).toEqual([]);
    expect(unwrittenChanges(writes, grants, new Set([DAAN]))).toHaveLength(1);
    // Before migration 0024 an apply has no recorded writes: nothing to compare.
    expect(unwrittenChanges(undefined, grants, null)).toEqual([]);
    // A licence update may write nothing; a kind no apply writes claims no write.
    expect(unwrittenChanges(recorded({}), [change('license.update', DAAN), change('user.forged', DAAN)], null)).toEqual([]);
    // A rename's other changes find the user under its new name, where the rename's update names it too.
    const renamed = recorded({ 'lotte.jansen@contoso.com': ['user_roles insert', 'users update'], [LOTTE]: ['users update'] });
    expect(
      unwrittenChanges(renamed, [change('user.rename', 'lotte.jansen@contoso.com', { fromUserPrincipalName: LOTTE }), change('role.grant', 'lotte.jansen@contoso.com')], null),
    ).toEqual([]);
  });

  it('prints the users whose recorded changes wrote nothing, ten by name', () => {
    const entry = {
      id: 7, appliedAt: '2026-12-06T07:00:00.000Z', actor: 'alice', databaseRole: 'ci', host: 'x', gitCommit: null, configHash: null, planHash: 'sha256:0', toolVersion: '1.0.0',
      summary: { create: 0, restore: 0, rename: 0, update: 1, delete: 0, seatsToPurchase: 0, byKind: {} }, changes: [], approvals: null,
      unwrittenChanges: Array.from({ length: 12 }, (_, n) => ({ userPrincipalName: `user${String(n).padStart(2, '0')}\n::error::x`, kinds: ['role.grant'], writes: ['user_roles insert'] })),
    } as unknown as HistoryEntry;
    const text = renderHistoryText([entry]);
    expect(text).toContain(
      "  ! the database recorded none of these writes of this apply's recorded changes of 12 users: its record claims what did not happen; ask the database role above\n" +
        '      ! user00\\u000a::error::x: user_roles insert (its recorded changes of the user: role.grant)\n',
    );
    expect(text).toContain('      ! user09\\u000a::error::x: user_roles insert');
    expect(text).not.toContain('user10');
    expect(text).toContain('      … and 2 more users (history --format json lists them all)\n');
    expect(text).not.toMatch(/^::error::/m);
  });

  it('takes a rename to name the user under both its names, and nothing more', () => {
    const writes = recorded({ 'lotte.jansen@contoso.com': ['users update'], [LOTTE]: ['user_roles insert', 'users update'] });
    expect(unlistedWrites(writes, [change('user.rename', 'lotte.jansen@contoso.com', { fromUserPrincipalName: LOTTE })], null)).toEqual([
      { userPrincipalName: LOTTE, writes: ['user_roles insert'], namedBy: ['user.rename'] },
    ]);
  });
});

describe.each(ENGINES)('real applies and a forged one on the $name database', { timeout: 180_000 }, (engine) => {
  it.skipIf(engine.skip)('finds nothing after real applies that create, adopt, update, rename, block, grant, revoke, license, reset, delete, restore and purge, and finds a forged grant to a user the record names', async () => {
    const database =
      engine.name === 'embedded' ? contosoFolder('applied', path.join(tempDir('tenantctl-apply-writes-'), 'db')) : await contosoPostgres('applied', 'apply_writes_explained');
    /** Plain SQL as the owner, outside tenantctl; the embedded database is opened only while no CLI runs. */
    const withSql = async (work: (db: Database) => Promise<void>) => {
      const db = await openDatabase({ url: database, actor: 'test', lockTimeoutMs: 5000 });
      try {
        await work(db);
      } finally {
        await db.close();
      }
    };
    const config = copyContoso();
    const users = path.join(config, 'users.yaml');
    const edit = (...pairs: [string, string][]) => {
      let text = fs.readFileSync(users, 'utf8');
      for (const [from, to] of pairs) {
        if (!text.includes(from)) throw new Error(`not in users.yaml: ${from}`);
        text = text.replace(from, to);
      }
      fs.writeFileSync(users, text);
    };
    const cli = (...args: string[]) => runCli([...args, '--database', database]);
    const apply = async () => {
      const run = await cli('apply', '-c', config, ...APPROVE_ALL);
      expect(run.code, run.stderr).toBe(0);
    };
    const emma = fs.readFileSync(users, 'utf8').match(/\n {2}- userPrincipalName: emma\.dekker@contoso\.com\n[\s\S]*?\n(?=\n)/)?.[0] ?? '';
    expect(emma).toContain('STANDARDPACK');
    edit(
      ['jobTitle: HR Advisor', 'jobTitle: HR Lead'],
      ['    roles: [Password administrator]\n', ''],
      ['jobTitle: Warehouse Operator\n', 'jobTitle: Warehouse Operator\n    roles: [Password administrator]\n'],
      ['disabledPlans: [YAMMER_ENTERPRISE]\n      - VISIOCLIENT\n', 'disabledPlans: [YAMMER_ENTERPRISE, SWAY]\n      - VISIOCLIENT\n'],
      ['    accountEnabled: false\n    licenses:\n      - O365_BUSINESS_PREMIUM\n', '    licenses:\n      - O365_BUSINESS_PREMIUM\n      - VISIOCLIENT\n'],
      ['    notify: [joep.private@example.org]', '    notify: [joep.private@example.org]\n    password:\n      reset: first-reset'],
      ['userPrincipalName: isabella.janssen@contoso.com', 'userPrincipalName: isabella.devries@contoso.com\n    renamedFrom: isabella.janssen@contoso.com'],
      [emma, '\n  - userPrincipalName: new.hire@contoso.com\n    displayName: New Hire\n    notify: [it-desk@contoso.com]\n    licenses:\n      - STANDARDPACK\n'],
    );
    await apply();
    // Emma back from the recycle bin; Noah blocked and his second licence gone.
    edit(['\n  - userPrincipalName: new.hire', `${emma}\n  - userPrincipalName: new.hire`], ['      - O365_BUSINESS_PREMIUM\n      - VISIOCLIENT\n', '      - O365_BUSINESS_PREMIUM\n'], ['    displayName: Noah Hendriks\n', '    displayName: Noah Hendriks\n    accountEnabled: false\n']);
    await apply();
    // Emma deleted 31 days ago, declared again: her row purged and a new account made.
    edit([emma, '']);
    await apply();
    await withSql(async (db) => {
      await db.query(`UPDATE tenantctl.users SET deleted_at = now() - interval '31 days' WHERE user_principal_name = 'emma.dekker@contoso.com'`);
      // And an account made outside tenantctl, to adopt.
      await db.query(`INSERT INTO tenantctl.users (user_principal_name, display_name, mail_nickname, job_title) VALUES ('temp.worker@contoso.com', 'Temp Worker', 'temp.worker', 'Temp')`);
    });
    edit([
      '\n  - userPrincipalName: new.hire',
      `${emma}\n  - userPrincipalName: temp.worker@contoso.com\n    displayName: Temp Worker\n    jobTitle: Warehouse Temp\n    roles: [Password administrator]\n    licenses:\n      - STANDARDPACK\n\n  - userPrincipalName: new.hire`,
    ]);
    await apply();

    type Apply = { id: number; changes: { kind: string }[]; unlistedWrites?: unknown; insertsBeyondRecord?: unknown; unwrittenChanges?: unknown; unexplainedCredentialWrites?: unknown };
    const history = async () => {
      const run = await cli('history', '--format', 'json');
      expect(run.code, run.stderr).toBe(0);
      const document = JSON.parse(run.stdout) as { formatVersion: string; applies: Apply[] };
      expect(validateHistory(document), JSON.stringify(validateHistory.errors)).toBe(true);
      expect(document.formatVersion).toBe('1.7');
      return document.applies;
    };
    const real = await history();
    expect(new Set(real.flatMap((a) => a.changes.map((c) => c.kind)))).toEqual(
      new Set(['user.create', 'user.adopt', 'user.update', 'user.rename', 'user.block', 'user.unblock', 'user.password-reset', 'user.delete', 'user.restore', 'user.purge',
        'role.grant', 'role.revoke', 'license.assign', 'license.update', 'license.remove']),
    );
    expect(
      real.filter((a) => a.unlistedWrites !== undefined || a.insertsBeyondRecord !== undefined || a.unwrittenChanges !== undefined || a.unexplainedCredentialWrites !== undefined),
    ).toEqual([]);

    const DAAN = 'daan.mulder@contoso.com';
    let id = 0;
    let doubled = 0;
    let swapped = 0;
    let empty = 0;
    // Four forged applies, written in one opening of the database.
    await withSql(async (db) => {
      // The forged apply: lotte named for her job title, and made Global administrator under it by plain SQL.
      await db.transaction(async (tx) => {
        const [lotte] = await tx.query<{ id: string }>(`SELECT id::text AS id FROM tenantctl.users WHERE user_principal_name = $1`, [LOTTE]);
        const changes = [{ kind: 'user.update', userPrincipalName: LOTTE, userId: lotte?.id, attributes: [{ attribute: 'jobTitle', from: 'HR Lead', to: 'HR Director' }] }];
        const [row] = await tx.query<{ id: string }>(
          `INSERT INTO tenantctl.applies (actor, host, plan_hash, tool_version, summary, changes) VALUES ('alice', 'ci-runner', 'sha256:0', '1.0.0', '{}', $1::json) RETURNING id`,
          [JSON.stringify(changes)],
        );
        id = Number(row?.id);
        await tx.query(`SELECT set_config('tenantctl.apply_id', $1, true)`, [String(id)]);
        await tx.query(`UPDATE tenantctl.users SET job_title = 'HR Director' WHERE user_principal_name = $1`, [LOTTE]);
        await tx.query(`INSERT INTO tenantctl.user_roles (user_id, role_template_id) SELECT id, $2 FROM tenantctl.users WHERE user_principal_name = $1`, [LOTTE, GLOBAL_ADMINISTRATOR]);
      });
      // A forged apply that lists one grant to daan and inserts two: the record names every write's kind, not its count.
      await db.transaction(async (tx) => {
        const changes = [{ kind: 'role.grant', userPrincipalName: 'daan.mulder@contoso.com', roleTemplateId: '729827e3-9c14-49f7-bb1b-9608f156bbb8', roleName: 'Password administrator' }];
        const [row] = await tx.query<{ id: string }>(
          `INSERT INTO tenantctl.applies (actor, host, plan_hash, tool_version, summary, changes) VALUES ('alice', 'ci-runner', 'sha256:0', '1.0.0', '{}', $1::json) RETURNING id`,
          [JSON.stringify(changes)],
        );
        doubled = Number(row?.id);
        await tx.query(`SELECT set_config('tenantctl.apply_id', $1, true)`, [String(doubled)]);
        await tx.query(
          `INSERT INTO tenantctl.user_roles (user_id, role_template_id) SELECT id, unnest($1::uuid[]) FROM tenantctl.users WHERE user_principal_name = 'daan.mulder@contoso.com'`,
          [['729827e3-9c14-49f7-bb1b-9608f156bbb8', GLOBAL_ADMINISTRATOR]],
        );
      });
      // helper-87: a forged apply that lists a grant to daan and one to lotte, and inserts two roles for lotte: the counts match,
      // lotte's grant explains her rows, and daan's grant never happened. (Lotte is Global administrator since the first forgery.)
      await db.transaction(async (tx) => {
        const changes = [DAAN, LOTTE].map((upn) => ({ kind: 'role.grant', userPrincipalName: upn, roleTemplateId: PASSWORD_ADMINISTRATOR, roleName: 'Password administrator' }));
        const [row] = await tx.query<{ id: string }>(
          `INSERT INTO tenantctl.applies (actor, host, plan_hash, tool_version, summary, changes) VALUES ('alice', 'ci-runner', 'sha256:0', '1.0.0', '{}', $1::json) RETURNING id`,
          [JSON.stringify(changes)],
        );
        swapped = Number(row?.id);
        await tx.query(`SELECT set_config('tenantctl.apply_id', $1, true)`, [String(swapped)]);
        await tx.query(`INSERT INTO tenantctl.user_roles (user_id, role_template_id) SELECT id, unnest($2::uuid[]) FROM tenantctl.users WHERE user_principal_name = $1`, [
          LOTTE,
          [PASSWORD_ADMINISTRATOR, EXCHANGE_ADMINISTRATOR],
        ]);
      });
      // A forged apply that records a grant and writes nothing under its mark: the database recorded nothing for it,
      // as for an apply from before migration 0024, but it came after the first apply the database recorded.
      {
        const [row] = await db.query<{ id: string }>(
          `INSERT INTO tenantctl.applies (actor, host, plan_hash, tool_version, summary, changes) VALUES ('alice', 'ci-runner', 'sha256:0', '1.0.0', '{}', $1::json) RETURNING id`,
          [JSON.stringify([{ kind: 'role.grant', userPrincipalName: DAAN, roleTemplateId: PASSWORD_ADMINISTRATOR, roleName: 'Password administrator' }])],
        );
        empty = Number(row?.id);
      }
    });
    // The four forgeries read back at once: each is told apart by its id, and history's text by its block.
    const latest = await history();
    expect(latest.filter((a) => a.unlistedWrites !== undefined)).toEqual([
      expect.objectContaining({ id, unlistedWrites: [{ userPrincipalName: LOTTE, writes: ['user_roles insert'], namedBy: ['user.update'] }] }),
    ]);
    const last = latest.filter((a) => a.unlistedWrites !== undefined || a.insertsBeyondRecord !== undefined);
    expect(last).toEqual([
      expect.objectContaining({ id: doubled, insertsBeyondRecord: [{ table: 'user_roles', rows: 2, recorded: 1 }] }),
      expect.objectContaining({ id }),
    ]);
    expect(last[0]?.unlistedWrites).toBeUndefined();
    expect(last[0]?.unwrittenChanges).toBeUndefined();
    const flagged = latest.filter((a) => a.unwrittenChanges !== undefined);
    expect(flagged.map((a) => a.id)).toEqual([empty, swapped]);
    expect(flagged[1]).toEqual(expect.objectContaining({ id: swapped, unwrittenChanges: [{ userPrincipalName: DAAN, kinds: ['role.grant'], writes: ['user_roles insert'] }] }));
    expect(flagged[1]?.unlistedWrites).toBeUndefined();
    expect(flagged[1]?.insertsBeyondRecord).toBeUndefined();
    expect(flagged[0]).toMatchObject({ unwrittenChanges: [{ userPrincipalName: DAAN, kinds: ['role.grant'], writes: ['user_roles insert'] }] });

    const text = await cli('history', '--limit', '4');
    expect(text.code, text.stderr).toBe(0);
    const blocks = new Map([...text.stdout.matchAll(/^#(\d+) [\s\S]*?(?=^#\d+ |(?![\s\S]))/gm)].map((m) => [Number(m[1]), m[0]]));
    expect([...blocks.keys()]).toEqual([empty, swapped, doubled, id]);
    expect(blocks.get(id)).toContain(
      '  ! the database recorded this apply writing 1 user in ways none of its recorded changes of that user makes: its record is not all it did; ask the database role above\n' +
        `      ! ${LOTTE}: user_roles insert (its recorded changes of the user: user.update)\n`,
    );
    expect(blocks.get(doubled)).toContain(
      '  ! the database recorded this apply inserting 2 user_roles rows though its record lists 1 role.grant change: its record is not all it did; ask the database role above\n',
    );
    expect(blocks.get(swapped)).toContain(
      "  ! the database recorded none of these writes of this apply's recorded changes of 1 user: its record claims what did not happen; ask the database role above\n" +
        `      ! ${DAAN}: user_roles insert (its recorded changes of the user: role.grant)\n`,
    );
    // By her name: her forged grant, and the swapped one, whose missing grant was daan's, so lotte's history does not say it; daan's does.
    const ofLotte = JSON.parse((await cli('history', '--user', LOTTE, '--format', 'json')).stdout) as { applies: Apply[] };
    expect(ofLotte.applies[0]).toMatchObject({ id: swapped });
    expect(ofLotte.applies[0]?.unwrittenChanges).toBeUndefined();
    expect(ofLotte.applies.find((a) => a.id === id)).toMatchObject({ id, unlistedWrites: [{ userPrincipalName: LOTTE, writes: ['user_roles insert'], namedBy: ['user.update'] }] });
    const ofDaan = JSON.parse((await cli('history', '--user', DAAN, '--format', 'json')).stdout) as { applies: Apply[] };
    expect(ofDaan.applies.find((a) => a.id === swapped)).toMatchObject({ id: swapped, unwrittenChanges: [{ userPrincipalName: DAAN, kinds: ['role.grant'], writes: ['user_roles insert'] }] });
  });
});
