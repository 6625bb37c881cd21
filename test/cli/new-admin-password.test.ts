// A plan that created a user and granted it an admin role showed the approver
// the grant alone: the new account's temporary password goes to its notify
// addresses and settings.adminEmail, so a pull request adding a Global
// administrator with `notify: [its author's address]` hands the author that
// administrator, and where the password went was only in the user's folded
// details. The creation is privileged now, and every format names where its
// temporary password goes with the roles granted.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { copyContoso, runCli, tempDir } from '../support/cli.js';
import { contosoFolder } from '../support/contoso-database.js';

const root = tempDir('tenantctl-new-admin-password-');
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

interface JsonPlan {
  readonly approvals: string[];
  readonly settings: { readonly adminEmail: string | null };
  readonly changes: { kind: string; userPrincipalName: string; risks: string[]; notify?: string[] }[];
}

const EVE = `
  - userPrincipalName: eve@contoso.com
    displayName: Eve
    roles: [Global administrator]
    notify: [attacker@example.org]

  - userPrincipalName: finn@contoso.com
    displayName: Finn
    notify: [finn@example.org]
`;

describe('a new user the same plan makes an admin', { timeout: 120_000 }, () => {
  it('names where its temporary password goes, settings.adminEmail included, in text, JSON, markdown, HTML and apply', async () => {
    const database = contosoFolder('applied', path.join(root, 'db'));
    const config = copyContoso();
    fs.appendFileSync(path.join(config, 'users.yaml'), EVE);
    const cli = (args: string[]) => runCli(args, { env: { TENANTCTL_DATABASE_URL: database } });

    const json = JSON.parse((await cli(['plan', '-c', config, '--format', 'json'])).stdout) as JsonPlan;
    expect(json.approvals).toEqual(['privileged']);
    // The JSON plan's recipients are the creation's notify and settings.adminEmail, as apply sends them.
    expect(json.settings.adminEmail).toBe('it-desk@contoso.com');
    expect(json.changes.map((c) => [c.kind, c.userPrincipalName, c.risks, c.notify])).toEqual([
      ['user.create', 'eve@contoso.com', ['privileged'], ['attacker@example.org']],
      ['role.grant', 'eve@contoso.com', ['privileged'], undefined],
      // A new user without a role needs no approval.
      ['user.create', 'finn@contoso.com', [], ['finn@example.org']],
    ]);

    const sentence = 'Creates eve@contoso.com, whom this plan grants Global administrator, and sends the temporary password to attacker@example.org and it-desk@contoso.com.';
    const plan = await cli(['plan', '-c', config]);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toContain(`! Grants Global administrator to eve@contoso.com.\n! ${sentence}\n`);
    expect(plan.stdout).not.toContain('finn@contoso.com, whom');

    const markdown = (await cli(['plan', '-c', config, '--format', 'markdown'])).stdout;
    expect(markdown).toContain(
      '> - Creates `eve@contoso.com`, whom this plan grants `Global administrator`, and sends the temporary password to `attacker@example.org` and `it-desk@contoso.com`.',
    );
    expect(markdown).toContain('| `eve@contoso.com` | `+ temporary password sent to: attacker@example.org, it-desk@contoso.com` | privileged |');
    expect(markdown).not.toContain('| `finn@contoso.com` |');

    const html = (await cli(['plan', '-c', config, '--format', 'html'])).stdout;
    expect(html).toContain('sends the temporary password to');
    expect(html).toContain('attacker@example.org');

    const refused = await cli(['apply', '-c', config, '--auto-approve']);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain(
      [
        'this plan makes privileged changes:',
        '  creates eve@contoso.com, whom this plan grants Global administrator, its temporary password sent to attacker@example.org and it-desk@contoso.com',
        '  grants Global administrator to eve@contoso.com',
        'apply stopped',
      ].join('\n'),
    );
    expect((await cli(['apply', '-c', config, '--auto-approve', '--approve-privileged'])).code).toBe(0);
  });
});
