// The mark an apply puts on its transaction (tenantctl.apply_id, migration
// 0004) keeps its writes from being stamped as made outside tenantctl. Any
// writer could set it: then a Global administrator granted with plain SQL left
// no apply in the audit trail and no outside stamp, and drift blamed the last
// real apply. Migration 0015: the mark must name an apply of this transaction.
import { afterEach, describe, expect, it } from 'vitest';
import { applyPlan } from '../../src/apply/apply-plan.js';
import { readCatalogFile } from '../../src/catalog/catalog-file.js';
import { storeCatalog } from '../../src/catalog/store-catalog.js';
import type { Database, Queryable } from '../../src/db/database.js';
import { planTenant } from '../../src/workflow/plan-tenant.js';
import { ALL_APPROVALS } from '../support/approvals.js';
import { ENGINES } from '../support/engines.js';

const GLOBAL_ADMINISTRATOR = '62e90394-69f5-4237-9190-012177145e10';
const REFUSED = /tenantctl\.apply_id is set to "[^"]*", which names no apply recorded in this transaction/;

const grantGlobalAdmin = (tx: Queryable, upn: string) =>
  tx.query(
    `INSERT INTO user_roles (user_id, role_template_id) SELECT id, $2 FROM users WHERE user_principal_name = $1`,
    [upn, GLOBAL_ADMINISTRATOR],
  );

const recordApply = async (tx: Queryable): Promise<string> => {
  const [row] = await tx.query<{ id: string }>(
    `INSERT INTO applies (actor, host, plan_hash, tool_version, summary, changes)
     VALUES ('someone', 'somewhere', 'sha256:0', '0', '{}', '[]') RETURNING id::text AS id`,
  );
  return row!.id;
};

const stampOf = async (db: Database, upn: string) =>
  (await db.query<{ updated_by: string }>('SELECT updated_by FROM users WHERE user_principal_name = $1', [upn]))[0]?.updated_by;

describe.each(ENGINES)('a write marked as an apply\'s ($name database)', (engine) => {
  let db: Database | undefined;
  afterEach(async () => {
    await db?.close();
    db = undefined;
  });

  it.skipIf(engine.skip)('is refused unless the mark names an apply recorded in the same transaction', async () => {
    ({ db } = await engine.open('apply_marker'));
    const { catalog } = readCatalogFile('examples/contoso/catalog.yaml');
    if (!catalog) throw new Error('the example catalog is invalid');
    await storeCatalog(db, catalog);
    const planned = await planTenant(db, { configPaths: ['examples/contoso'], env: {}, tenantctlVersion: '0.0.0-test' });
    const applied = await applyPlan(db, planned.plan!, {
      actor: 'alice', host: 'test-host', gitCommit: null, toolVersion: '0.0.0-test', approvals: ALL_APPROVALS, lockTimeoutMs: 2000, env: {},
    });
    const upn = 'sanne.visser@contoso.com';
    expect(await stampOf(db, upn)).toBe(`apply #${applied.applyId} (alice)`);

    // The id of a real, earlier apply, or any other text: refused, nothing written.
    for (const marker of [String(applied.applyId), 'seed', `${applied.applyId} OR true`]) {
      const forged = db.transaction(async (tx) => {
        await tx.query(`SELECT set_config('tenantctl.apply_id', $1, true)`, [marker]);
        await grantGlobalAdmin(tx, upn);
      });
      await expect(forged, marker).rejects.toThrow(REFUSED);
    }
    for (const statement of [
      `UPDATE users SET job_title = 'Forged' WHERE user_principal_name = '${upn}'`,
      `DELETE FROM license_assignments WHERE user_id = (SELECT id FROM users WHERE user_principal_name = '${upn}')`,
      `UPDATE subscriptions SET seats = seats + 100`,
    ]) {
      const forged = db.transaction(async (tx) => {
        await tx.query(`SELECT set_config('tenantctl.apply_id', $1, true)`, [String(applied.applyId)]);
        await tx.query(statement);
      });
      await expect(forged, statement).rejects.toThrow(REFUSED);
    }
    const roles = await db.query(`SELECT 1 FROM user_roles r JOIN users u ON u.id = r.user_id WHERE u.user_principal_name = $1`, [upn]);
    expect(roles).toEqual([]);
    expect(await stampOf(db, upn)).toBe(`apply #${applied.applyId} (alice)`);

    // Without the mark the write goes through, stamped as made outside tenantctl.
    await grantGlobalAdmin(db, upn);
    expect(await stampOf(db, upn)).toMatch(/^outside tenantctl by database role /);

    // With an apply recorded in the same transaction it is that apply's, and in the audit trail.
    const own = await db.transaction(async (tx) => {
      const id = await recordApply(tx);
      await tx.query(`SELECT set_config('tenantctl.apply_id', $1, true)`, [id]);
      await tx.query(`UPDATE users SET job_title = 'Recorded', updated_by = $2 WHERE user_principal_name = $1`, [upn, `apply #${id} (someone)`]);
      return id;
    });
    expect(await stampOf(db, upn)).toBe(`apply #${own} (someone)`);
    expect(await db.query('SELECT actor FROM applies WHERE id = $1', [own])).toEqual([{ actor: 'someone' }]);
  });
});
