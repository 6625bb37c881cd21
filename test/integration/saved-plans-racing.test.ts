// Saved plans against a tenant that moves, on PostgreSQL: two different
// reviewed plans applied at once, and a plan whose tenant was changed outside
// tenantctl (a seat taken, seats bought, a role revoked, a user deleted or
// added) between `plan --out` and `apply --plan`. Whatever happens, the
// refused apply writes nothing, says why in a line, and the seats consumed
// stay the licence rows.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { copyContoso, runCli, tempDir } from '../support/cli.js';
import { contosoPostgres } from '../support/contoso-database.js';
import { ENGINES } from '../support/engines.js';
import { dumpPostgres, execPostgres, expectSameDirectory, queryRows } from '../reliability/support/directory-dump.js';

const POSTGRES_SKIPPED = ENGINES.find((e) => e.name === 'postgres')!.skip;
const APPROVALS = ['--auto-approve', '--approve-purchases', '--approve-privileged', '--approve-deletions'];

/** The contoso example with one more user holding an E1 licence. */
function withNewUser(upn: string): string {
  const config = copyContoso();
  fs.appendFileSync(path.join(config, 'users.yaml'), `\n  - userPrincipalName: ${upn}\n    displayName: New ${upn}\n    licenses: [STANDARDPACK]\n`);
  return config;
}

async function seatsMatchLicences(url: string): Promise<void> {
  const rows = await queryRows<{ sku: string; seats: number; consumed: number; counted: number }>(
    url,
    'SELECT s.sku, s.seats, s.consumed, (SELECT count(*)::int FROM license_assignments a WHERE a.sku = s.sku) AS counted FROM subscriptions s ORDER BY s.sku',
  );
  for (const row of rows) {
    expect(row.consumed, row.sku).toBe(row.counted);
    expect(row.consumed).toBeLessThanOrEqual(row.seats);
  }
}

const oneLine = (stderr: string) => {
  expect(stderr).not.toMatch(/^\s+at /m);
  expect(stderr).toMatch(/^Error: the tenant changed since this plan was made, so it was not applied:/m);
};

describe.skipIf(POSTGRES_SKIPPED)('saved plans against a tenant that moves, on PostgreSQL', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('two different reviewed plans applied at once: one applies, the other is refused whole', async () => {
    const url = await contosoPostgres('applied', 'racing_plans');
    const dir = tempDir('racing-plans-');
    dirs.push(dir);
    const configs = [withNewUser('x.new@contoso.com'), withNewUser('y.new@contoso.com')];
    dirs.push(...configs);
    const files = configs.map((_, i) => path.join(dir, `plan-${i}.json`));
    for (const [i, config] of configs.entries()) expect((await runCli(['plan', '-c', config, '--out', files[i]!, '--database', url])).code).toBe(0);
    const before = await dumpPostgres(url);

    // Slowed statements keep the first apply's transaction open while the second waits for the lock.
    const runs = await Promise.all(
      configs.map((config, i) => runCli(['apply', '--plan', files[i]!, '-c', config, '--database', url, ...APPROVALS, '--lock-timeout', '60'], { env: { TENANTCTL_DEBUG_STATEMENT_DELAY_MS: '20' } })),
    );
    expect(runs.map((r) => r.code).sort(), runs.map((r) => r.stderr).join('\n')).toEqual([0, 1]);
    const refused = runs.find((r) => r.code === 1)!;
    oneLine(refused.stderr);
    const winner = runs.findIndex((r) => r.code === 0);
    const users = await queryRows<{ upn: string }>(url, `SELECT user_principal_name AS upn FROM users WHERE user_principal_name LIKE '%.new@contoso.com'`);
    expect(users.map((u) => u.upn)).toEqual([winner === 0 ? 'x.new@contoso.com' : 'y.new@contoso.com']);
    expect((await dumpPostgres(url)).applies).toBe(before.applies + 1);
    await seatsMatchLicences(url);
  }, 60_000);

  const outside: { name: string; sql: string }[] = [
    { name: 'a licence assigned in SQL (a seat taken)', sql: `INSERT INTO license_assignments (user_id, sku) SELECT id, 'STANDARDPACK' FROM users WHERE user_principal_name = 'breakglass@contoso.onmicrosoft.com'` },
    { name: 'seats bought outside', sql: `UPDATE subscriptions SET seats = seats + 1 WHERE sku = 'STANDARDPACK'` },
    { name: 'a Global administrator role revoked', sql: `DELETE FROM user_roles WHERE user_id = (SELECT id FROM users WHERE user_principal_name = 'alex.wilber@contoso.com') AND role_template_id = '62e90394-69f5-4237-9190-012177145e10'` },
    { name: 'a user deleted', sql: `UPDATE users SET deleted_at = now() WHERE user_principal_name = 'isabella.janssen@contoso.com'` },
    { name: 'a user added', sql: `INSERT INTO users (user_principal_name, display_name, mail_nickname) VALUES ('intruder@contoso.com', 'Intruder', 'intruder')` },
  ];

  it.each(outside)('plan --out, then $name, then apply --plan: refused, nothing written', async ({ name, sql }) => {
    const url = await contosoPostgres('applied', `outside_${name}`);
    const dir = tempDir('outside-change-');
    const config = withNewUser('x.new@contoso.com');
    dirs.push(dir, config);
    const file = path.join(dir, 'plan.json');
    expect((await runCli(['plan', '-c', config, '--out', file, '--database', url])).code).toBe(0);
    await execPostgres(url, sql);
    const changed = await dumpPostgres(url);
    const run = await runCli(['apply', '--plan', file, '-c', config, '--database', url, ...APPROVALS]);
    expect(run.code, run.stderr).toBe(1);
    oneLine(run.stderr);
    expectSameDirectory(await dumpPostgres(url), changed, name);
    await seatsMatchLicences(url);
  }, 30_000);
});
