// Apply reads the directory again under its lock. When every row of the four
// tables has the version the read it planned from saw (migration 0022), that
// read's state stands and the lists are not built or sent again; any write to
// a user, a role, a licence or a disabled plan, even one that leaves the texts
// as they were, a change to the tables or their columns, or a checkpoint,
// reads the directory in full.
import { afterAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { instrumentDatabase } from '../../src/db/debug-hooks.js';
import { keepRowVersions, readState, readStateAgain } from '../../src/state/read-state.js';
import { ENGINES } from '../support/engines.js';

const ROLE = '62e90394-69f5-4237-9190-012177145e10';

describe.each(ENGINES)('reading the directory again ($name)', (engine) => {
  let db: Database | undefined;
  afterAll(async () => {
    keepRowVersions(false);
    await db?.close();
  });

  it.skipIf(engine.skip)('gives the same state while nothing changed, and a new one after any change', async () => {
    ({ db } = await engine.open('read-again'));
    await db.query(`INSERT INTO domains (name, verified, is_default) VALUES ('contoso.com', true, true)`);
    await db.query(`INSERT INTO subscriptions (sku, product_name, seats, unit_price, currency) VALUES ('E3', 'Office 365 E3', 10, 20, 'USD')`);
    await db.query(`INSERT INTO service_plans (sku, name) VALUES ('E3', 'EXCHANGE_S_ENTERPRISE')`);
    for (const [upn, city] of [['a@contoso.com', 'Amsterdam'], ['b@contoso.com', 'Zürich']]) {
      await db.query(`INSERT INTO users (user_principal_name, display_name, mail_nickname, usage_location, city) VALUES ($1, $1, split_part($1, '@', 1), 'NL', $2)`, [upn, city]);
    }
    const statements: string[] = [];
    const traced = instrumentDatabase(db, { statementDelayMs: 0, trace: (event) => statements.push(event) });
    const again = async () => {
      statements.length = 0;
      const state = await traced.transaction((tx) => readStateAgain(tx));
      return { state, statements: statements.filter((event) => event.startsWith('statement')) };
    };

    keepRowVersions();
    const first = await readState(db);
    const unchanged = await again();
    expect(unchanged.state).toBe(first);
    expect(unchanged.statements).toEqual(['statement in transaction: SELECT … FROM directory_row_versions']);
    // A read is compared with once: apply goes on to write, and does not keep 100,000 users for nothing.
    const unkept = await again();
    expect(unkept.statements).toEqual(['statement in transaction: SELECT … FROM users']);
    expect(unkept.state).toEqual(first);

    // A role, a licence, and an attribute of the same length, each in its own
    // list only: the table's triggers, which would also stamp the user, are off.
    const changes = [
      ['user_roles', `INSERT INTO user_roles (user_id, role_template_id) SELECT id, '${ROLE}' FROM users WHERE user_principal_name = 'b@contoso.com'`],
      ['license_assignments', `INSERT INTO license_assignments (user_id, sku) SELECT id, 'E3' FROM users WHERE user_principal_name = 'a@contoso.com'`],
      ['license_disabled_plans', `INSERT INTO license_disabled_plans (user_id, sku, plan) SELECT id, 'E3', 'EXCHANGE_S_ENTERPRISE' FROM users WHERE user_principal_name = 'a@contoso.com'`],
      ['users', `UPDATE users SET city = 'Amsterdaz' WHERE user_principal_name = 'a@contoso.com'`],
    ] as const;
    let previous = first;
    for (const [table, change] of changes) {
      const before = await readState(db);
      await db.query(`ALTER TABLE ${table} DISABLE TRIGGER USER`);
      await db.query(change);
      await db.query(`ALTER TABLE ${table} ENABLE TRIGGER USER`);
      const changed = await again();
      expect(changed.state, change).not.toEqual(before);
      expect(changed.statements, change).toEqual(['statement in transaction: SELECT … FROM directory_row_versions', 'statement in transaction: SELECT … FROM users']);
      expect(changed.state, change).toEqual(await readState(db));
      previous = changed.state;
    }
    // A write that leaves every text as it was still gives its row a new version: read in full, the same state.
    await readState(db);
    await db.query(`ALTER TABLE users DISABLE TRIGGER USER`);
    await db.query(`UPDATE users SET city = city WHERE user_principal_name = 'b@contoso.com'`);
    await db.query(`ALTER TABLE users ENABLE TRIGGER USER`);
    const rewritten = await again();
    expect(rewritten.statements).toEqual(['statement in transaction: SELECT … FROM directory_row_versions', 'statement in transaction: SELECT … FROM users']);
    expect(rewritten.state).toEqual(previous);

    // A column renamed leaves every row's version as it was: the columns' versions tell it.
    const beforeSwap = await readState(db);
    await db.query(`ALTER TABLE users RENAME COLUMN city TO city_swapped`);
    await db.query(`ALTER TABLE users RENAME COLUMN country TO city`);
    await db.query(`ALTER TABLE users RENAME COLUMN city_swapped TO country`);
    const swapped = await again();
    expect(swapped.statements).toEqual(['statement in transaction: SELECT … FROM directory_row_versions', 'statement in transaction: SELECT … FROM users']);
    expect(swapped.state.users.get('b@contoso.com')?.attributes.country).toBe(beforeSwap.users.get('b@contoso.com')?.attributes.city);
    await db.query(`ALTER TABLE users RENAME COLUMN city TO city_swapped`);
    await db.query(`ALTER TABLE users RENAME COLUMN country TO city`);
    await db.query(`ALTER TABLE users RENAME COLUMN city_swapped TO country`);

    // Recovery after a crash ends with a checkpoint, and may have lost commits
    // whose ids it hands out again: a checkpoint between the read and the lock reads in full.
    await readState(db);
    await db.query('CHECKPOINT');
    expect((await again()).statements).toEqual(['statement in transaction: SELECT … FROM directory_row_versions', 'statement in transaction: SELECT … FROM users']);
    // Rows hidden from apply's role by a policy leave every row's version as it was.
    await readState(db);
    await db.query('ALTER TABLE users ENABLE ROW LEVEL SECURITY');
    await db.query('ALTER TABLE users DISABLE ROW LEVEL SECURITY');
    expect((await again()).statements).toEqual(['statement in transaction: SELECT … FROM directory_row_versions', 'statement in transaction: SELECT … FROM users']);

    // Only the changed list differs from the first read's; the users' list still is as it was.
    expect(previous.users.get('b@contoso.com')?.directory?.updatedAt).toBe(first.users.get('b@contoso.com')?.directory?.updatedAt);
    const users = previous.users;
    expect(users.get('a@contoso.com')?.attributes.city).toBe('Amsterdaz');
    expect(users.get('a@contoso.com')?.licenses.map((l) => l.sku)).toEqual(['E3']);
    expect(users.get('a@contoso.com')?.licenses[0]?.disabledPlans).toEqual(['EXCHANGE_S_ENTERPRISE']);
    expect(users.get('b@contoso.com')?.roles).toEqual([ROLE]);
  });

  // Each list comes in parts of 2,000 rows: 4,500 users, roles and licences are three parts each.
  it.skipIf(engine.skip)('reads a directory of several parts whole, and sees a change in its last part', async () => {
    const { db: parts } = await engine.open('read-again-parts');
    try {
      await parts.query(`INSERT INTO domains (name, verified, is_default) VALUES ('contoso.com', true, true)`);
      await parts.query(`INSERT INTO subscriptions (sku, product_name, seats, unit_price, currency) VALUES ('E3', 'Office 365 E3', 5000, 20, 'USD')`);
      await parts.query(`INSERT INTO users (user_principal_name, display_name, mail_nickname, usage_location, city)
        SELECT format('u%s@contoso.com', lpad(n::text, 4, '0')), format('User %s', n), format('u%s', n), 'NL', 'Amsterdam' FROM generate_series(1, 4500) AS n`);
      await parts.query(`INSERT INTO user_roles (user_id, role_template_id) SELECT id, '${ROLE}' FROM users`);
      await parts.query(`INSERT INTO license_assignments (user_id, sku) SELECT id, 'E3' FROM users`);
      const statements: string[] = [];
      const traced = instrumentDatabase(parts, { statementDelayMs: 0, trace: (event) => statements.push(event) });

      keepRowVersions();
      const first = await readState(parts);
      expect(first.users.size).toBe(4500);
      for (const upn of ['u0001@contoso.com', 'u2000@contoso.com', 'u2001@contoso.com', 'u4500@contoso.com']) {
        expect(first.users.get(upn)?.roles, upn).toEqual([ROLE]);
        expect(first.users.get(upn)?.licenses.map((l) => l.sku), upn).toEqual(['E3']);
      }
      expect(await traced.transaction((tx) => readStateAgain(tx))).toBe(first);

      await readState(parts);
      await parts.query(`ALTER TABLE users DISABLE TRIGGER USER`);
      await parts.query(`UPDATE users SET city = 'Amsterdaz' WHERE user_principal_name = 'u4500@contoso.com'`);
      await parts.query(`ALTER TABLE users ENABLE TRIGGER USER`);
      statements.length = 0;
      const changed = await traced.transaction((tx) => readStateAgain(tx));
      expect(statements.filter((event) => event.startsWith('statement'))).toEqual(['statement in transaction: SELECT … FROM directory_row_versions', 'statement in transaction: SELECT … FROM users']);
      expect(changed.users.get('u4500@contoso.com')?.attributes.city).toBe('Amsterdaz');
      expect(changed.users.size).toBe(4500);
    } finally {
      await parts.close();
    }
  });
});
