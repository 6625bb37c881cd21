// Migration 0034's table is what a grant's approver is shown
// (WAY_IN_CHANGED_WITHOUT_ROLE), and its triggers run as the owner. A reader
// (whose credentials run a pull request's code) or a writer that could fire
// clear_unapproved_ways_in from a trigger on a temporary `user_roles` of its
// own would empty an account's record before the grant's plan, and the
// approver would see the grant alone; record_unapproved_way_in,
// record_created_ways_in and record_unapproved_reset_recipients would write
// rows or recipients of its choosing. Neither may write the table itself either.
import { expect, it } from 'vitest';
import { contosoPostgres } from '../support/contoso-database.js';
import { onConnection, readerAndWriter } from '../support/login-roles.js';
import { describePostgres } from '../support/postgres.js';

/** A temporary table shaped as the trigger function expects, the trigger on it, and the write that would fire it. */
const FORGERIES: readonly { fn: string; table: string; trigger: string; fire: string }[] = [
  {
    fn: 'clear_unapproved_ways_in',
    table: 'CREATE TEMP TABLE user_roles (user_id uuid, role_template_id uuid)',
    trigger: 'AFTER INSERT ON pg_temp.user_roles REFERENCING NEW TABLE AS granted FOR EACH STATEMENT',
    fire: `INSERT INTO pg_temp.user_roles SELECT user_id, user_id FROM tenantctl.unapproved_ways_in`,
  },
  {
    fn: 'record_unapproved_way_in',
    table: `CREATE TEMP TABLE users (id uuid, deleted_at timestamptz, password_hash text, mobile_phone text,
              business_phones text[], account_enabled boolean)`,
    trigger: 'AFTER UPDATE ON pg_temp.users FOR EACH ROW',
    fire: `INSERT INTO pg_temp.users SELECT id, NULL, 'h', NULL, '{}', true FROM tenantctl.users;
           UPDATE pg_temp.users SET mobile_phone = '+1 555 0199'`,
  },
  {
    fn: 'record_created_ways_in',
    table: `CREATE TEMP TABLE users (id uuid, deleted_at timestamptz, password_hash text, mobile_phone text, business_phones text[])`,
    trigger: 'AFTER INSERT ON pg_temp.users REFERENCING NEW TABLE AS created FOR EACH STATEMENT',
    fire: `SELECT set_config('tenantctl.apply_id', '1', false);
           INSERT INTO pg_temp.users SELECT id, NULL, 'h', '+1 555 0199', '{}' FROM tenantctl.users`,
  },
  {
    fn: 'record_unapproved_reset_recipients',
    table: 'CREATE TEMP TABLE credential_notifications (user_id uuid, apply_id bigint, recipients text[])',
    trigger: 'AFTER INSERT ON pg_temp.credential_notifications REFERENCING NEW TABLE AS queued FOR EACH STATEMENT',
    fire: `INSERT INTO pg_temp.credential_notifications SELECT user_id, apply_id, '{forged@evil.example}' FROM tenantctl.unapproved_ways_in`,
  },
];

describePostgres('the record of ways in changed without a role, and the least-privilege roles', { timeout: 120_000 }, () => {
  it('no role but the owner writes it, directly or through a trigger function fired from a trigger of its own', async () => {
    const owner = await contosoPostgres('applied', 'unapproved_ways_in_forged');
    const { reader, writer } = await readerAndWriter(owner);
    const recorded = () =>
      onConnection(owner, async (client) =>
        (await client.query(`SELECT u.user_principal_name || ' ' || w.way || ' ' || array_to_string(w.recipients, ',') AS row
           FROM tenantctl.unapproved_ways_in w JOIN tenantctl.users u ON u.id = w.user_id ORDER BY 1`)).rows.map((r: { row: string }) => r.row),
      );
    await onConnection(owner, (client) =>
      client.query(`INSERT INTO tenantctl.unapproved_ways_in (user_id, way, apply_id, recipients)
        SELECT id, 'password', NULL, '{attacker@evil.example}' FROM tenantctl.users WHERE user_principal_name = 'pieter.bakker@contoso.com'`),
    );
    const before = await recorded();
    expect(before).toContain('pieter.bakker@contoso.com password attacker@evil.example');

    for (const url of [reader, writer]) {
      for (const { fn, table, trigger, fire } of FORGERIES) {
        const attempt = await onConnection(url, async (client) => {
          await client.query(table);
          return client
            .query(`CREATE TRIGGER forge ${trigger} EXECUTE FUNCTION tenantctl.${fn}()`)
            .then(async () => {
              await client.query(fire);
              return 'fired';
            })
            .catch((error: Error) => error.message);
        });
        expect(attempt).toMatch(new RegExp(`^permission denied for function (tenantctl\\.)?${fn}$`));
      }
      for (const write of [
        `DELETE FROM tenantctl.unapproved_ways_in`,
        `UPDATE tenantctl.unapproved_ways_in SET recipients = '{}'`,
        `INSERT INTO tenantctl.unapproved_ways_in (user_id, way) SELECT id, 'signIn' FROM tenantctl.users`,
        `TRUNCATE tenantctl.unapproved_ways_in`,
      ]) {
        const attempt = await onConnection(url, (client) => client.query(write).then(() => 'written', (error: Error) => error.message));
        expect(attempt).toBe('permission denied for table unapproved_ways_in');
      }
    }
    // The reader reads it: every plan does.
    const read = await onConnection(reader, async (client) => (await client.query(`SELECT count(*)::int AS n FROM tenantctl.unapproved_ways_in`)).rows[0].n);
    expect(read).toBe(before.length);
    expect(await recorded()).toEqual(before);
  });
});
