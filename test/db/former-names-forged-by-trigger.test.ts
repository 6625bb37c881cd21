// A trigger function's EXECUTE privilege is checked when a trigger is created,
// and PostgreSQL gives it to PUBLIC. Any role may create a temporary table and
// a trigger on it: the reader (whose credentials run a pull request's code)
// fired record_former_name, which runs as the owner, on its own temporary
// `users`, and wrote any name it liked into former_names as one the Global
// administrator had (copies of her temporary passwords withheld, her notify
// refused, every plan fed the rows); log_other_write, record_apply_write and
// count_consumed_seats the same way. Migration 0032 and roles.sql take EXECUTE
// on every trigger function away from PUBLIC and the group roles.
import { expect, it } from 'vitest';
import { contosoPostgres } from '../support/contoso-database.js';
import { onConnection, readerAndWriter } from '../support/login-roles.js';
import { describePostgres } from '../support/postgres.js';

const SOMEONE = '00000000-0000-4000-8000-0000000000a1';

describePostgres('trigger functions and the least-privilege roles', { timeout: 120_000 }, () => {
  it('no role but the owner may fire one from a trigger of its own', async () => {
    const owner = await contosoPostgres('initialised', 'trigger_functions_not_public');
    const { reader, writer } = await readerAndWriter(owner);

    for (const url of [reader, writer]) {
      const attempt = await onConnection(url, async (client) => {
        await client.query(`CREATE TEMP TABLE users (id uuid, user_principal_name text)`);
        return client
          .query(`CREATE TRIGGER forge AFTER UPDATE ON pg_temp.users FOR EACH ROW EXECUTE FUNCTION tenantctl.record_former_name()`)
          .then(async () => {
            await client.query(`INSERT INTO pg_temp.users VALUES ($1, 'forged@contoso.com')`, [SOMEONE]);
            await client.query(`UPDATE pg_temp.users SET user_principal_name = 'x@contoso.com'`);
            return 'fired';
          })
          .catch((error: Error) => error.message);
      });
      expect(attempt).toMatch(/^permission denied for function (tenantctl\.)?record_former_name$/);
    }
    const forged = await onConnection(owner, async (client) => (await client.query(`SELECT count(*)::int AS n FROM tenantctl.former_names`)).rows[0].n);
    expect(forged).toBe(0);

    // Every trigger function, and every function running as its owner, but the one roles.sql grants the writer
    // and queued_recipients() (migration 0033): it writes nothing and returns only the addresses of the
    // credentials not delivered yet, which plan needs whoever runs it (a role given SELECT by hand included),
    // so it keeps PostgreSQL's EXECUTE for PUBLIC. Those addresses come from the configuration's history.
    const callable = await onConnection(owner, async (client) =>
      (
        await client.query(`SELECT r.rolname || ' ' || p.proname AS grant
           FROM pg_proc p CROSS JOIN pg_roles r
          WHERE p.pronamespace = 'tenantctl'::regnamespace AND (p.prorettype = 'trigger'::regtype OR p.prosecdef)
            AND r.rolname IN ('tenantctl_reader', 'tenantctl_writer', 'tenantctl_deliverer')
            AND has_function_privilege(r.oid, p.oid, 'EXECUTE')
          ORDER BY 1`)
      ).rows.map((row: { grant: string }) => row.grant),
    );
    expect(callable).toEqual([
      'tenantctl_deliverer queued_recipients',
      'tenantctl_reader queued_recipients',
      'tenantctl_writer directory_row_versions',
      'tenantctl_writer queued_recipients',
    ]);
  });
});
