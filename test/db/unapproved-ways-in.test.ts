// Migration 0034 records each way into an account (password, phones, sign-in)
// changed while it held no admin role, whoever wrote it, for the plan that
// later grants it one (WAY_IN_CHANGED_WITHOUT_ROLE). Only the database's
// triggers write the table: these tests write users as apply and psql do and
// read what it kept.
import { afterEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { readState } from '../../src/state/read-state.js';
import { ENGINES } from '../support/engines.js';

const JOEP = '00000000-0000-4000-8000-0000000000a1';
const MEGAN = '00000000-0000-4000-8000-0000000000a2';

const rows = async (db: Database) =>
  (await db.query<{ user_id: string; way: string; apply_id: string | null; recipients: string[] }>(
    'SELECT user_id::text, way, apply_id::text, recipients FROM unapproved_ways_in ORDER BY user_id, way COLLATE "C"',
  )).map((r) => [r.user_id === JOEP ? 'joep' : 'megan', r.way, r.apply_id === null ? null : 'apply', r.recipients]);

/** As apply writes: its applies row, its mark on the transaction, then `sql`, then the queued credentials `queue` names. */
async function asApply(db: Database, sql: string, queue: readonly { user: string; recipients: string[] }[] = []): Promise<void> {
  await db.transaction(async (tx) => {
    const [apply] = await tx.query<{ id: string }>(
      `INSERT INTO applies (actor, host, plan_hash, tool_version, summary, changes) VALUES ('ci', 'runner', 'sha256:x', '0.0.0', '{}', '[]') RETURNING id::text`,
    );
    await tx.query(`SELECT set_config('tenantctl.apply_id', $1, true)`, [apply!.id]);
    await tx.exec(sql);
    for (const { user, recipients } of queue) {
      await tx.query(
        `INSERT INTO credential_notifications (apply_id, user_id, user_principal_name, recipients, sealed_password, reason)
         SELECT $1, id, user_principal_name, $3::text[], '-----BEGIN AGE ENCRYPTED FILE-----', 'reset' FROM users WHERE id = $2`,
        [apply!.id, user, recipients],
      );
    }
  });
}

describe.each(ENGINES)('ways into an account changed without a role ($name)', (engine) => {
  let db: Database | undefined;
  afterEach(async () => {
    await db?.close();
    db = undefined;
  });

  it.skipIf(engine.skip)('are recorded for an account holding no role, latest per way, and cleared by a grant', async () => {
    db = (await engine.open('unapproved_ways_in')).db;
    await db.query(`INSERT INTO domains (name, verified, is_default) VALUES ('contoso.com', true, true)`);
    await db.query(
      `INSERT INTO users (id, user_principal_name, display_name, mail_nickname, mobile_phone, business_phones, account_enabled) VALUES
         ('${JOEP}', 'joep@contoso.com', 'Joep', 'joep', '+31 6 1234 5678', '{"+31 20 555 0100"}', false),
         ('${MEGAN}', 'megan@contoso.com', 'Megan', 'megan', '+31 6 1234 0001', '{}', true)`,
    );
    const [role] = await db.query<{ template_id: string }>(`SELECT template_id::text FROM roles WHERE display_name = 'Billing administrator'`);
    await db.query(`INSERT INTO user_roles (user_id, role_template_id) VALUES ('${MEGAN}', $1)`, [role!.template_id]);

    // The same numbers written another way, a phone taken away, a block: no way in.
    await asApply(db, `UPDATE users SET mobile_phone = '+31 (6) 1234-5678', business_phones = '{}' WHERE id = '${JOEP}'`);
    await asApply(db, `UPDATE users SET account_enabled = false WHERE id = '${MEGAN}'`);
    expect(await rows(db)).toEqual([]);

    // Megan holds a role: her changes were privileged, approved. Joep's were not.
    await asApply(db, `UPDATE users SET mobile_phone = '+1 555 0199', password_hash = 'h1' WHERE id IN ('${JOEP}', '${MEGAN}')`, [
      { user: JOEP, recipients: ['attacker@evil.example'] },
      { user: MEGAN, recipients: ['megan@example.org'] },
    ]);
    // Outside tenantctl (psql): no apply to name.
    await db.query(`UPDATE users SET account_enabled = true, business_phones = '{"+1 555 0100"}' WHERE id = '${JOEP}'`);
    expect(await rows(db)).toEqual([
      ['joep', 'businessPhones', null, []],
      ['joep', 'mobilePhone', 'apply', []],
      ['joep', 'password', 'apply', ['attacker@evil.example']],
      ['joep', 'signIn', null, []],
    ]);

    // A later reset is the one kept, with its own recipients; a digit of another script is a new number.
    await asApply(db, `UPDATE users SET password_hash = 'h2', mobile_phone = '+1 555 ０199' WHERE id = '${JOEP}'`, [{ user: JOEP, recipients: ['joep@example.org'] }]);
    expect((await rows(db)).filter(([, way]) => way === 'password' || way === 'mobilePhone')).toEqual([
      ['joep', 'mobilePhone', 'apply', []],
      ['joep', 'password', 'apply', ['joep@example.org']],
    ]);

    // The planner reads them by account.
    const state = await readState(db);
    expect(state.unapprovedWaysIn?.get(JOEP)?.map((w) => [w.way, w.applyId === null, w.recipients])).toEqual([
      ['businessPhones', true, []],
      ['mobilePhone', false, []],
      ['password', false, ['joep@example.org']],
      ['signIn', true, []],
    ]);

    // The grant's approver was shown them: cleared.
    await asApply(db, `INSERT INTO user_roles (user_id, role_template_id) VALUES ('${JOEP}', '${role!.template_id}')`);
    expect(await rows(db)).toEqual([]);
    expect((await readState(db)).unapprovedWaysIn).toBeUndefined();
  });

  it.skipIf(engine.skip)('record an account apply creates under a name another account had, where its first password went and its phones', async () => {
    db = (await engine.open('unapproved_ways_in_created')).db;
    await db.query(`INSERT INTO domains (name, verified, is_default) VALUES ('contoso.com', true, true)`);
    // Seeded by SQL, to be adopted: no pull request chose where its password went. Then renamed away from joep@.
    await db.query(`INSERT INTO users (id, user_principal_name, display_name, mail_nickname, mobile_phone, password_hash)
      VALUES ('${MEGAN}', 'joep@contoso.com', 'Megan', 'megan', '+31 6 1234 0001', 'h0')`);
    await asApply(db, `UPDATE users SET user_principal_name = 'megan@contoso.com' WHERE id = '${MEGAN}'`);
    expect(await rows(db)).toEqual([]);

    // A new name: not recorded (every plan reads the table; its grant's approver meets a new account anyway).
    await asApply(
      db,
      `INSERT INTO users (user_principal_name, display_name, mail_nickname, mobile_phone, password_hash)
       VALUES ('lotte@contoso.com', 'Lotte', 'lotte', '+1 555 0100', 'h2')`,
    );
    expect(await rows(db)).toEqual([]);

    await asApply(
      db,
      `INSERT INTO users (id, user_principal_name, display_name, mail_nickname, mobile_phone, business_phones, password_hash)
       VALUES ('${JOEP}', 'Joep@contoso.com', 'Joep', 'joep', '+1 555 0199', '{" "}', 'h1')`,
      [{ user: JOEP, recipients: ['attacker@evil.example'] }],
    );
    expect(await rows(db)).toEqual([
      ['joep', 'created', 'apply', ['attacker@evil.example']],
      ['joep', 'mobilePhone', 'apply', []],
    ]);
    expect((await readState(db)).unapprovedWaysIn?.get(JOEP)?.map((w) => w.way)).toEqual(['created', 'mobilePhone']);

    // Created with its role in the same apply: the grant's approver saw the creation.
    const [role] = await db.query<{ template_id: string }>(`SELECT template_id::text FROM roles WHERE display_name = 'Billing administrator'`);
    await asApply(db, `INSERT INTO user_roles (user_id, role_template_id) VALUES ('${JOEP}', '${role!.template_id}')`);
    expect(await rows(db)).toEqual([]);
  });

  it.skipIf(engine.skip)('record an account created under the name of a purged one (migration 0035), in the apply that purges it too', async () => {
    db = (await engine.open('unapproved_ways_in_purged')).db;
    await db.query(`INSERT INTO domains (name, verified, is_default) VALUES ('contoso.com', true, true)`);
    await asApply(
      db,
      `INSERT INTO users (id, user_principal_name, display_name, mail_nickname, password_hash, deleted_at)
       VALUES ('${MEGAN}', 'joep@contoso.com', 'Joep', 'joep', 'h0', now() - interval '31 days')`,
    );
    // As apply orders them: the purge frees the name, then the new account takes it.
    await asApply(
      db,
      `DELETE FROM users WHERE id = '${MEGAN}' AND deleted_at IS NOT NULL;
       INSERT INTO users (id, user_principal_name, display_name, mail_nickname, password_hash) VALUES ('${JOEP}', 'joep@contoso.com', 'Joep', 'joep', 'h1')`,
      [{ user: JOEP, recipients: ['attacker@evil.example'] }],
    );
    expect(await rows(db)).toEqual([['joep', 'created', 'apply', ['attacker@evil.example']]]);
    // The purged account's row names nobody in the plan's read of former names.
    const state = await readState(db);
    expect(state.unapprovedWaysIn?.get(JOEP)?.map((w) => w.way)).toEqual(['created']);
    expect(state.formerNames?.size ?? 0).toBe(0);
  });
});
