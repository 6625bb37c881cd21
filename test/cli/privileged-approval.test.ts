import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyContoso, runCli, tempDir } from '../support/cli.js';
import { contosoDatabase } from '../support/contoso-database.js';

interface JsonPlan {
  readonly approvals: string[];
  readonly changes: { kind: string; userPrincipalName: string; risks: string[] }[];
}

/** Finding 9: granting Global administrator applied with --auto-approve alone. */
describe('privileged changes need --approve-privileged', () => {
  let dir: string;
  let database: string;
  let config: string;
  const env = () => ({ TENANTCTL_DATABASE_URL: database });
  const users = () => path.join(config, 'users.yaml');
  const edit = (from: string, to: string) => {
    const text = fs.readFileSync(users(), 'utf8');
    expect(text).toContain(from);
    fs.writeFileSync(users(), text.replace(from, to));
  };
  const unchanged = async () => (await runCli(['plan', '-c', config, '--detailed-exitcode'], { env: env() })).code;

  beforeAll(async () => {
    dir = tempDir();
    database = await contosoDatabase('applied', 'privileged_approval', path.join(dir, 'db'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('granting Global administrator to a user: exit 3 naming it, nothing changed; applies with the flag', async () => {
    config = copyContoso();
    edit('    jobTitle: Sales Lead\n', '    jobTitle: Sales Lead\n    roles: [Global administrator]\n');
    const plan = await runCli(['plan', '-c', config, '--format', 'json'], { env: env() });
    const document = JSON.parse(plan.stdout) as JsonPlan;
    expect(document.approvals).toEqual(['privileged']);
    expect(document.changes).toEqual([expect.objectContaining({ kind: 'role.grant', userPrincipalName: 'joep.devries@contoso.com', risks: ['privileged'] })]);
    const text = await runCli(['plan', '-c', config], { env: env() });
    expect(text.stdout).toContain('! Applying this plan needs approval: privileged (--approve-privileged).');
    expect(text.stdout).toContain('! Grants Global administrator to joep.devries@contoso.com.');
    const refused = await runCli(['apply', '-c', config, '--auto-approve'], { env: env() });
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('this plan makes privileged changes:\n  grants Global administrator to joep.devries@contoso.com\napply stopped before changing anything: re-run with --approve-privileged');
    expect(await unchanged()).toBe(2);
    // --approve-purchases approves nothing here (no seats are bought), so the audit trail leaves it out.
    const approved = await runCli(['apply', '-c', config, '--auto-approve', '--approve-privileged', '--approve-purchases'], { env: env() });
    expect(approved.code).toBe(0);
    expect(await unchanged()).toBe(0);
    const history = await runCli(['history', '--limit', '1', '--format', 'json'], { env: env() });
    expect((JSON.parse(history.stdout) as { applies: { approvals: unknown }[] }).applies[0]?.approvals).toEqual({ confirmation: 'flag', privileged: 'flag' });
    // The role the CLI connects as: the test server's user on PostgreSQL, postgres on the embedded database.
    const role = database.startsWith('postgres') ? new URL(database).username : 'postgres';
    expect((await runCli(['history', '--limit', '1'], { env: env() })).stdout).toContain(`; database role ${role}; confirmed by --auto-approve; privileged changes approved by --approve-privileged\n`);
  });

  it('deleting or blocking a user who holds an admin role: risk privileged in the JSON plan, exit 3 without the flag', async () => {
    const start = fs.readFileSync(users(), 'utf8').indexOf('  - userPrincipalName: alex.wilber@contoso.com');
    const end = fs.readFileSync(users(), 'utf8').indexOf('  # A break-glass admin account');
    const text = fs.readFileSync(users(), 'utf8');
    fs.writeFileSync(users(), text.slice(0, start) + text.slice(end));
    edit('    displayName: Break-glass administrator\n', '    displayName: Break-glass administrator\n    accountEnabled: false\n');
    const plan = await runCli(['plan', '-c', config, '--format', 'json'], { env: env() });
    expect(plan.code).toBe(0);
    const document = JSON.parse(plan.stdout) as JsonPlan;
    expect(document.approvals).toEqual(['privileged']);
    expect(document.changes.map(({ kind, userPrincipalName, risks }) => ({ kind, userPrincipalName, risks }))).toEqual([
      { kind: 'user.delete', userPrincipalName: 'alex.wilber@contoso.com', risks: ['deletion', 'privileged'] },
      { kind: 'user.block', userPrincipalName: 'breakglass@contoso.onmicrosoft.com', risks: ['sign-in-blocked', 'deletion', 'privileged'] },
    ]);
    const refused = await runCli(['apply', '-c', config, '--auto-approve', '--approve-deletions'], { env: env() });
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('  deletes alex.wilber@contoso.com, who holds an admin role\n');
    expect(refused.stderr).toContain('  blocks sign-in of breakglass@contoso.onmicrosoft.com, who holds an admin role\n');
    expect(await unchanged()).toBe(2);
  });

  it('the lockout guard stays: --approve-privileged cannot remove the last Global administrators', async () => {
    edit('    roles: [Global administrator]\n    licenses:\n      - ENTERPRISEPREMIUM', '    licenses:\n      - ENTERPRISEPREMIUM');
    const refused = await runCli(['apply', '-c', config, '--auto-approve', '--approve-deletions', '--approve-privileged'], { env: env() });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('fewer than settings.minGlobalAdmins (2)');
    edit('    licenses:\n      - ENTERPRISEPREMIUM', '    roles: [Global administrator]\n    licenses:\n      - ENTERPRISEPREMIUM');
    expect(await unchanged()).toBe(2);
    fs.rmSync(config, { recursive: true, force: true });
  });
});

/** Every approval a plan lacks is named at once, not one re-run per approval. */
describe('apply names every missing approval together', () => {
  let dir: string;
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('the first apply of contoso buys seats and grants admin roles: exit 3 naming both flags, nothing changed', async () => {
    dir = tempDir();
    const env = { TENANTCTL_DATABASE_URL: await contosoDatabase('initialised', 'privileged_approval_2', path.join(dir, 'db')) };
    const refused = await runCli(['apply', '-c', 'examples/contoso', '--auto-approve'], { env });
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/^Error: this plan buys seats:\n(  .*\n)+  total \+.*\/month\nthis plan makes privileged changes:\n(  .*\n)+/);
    expect(refused.stderr).toContain('apply stopped before changing anything: re-run with --approve-purchases --approve-privileged if this is intended (it needs 2 approvals)');
    const onlyOne = await runCli(['apply', '-c', 'examples/contoso', '--auto-approve', '--approve-purchases'], { env });
    expect(onlyOne.code).toBe(3);
    expect(onlyOne.stderr).not.toContain('buys seats');
    expect(onlyOne.stderr).toContain('re-run with --approve-privileged if this is intended');
    // Without --auto-approve and without a terminal, following the advice must not just fail at the confirmation next.
    const unattended = await runCli(['apply', '-c', 'examples/contoso'], { env });
    expect(unattended.code).toBe(3);
    expect(unattended.stderr).toContain(
      're-run with --approve-purchases --approve-privileged --auto-approve if this is intended (it needs 2 approvals; --auto-approve confirms the apply where no terminal is there to type "yes" at)',
    );
    const oneUnattended = await runCli(['apply', '-c', 'examples/contoso', '--approve-purchases'], { env });
    expect(oneUnattended.stderr).toContain('re-run with --approve-privileged --auto-approve if this is intended (--auto-approve confirms the apply where no terminal');
    const plan = await runCli(['plan', '-c', 'examples/contoso', '--format', 'json'], { env });
    expect((JSON.parse(plan.stdout) as { summary: { create: number } }).summary.create).toBeGreaterThan(0);
  });
});
