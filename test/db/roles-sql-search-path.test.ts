// sql/roles.sql runs as the owner from psql, whose search_path includes
// public. On PostgreSQL 14 and older (and a database upgraded from one) every
// role may create objects there, the pull-request job's reader included: a
// public.format(text, name) is a closer match for roles.sql's
// format('…%I…', current_user) than the built-in format(text, VARIADIC "any"),
// and ran as the owner. roles.sql now resolves names in pg_catalog alone.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg, { escapeIdentifier } from 'pg';
import { expect, it } from 'vitest';
import { ROOT, runCli } from '../support/cli.js';
import { asLogin } from '../support/login-roles.js';
import { describePostgres, postgresTestUrl } from '../support/postgres.js';

const ROLES_SQL = fs.readFileSync(path.join(ROOT, 'sql', 'roles.sql'), 'utf8');

describePostgres('sql/roles.sql and a function planted in public', { timeout: 120_000 }, () => {
  it('calls the built-in format, not one another role created where the owner\'s search_path looks', async () => {
    const admin = (await postgresTestUrl('roles_sql_search_path')) ?? '';
    const suffix = randomBytes(4).toString('hex');
    const ownerRole = `owner_${suffix}`;
    const planter = `planter_${suffix}`;
    const as = (role: string) => {
      const url = new URL(admin);
      url.username = role;
      url.password = '';
      return url.toString();
    };
    // An owner without CREATEROLE, so roles.sql takes the branch that calls format(); public as PostgreSQL 14 left it.
    await asLogin(admin, `CREATE ROLE ${escapeIdentifier(ownerRole)} LOGIN; CREATE ROLE ${escapeIdentifier(planter)} LOGIN;
      ALTER DATABASE ${escapeIdentifier(new URL(admin).pathname.slice(1))} OWNER TO ${escapeIdentifier(ownerRole)};
      GRANT CREATE ON SCHEMA public TO PUBLIC`);
    const init = await runCli(['init', '--catalog', 'examples/contoso/catalog.yaml'], { env: { TENANTCTL_DATABASE_URL: as(ownerRole) } });
    expect(init.code, init.stderr).toBe(0);
    await asLogin(as(planter), `CREATE FUNCTION public.format(text, name) RETURNS text LANGUAGE sql AS $$ SELECT 'planted function ran as ' || current_user $$`);

    const script = ROLES_SQL.replaceAll(/tenantctl_(reader|writer|deliverer)/g, `tenantctl_$1_${suffix}`);
    const client = new pg.Client(as(ownerRole));
    await client.connect();
    try {
      const refused = await client.query(script).then(() => null, (cause: unknown) => cause as { message: string; hint?: string });
      expect(refused?.message).toMatch(/may not create roles; nothing was changed$/);
      expect(refused?.hint).toBe(`give the owner CREATEROLE as a superuser (ALTER ROLE ${ownerRole} CREATEROLE), which granting the roles to login roles needs too, and run roles.sql again`);
      // The session's own search_path is back once the script's transaction is over (psql ends it with the session).
      await client.query('ROLLBACK');
      const { rows } = await client.query<{ search_path: string }>('SHOW search_path');
      expect(rows[0]?.search_path).toBe('"$user", public');
    } finally {
      await client.end();
    }
  });
});
