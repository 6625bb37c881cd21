import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { count, whileApplyWaits } from '../support/apply-lock-wait.js';
import { copyContoso, runCli, tempDir } from '../support/cli.js';
import { describePostgres } from '../support/postgres.js';
import { contosoPostgres } from '../support/contoso-database.js';

/**
 * apply --plan skips planning a second time under the lock when the files,
 * the catalog and the user rows are as at its first recomputation. These
 * change only what the files' listing and targets are, never the text of
 * a file read before, while apply waits for the lock: each must be refused.
 */
describePostgres('apply --plan on PostgreSQL: files that change while it waits for the lock', () => {
  let url: string;
  const env = () => ({ TENANTCTL_DATABASE_URL: url });

  beforeAll(async () => {
    url = await contosoPostgres('applied', 'apply_plan_waiting');
  });

  it('refuses when a file was added to the configuration directory, though no file read before changed', async () => {
    const config = copyContoso();
    const users = path.join(config, 'users.yaml');
    const planFile = path.join(tempDir('tenantctl-wait-added-'), 'plan.json');
    fs.writeFileSync(users, fs.readFileSync(users, 'utf8').replace('jobTitle: Sales Lead', 'jobTitle: Head of Sales'));
    expect((await runCli(['plan', '-c', config, '--out', planFile], { env: env() })).code).toBe(0);
    const apply = await whileApplyWaits(url, () => runCli(['apply', '--plan', planFile, '-c', config, '--auto-approve'], { env: env() }), () => {
      fs.writeFileSync(path.join(config, 'zz-late.yaml'), 'users:\n  - userPrincipalName: late.comer@contoso.com\n    displayName: Late Comer\n');
    });
    expect(apply.code, apply.stderr).toBe(1);
    expect(apply.stderr).toContain('is not the plan the configuration and the tenant give');
    expect(apply.stderr).toContain('late.comer@contoso.com');
    expect(await count(url, `SELECT count(*) AS n FROM users WHERE job_title = 'Head of Sales' OR user_principal_name = 'late.comer@contoso.com'`)).toBe(0);
    fs.rmSync(config, { recursive: true, force: true });
  });

  it('refuses when a symbolic link among the files was pointed at another file with other text', async () => {
    const config = copyContoso();
    // Links are followed only to files inside the configuration (or its repository): a folder of it that -c does not read.
    const elsewhere = path.join(config, 'parts');
    fs.mkdirSync(elsewhere);
    const text = fs.readFileSync(path.join(config, 'users.yaml'), 'utf8').replace('jobTitle: Sales Lead', 'jobTitle: Head of Sales');
    fs.writeFileSync(path.join(elsewhere, 'reviewed.yaml'), text);
    fs.writeFileSync(path.join(elsewhere, 'other.yaml'), text.replace('jobTitle: Head of Sales', 'jobTitle: Head of Sa1es'));
    fs.rmSync(path.join(config, 'users.yaml'));
    fs.symlinkSync(path.join(elsewhere, 'reviewed.yaml'), path.join(config, 'users.yaml'));
    const planFile = path.join(tempDir('tenantctl-wait-link-'), 'plan.json');
    expect((await runCli(['plan', '-c', config, '--out', planFile], { env: env() })).code).toBe(0);
    const apply = await whileApplyWaits(url, () => runCli(['apply', '--plan', planFile, '-c', config, '--auto-approve'], { env: env() }), () => {
      // The same name in the directory, the same listing: only the link's target differs.
      fs.symlinkSync(path.join(elsewhere, 'other.yaml'), path.join(config, 'users.yaml.new'));
      fs.renameSync(path.join(config, 'users.yaml.new'), path.join(config, 'users.yaml'));
    });
    expect(apply.code, apply.stderr).toBe(1);
    expect(apply.stderr).toContain('is not the plan the configuration and the tenant give');
    expect(apply.stderr).toContain('joep.devries@contoso.com');
    expect(await count(url, `SELECT count(*) AS n FROM users WHERE job_title LIKE 'Head of Sa%'`)).toBe(0);
    fs.rmSync(config, { recursive: true, force: true });
    fs.rmSync(path.dirname(planFile), { recursive: true, force: true });
  });

  it('applies when nothing changed while it waited (the skipped second planning still applies the reviewed plan)', async () => {
    const config = copyContoso();
    const users = path.join(config, 'users.yaml');
    const planFile = path.join(tempDir('tenantctl-wait-same-'), 'plan.json');
    fs.writeFileSync(users, fs.readFileSync(users, 'utf8').replace('jobTitle: Sales Lead', 'jobTitle: Head of Sales'));
    expect((await runCli(['plan', '-c', config, '--out', planFile], { env: env() })).code).toBe(0);
    // Rewritten with the same text: a new file, not a new configuration.
    const apply = await whileApplyWaits(url, () => runCli(['apply', '--plan', planFile, '-c', config, '--auto-approve'], { env: env() }), () => {
      fs.writeFileSync(`${users}.new`, fs.readFileSync(users));
      fs.renameSync(`${users}.new`, users);
    });
    expect(apply.code, apply.stderr).toBe(0);
    expect(await count(url, `SELECT count(*) AS n FROM users WHERE job_title = 'Head of Sales'`)).toBe(1);
    fs.rmSync(config, { recursive: true, force: true });
  });
});
