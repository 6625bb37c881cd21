// A plan that granted an admin role and, in the same plan, reset that user's
// password (sending it to a new notify address) or pointed its mobile phone
// elsewhere showed the approver the grant alone: the reset and the phone, the
// ways into the account the grant empowers, needed no approval of their own,
// as the user held no role yet. They are privileged now, and every format
// names them with the grant.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { copyContoso, runCli, tempDir } from '../support/cli.js';
import { contosoFolder } from '../support/contoso-database.js';
import { editFile } from '../support/edit-file.js';

const root = tempDir('tenantctl-grant-way-in-');
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

interface JsonPlan {
  readonly approvals: string[];
  readonly changes: { kind: string; userPrincipalName: string; risks: string[] }[];
}

describe('a grant with a way into the same account', { timeout: 120_000 }, () => {
  it('names the reset, where its password goes, and the phone with the grant, in text, JSON, markdown and apply', async () => {
    const database = contosoFolder('applied', path.join(root, 'db'));
    const config = copyContoso();
    const users = path.join(config, 'users.yaml');
    // Joep holds no role: the plan makes him a Global administrator, resets his password to a new address and moves his phone.
    editFile(users, 'mobilePhone: "+31 6 1234 5678"', 'mobilePhone: "+44 7700 900123"');
    editFile(users, '    notify: [joep.private@example.org]\n', '    notify: [attacker@evil.example]\n    password:\n      reset: 2026-12-07\n    roles: [Global administrator]\n');
    const cli = (args: string[]) => runCli(args, { env: { TENANTCTL_DATABASE_URL: database } });

    const json = JSON.parse((await cli(['plan', '-c', config, '--format', 'json'])).stdout) as JsonPlan;
    expect(json.approvals).toEqual(['privileged']);
    expect(json.changes.filter((c) => c.userPrincipalName === 'joep.devries@contoso.com').map((c) => [c.kind, c.risks])).toEqual([
      ['user.update', ['privileged']],
      ['user.password-reset', ['privileged']],
      ['role.grant', ['privileged']],
    ]);

    const plan = await cli(['plan', '-c', config]);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toContain('! Grants Global administrator to joep.devries@contoso.com.\n');
    expect(plan.stdout).toContain('! Changes the mobile phone of admin user joep.devries@contoso.com.\n');
    expect(plan.stdout).toContain(
      '! Resets the password of joep.devries@contoso.com, whom this plan grants Global administrator, and sends the temporary password to attacker@evil.example and it-desk@contoso.com.\n',
    );
    const markdown = (await cli(['plan', '-c', config, '--format', 'markdown'])).stdout;
    expect(markdown).toContain('Resets the password of `joep.devries@contoso.com`, whom this plan grants `Global administrator`, and sends the temporary password to `attacker@evil.example` and `it-desk@contoso.com`.');
    expect(markdown).toContain('| `joep.devries@contoso.com` | `~ password: reset, generated, to be changed at next sign-in` | privileged |');
    expect(markdown).toContain('| `joep.devries@contoso.com` | `~ mobilePhone: "+31 6 1234 5678" → "+44 7700 900123"` | privileged |');

    const refused = await cli(['apply', '-c', config, '--auto-approve']);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain(
      [
        '  changes the mobile phone of joep.devries@contoso.com, whom this plan grants Global administrator',
        '  resets the password of joep.devries@contoso.com, whom this plan grants Global administrator, its temporary password sent to attacker@evil.example and it-desk@contoso.com',
        '  grants Global administrator to joep.devries@contoso.com',
      ].join('\n'),
    );
    expect((await cli(['apply', '-c', config, '--auto-approve', '--approve-privileged'])).code).toBe(0);
  });
});
