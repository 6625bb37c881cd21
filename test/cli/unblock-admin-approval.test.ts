// A departed administrator's account is blocked with its roles kept. A pull
// request that allowed it to sign in again made an administrator of whoever
// still knew its password, approved by the merge alone: unblocking a user who
// holds an admin role is privileged, as restoring one from the recycle bin is.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyContoso, runCli, tempDir } from '../support/cli.js';
import { contosoFolderWritten } from '../support/contoso-database.js';

describe('allowing a blocked user to sign in again', { timeout: 120_000 }, () => {
  it('needs --approve-privileged when the user holds an admin role, and every format says why; an ordinary user needs none', async () => {
    // Pieter (Billing administrator) blocked with his role kept, as a leaver's account is.
    const database = await contosoFolderWritten('applied', path.join(tempDir('tenantctl-unblock-admin-'), 'db'), `
        UPDATE users SET account_enabled = false WHERE user_principal_name = 'pieter.bakker@contoso.com';`);
    const config = copyContoso();
    fs.rmSync(path.join(config, 'catalog.yaml'));
    // Noah, blocked in git and holding no role, is let back in by the same pull request.
    const users = path.join(config, 'users.yaml');
    fs.writeFileSync(users, fs.readFileSync(users, 'utf8').replace(/\n    accountEnabled: false\n/, '\n'));
    const cli = (args: string[]) => runCli(args, { env: { TENANTCTL_DATABASE_URL: database } });

    const plan = await cli(['plan', '-c', config]);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toContain('! Applying this plan needs approval: privileged (--approve-privileged).\n! Allows sign-in again of blocked admin user pieter.bakker@contoso.com.\n');
    const json = JSON.parse((await cli(['plan', '-c', config, '--format', 'json'])).stdout) as { approvals: string[]; changes: { kind: string; userPrincipalName: string; risks: string[] }[] };
    expect(json.approvals).toEqual(['privileged']);
    const unblocks = json.changes.filter((c) => c.kind === 'user.unblock').map((c) => [c.userPrincipalName, c.risks]);
    expect(unblocks).toEqual([
      ['noah.hendriks@contoso.com', []],
      ['pieter.bakker@contoso.com', ['privileged']],
    ]);
    const markdown = (await cli(['plan', '-c', config, '--format', 'markdown'])).stdout;
    expect(markdown).toContain('Allows sign-in again of blocked admin user `pieter.bakker@contoso.com`.');

    const refused = await cli(['apply', '-c', config, '--auto-approve']);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('  allows sign-in again of pieter.bakker@contoso.com, who holds an admin role\n');
    expect(refused.stderr).not.toContain('noah.hendriks');
    const applied = await cli(['apply', '-c', config, '--auto-approve', '--approve-privileged']);
    expect(applied.code, applied.stderr).toBe(0);
    const again = await cli(['plan', '-c', config, '--detailed-exitcode']);
    expect(again.code, again.stdout).toBe(0);
  });
});
