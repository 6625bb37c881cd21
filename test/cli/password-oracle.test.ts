// password.fromEnv and the account-name rule. A pull request chooses both the
// variable and the account names, so plan (run on the pull request, with the
// job's secrets in its environment) must not say whether a variable's value
// holds a name: it would be a substring test of any secret. apply, run on what
// was merged, checks it before changing anything.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { copyContoso, runCli, tempDir } from '../support/cli.js';
import { contosoDatabase } from '../support/contoso-database.js';

const TIM = '\n  - userPrincipalName: tim.dewit@contoso.com\n    displayName: Tim de Wit\n    password:\n      fromEnv: TIM_PASSWORD\n';

describe('a fromEnv password holding the account name', () => {
  const dir = tempDir();
  const config = copyContoso();
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(config, { recursive: true, force: true });
  });

  it('passes validate and plan without a word about the value, and is refused by apply before any change', async () => {
    fs.appendFileSync(path.join(config, 'users.yaml'), TIM);
    const env = { TENANTCTL_DATABASE_URL: await contosoDatabase('initialised', 'password_oracle', path.join(dir, 'db')), TIM_PASSWORD: 'tim.dewit#2016A' };
    const validate = await runCli(['validate', '-c', config], { env });
    expect(validate.stdout + validate.stderr).not.toContain('PASSWORD_POLICY');
    const plan = await runCli(['plan', '-c', config], { env });
    expect(plan.code).toBe(0);
    expect(plan.stderr).not.toContain('PASSWORD_POLICY');
    const apply = await runCli(['apply', '-c', config, '--auto-approve', '--approve-purchases', '--approve-privileged'], { env });
    expect(apply.code).toBe(1);
    // Located as every other problem of the configuration is: at the fromEnv naming the variable.
    const users = path.join(config, 'users.yaml');
    const line = fs.readFileSync(users, 'utf8').split('\n').findIndex((l) => l.includes('fromEnv: TIM_PASSWORD')) + 1;
    expect(apply.stderr).toContain(
      `${users}:${line}:16: PASSWORD_POLICY: the password in TIM_PASSWORD for tim.dewit@contoso.com (who is created) breaks the password policy: it contains the account name; choose a password without it`,
    );
    // No apply recorded (init's catalog and key are the trail's only entries).
    const history = JSON.parse((await runCli(['history', '--format', 'json'], { env })).stdout) as { applies: unknown[]; otherWrites: { command: string | null }[] };
    expect(history.applies).toEqual([]);
    expect(history.otherWrites.map((w) => w.command)).toEqual(['init', 'init']);
  });
});
