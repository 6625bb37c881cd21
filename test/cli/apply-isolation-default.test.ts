import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { beforeAll, expect, it } from 'vitest';
import { count, whileApplyWaits } from '../support/apply-lock-wait.js';
import { copyContoso, runCli, tempDir } from '../support/cli.js';
import { describePostgres } from '../support/postgres.js';
import { contosoPostgres } from '../support/contoso-database.js';

/**
 * A database whose default isolation is REPEATABLE READ (set by an
 * administrator for reports, or inherited from a template) must not take
 * apply's snapshot before the tenant lock: its checks under the lock would
 * then miss what was committed while it waited.
 */
describePostgres('apply on a database whose default isolation is REPEATABLE READ', () => {
  let url: string;
  const env = () => ({ TENANTCTL_DATABASE_URL: url });

  beforeAll(async () => {
    url = await contosoPostgres('applied', 'apply_isolation_default');
    const client = new pg.Client(url);
    await client.connect();
    try {
      const { rows } = await client.query<{ name: string }>('SELECT current_database() AS name');
      await client.query(`ALTER DATABASE "${rows[0]?.name}" SET default_transaction_isolation TO 'repeatable read'`);
    } finally {
      await client.end();
    }
  });

  it('sees a catalog change committed while it waited for the lock, and plans again', async () => {
    expect(await count(url, `SELECT count(*) AS n FROM pg_settings WHERE name = 'default_transaction_isolation' AND setting = 'repeatable read'`)).toBe(1);
    const config = copyContoso();
    const users = path.join(config, 'users.yaml');
    const planFile = path.join(tempDir('tenantctl-isolation-'), 'plan.json');
    fs.writeFileSync(users, fs.readFileSync(users, 'utf8').replace('jobTitle: Sales Lead', 'jobTitle: Sales Lead\n    roles: [Password administrator]'));
    expect((await runCli(['plan', '-c', config, '--out', planFile], { env: env() })).code).toBe(0);
    const apply = await whileApplyWaits(
      url,
      () => runCli(['apply', '--plan', planFile, '-c', config, '--auto-approve', '--approve-privileged'], { env: env() }),
      // Finance's E3 has SWAY switched off and Skype (MCOSTANDARD) on: this makes its licence invalid.
      () => count(url, `WITH d AS (INSERT INTO service_plan_dependencies (sku, plan, requires) VALUES ('ENTERPRISEPACK', 'MCOSTANDARD', 'SWAY') RETURNING 1) SELECT count(*) AS n FROM d`),
    );
    expect(apply.code, apply.stderr).toBe(1);
    expect(apply.stderr).toContain('the configuration no longer gives a plan');
    expect(apply.stderr).toContain('MCOSTANDARD');
    expect(await count(url, `SELECT count(*) AS n FROM user_roles r JOIN roles o ON o.template_id = r.role_template_id JOIN users u ON u.id = r.user_id WHERE o.display_name = 'Password administrator' AND u.job_title = 'Sales Lead'`)).toBe(0);

    // Without the dependency the same plan applies: the default isolation is no obstacle to a plain apply.
    await count(url, `WITH r AS (DELETE FROM service_plan_dependencies WHERE plan = 'MCOSTANDARD' AND requires = 'SWAY' RETURNING 1) SELECT count(*) AS n FROM r`);
    const again = await runCli(['apply', '--plan', planFile, '-c', config, '--auto-approve', '--approve-privileged'], { env: env() });
    expect(again.code, again.stderr).toBe(0);
    expect(await count(url, `SELECT count(*) AS n FROM user_roles r JOIN roles o ON o.template_id = r.role_template_id JOIN users u ON u.id = r.user_id WHERE o.display_name = 'Password administrator' AND u.job_title = 'Sales Lead'`)).toBe(1);
    fs.rmSync(config, { recursive: true, force: true });
    fs.rmSync(path.dirname(planFile), { recursive: true, force: true });
  });
});
