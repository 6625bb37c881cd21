// subscriptions.consumed is maintained by statement-level triggers on
// license_assignments (migration 0005). These tests hold it to the truth,
// count(*) per subscription, through every kind of statement, and check that
// CHECK (consumed <= seats) still refuses an oversubscribing statement.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database, Queryable } from '../../src/db/database.js';
import { ENGINES } from '../support/engines.js';

const USERS = 5_000;

async function seed(db: Database): Promise<void> {
  await db.exec(`
    INSERT INTO domains (name, verified, is_default) VALUES ('contoso.com', true, true);
    INSERT INTO subscriptions (sku, product_name, seats, unit_price, currency) VALUES
      ('ENTERPRISEPACK', 'E3', ${USERS}, 20, 'USD'),
      ('STANDARDPACK', 'E1', ${USERS}, 8, 'USD'),
      ('VISIOCLIENT', 'Visio', 10, 15, 'USD');
    INSERT INTO users (user_principal_name, display_name, mail_nickname)
      SELECT 'user' || i || '@contoso.com', 'User ' || i, 'user' || i FROM generate_series(1, ${USERS}) AS i;`);
}

/** consumed as stored, and as counted, per subscription. */
async function seatCounts(db: Queryable): Promise<{ sku: string; consumed: number; counted: number }[]> {
  return db.query(
    `SELECT s.sku, s.consumed, (SELECT count(*)::int FROM license_assignments a WHERE a.sku = s.sku) AS counted
       FROM subscriptions s ORDER BY s.sku`,
  );
}

const assign = (tx: Queryable, sku: string, where: string) =>
  tx.query(`INSERT INTO license_assignments (user_id, sku) SELECT id, $1 FROM users WHERE ${where}`, [sku]);

describe.each(ENGINES)('seat counting on the $name database', (engine) => {
  let db: Database;

  beforeAll(async () => {
    if (engine.skip) return;
    ({ db } = await engine.open('seat-count'));
    await seed(db);
  });
  afterAll(async () => {
    await db?.close();
  });

  it.skipIf(engine.skip)('counts exactly through inserts, deletes, updates and cascades in one transaction', async () => {
    const inside = await db.transaction(async (tx) => {
      await assign(tx, 'ENTERPRISEPACK', 'true');
      await assign(tx, 'STANDARDPACK', `user_principal_name ~ '^user[0-9]*[02468]@'`);
      await tx.query(`DELETE FROM license_assignments WHERE sku = 'ENTERPRISEPACK' AND user_id IN (SELECT id FROM users WHERE user_principal_name ~ '^user[0-9]*5@')`);
      // Move some E1 licences to Visio (an UPDATE of sku), and delete users whose licences cascade.
      await tx.query(`UPDATE license_assignments SET sku = 'VISIOCLIENT'
                       WHERE sku = 'STANDARDPACK' AND user_id IN (SELECT id FROM users WHERE user_principal_name IN ('user2@contoso.com', 'user4@contoso.com', 'user6@contoso.com'))`);
      await tx.query(`DELETE FROM users WHERE user_principal_name IN ('user1@contoso.com', 'user2@contoso.com', 'user10@contoso.com')`);
      // A statement that changes nothing leaves the counts alone.
      await tx.query(`DELETE FROM license_assignments WHERE sku = 'NOTHING'`);
      return seatCounts(tx);
    });
    expect(inside).toEqual([
      // 5,000 − the 500 ending in 5 − users 1, 2 and 10 deleted
      { sku: 'ENTERPRISEPACK', consumed: 4_497, counted: 4_497 },
      // 2,500 even − 3 moved to Visio − user 10 deleted
      { sku: 'STANDARDPACK', consumed: 2_496, counted: 2_496 },
      // user 2 moved, then deleted
      { sku: 'VISIOCLIENT', consumed: 2, counted: 2 },
    ]);
    expect(await seatCounts(db)).toEqual(inside);
  });

  it.skipIf(engine.skip)('refuses a statement that takes more seats than purchased, and keeps the count', async () => {
    const before = await seatCounts(db);
    await expect(assign(db, 'VISIOCLIENT', `user_principal_name ~ '^user1[0-9]*@'`)).rejects.toThrow(/subscriptions_seats_available/);
    expect(await seatCounts(db)).toEqual(before);
  });

  it.skipIf(engine.skip)('a rolled-back transaction leaves no trace in the count', async () => {
    const before = await seatCounts(db);
    await expect(
      db.transaction(async (tx) => {
        await tx.query(`DELETE FROM license_assignments WHERE sku = 'ENTERPRISEPACK'`);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await seatCounts(db)).toEqual(before);
  });
  it.skipIf(engine.skip)('counts a write by another tool whose search_path does not name tenantctl (migration 0007)', async () => {
    const counted = await db.transaction(async (tx) => {
      await tx.query('SET LOCAL search_path TO public');
      await tx.query(`INSERT INTO tenantctl.license_assignments (user_id, sku)
                        SELECT id, 'VISIOCLIENT' FROM tenantctl.users
                         WHERE user_principal_name = 'user3@contoso.com'
                           AND NOT EXISTS (SELECT 1 FROM tenantctl.license_assignments a
                                            WHERE a.user_id = users.id AND a.sku = 'VISIOCLIENT')`);
      const [row] = await tx.query<{ consumed: number; counted: number }>(
        `SELECT s.consumed, (SELECT count(*)::int FROM tenantctl.license_assignments a WHERE a.sku = s.sku) AS counted
           FROM tenantctl.subscriptions s WHERE s.sku = 'VISIOCLIENT'`,
      );
      throw Object.assign(new Error('roll back'), { row });
    }).catch((cause: { row?: { consumed: number; counted: number } }) => cause.row);
    expect(counted).toBeDefined();
    expect(counted?.consumed).toBe(counted?.counted);
  });
});
