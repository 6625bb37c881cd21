// A login role the database's owner has not let connect (CONNECT revoked from PUBLIC, as the README's
// roles setup does where one server holds several tenants) is told what grants it, not only refused.
import { randomBytes } from 'node:crypto';
import { escapeIdentifier } from 'pg';
import { expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { onConnection } from '../support/login-roles.js';
import { describePostgres, postgresTestUrl } from '../support/postgres.js';

describePostgres('a login role without CONNECT on the database', { timeout: 60_000 }, () => {
  it('is refused in one line that names GRANT CONNECT, and nothing else is done', async () => {
    const owner = (await postgresTestUrl('connect_privilege')) ?? '';
    const database = new URL(owner).pathname.slice(1);
    const login = `outsider_${randomBytes(4).toString('hex')}`;
    await onConnection(owner, async (client) => {
      await client.query(`CREATE ROLE ${escapeIdentifier(login)} LOGIN`);
      await client.query(`REVOKE CONNECT, TEMPORARY ON DATABASE ${escapeIdentifier(database)} FROM PUBLIC`);
    });
    const url = new URL(owner);
    url.username = login;
    url.password = '';
    const run = await runCli(['history'], { env: { TENANTCTL_DATABASE_URL: url.toString() } });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(
      new RegExp(`^Error: cannot connect to \\S+: permission denied for database "${database}": the database's owner lets a login role connect with GRANT CONNECT ON DATABASE name TO role\\n$`),
    );
  });
});
