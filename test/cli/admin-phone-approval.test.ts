// A self-service password reset sends its code to the account's phones. A
// pull request that pointed a Global administrator's mobile phone at its
// author's number was applied on the merge alone; Microsoft lets only a more
// privileged administrator change an admin's phones or sign-in name.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyContoso, runCli, tempDir } from '../support/cli.js';
import { contosoFolder } from '../support/contoso-database.js';

describe("setting an admin's phones", { timeout: 120_000 }, () => {
  it('needs --approve-privileged and every format says why; an ordinary user, or an admin phone taken away, needs none', async () => {
    const database = contosoFolder('applied', path.join(tempDir('tenantctl-admin-phone-'), 'db'));
    const config = copyContoso();
    const users = path.join(config, 'users.yaml');
    fs.writeFileSync(
      users,
      fs
        .readFileSync(users, 'utf8')
        // Megan (Global administrator): both phones pointed elsewhere.
        .replace('mobilePhone: "+31 6 1234 0001"\n    businessPhones: ["+31 20 555 0101"]', 'mobilePhone: "+44 7700 900123"\n    businessPhones: ["+44 20 7946 0000"]')
        // Joep (no role): a new mobile phone.
        .replace('mobilePhone: "+31 6 1234 5678"', 'mobilePhone: "+31 6 9999 5678"'),
    );
    const cli = (args: string[]) => runCli(args, { env: { TENANTCTL_DATABASE_URL: database } });

    const plan = await cli(['plan', '-c', config]);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toContain(
      '! Applying this plan needs approval: privileged (--approve-privileged).\n! Changes the mobile phone and changes the business phone of admin user megan.bowen@contoso.com.\n',
    );
    const json = JSON.parse((await cli(['plan', '-c', config, '--format', 'json'])).stdout) as { approvals: string[]; changes: { kind: string; userPrincipalName: string; risks: string[] }[] };
    expect(json.approvals).toEqual(['privileged']);
    expect(json.changes.filter((c) => c.kind === 'user.update').map((c) => [c.userPrincipalName, c.risks])).toEqual([
      ['joep.devries@contoso.com', []],
      ['megan.bowen@contoso.com', ['privileged']],
    ]);
    const markdown = (await cli(['plan', '-c', config, '--format', 'markdown'])).stdout;
    expect(markdown).toContain('Changes the mobile phone and changes the business phone of admin user `megan.bowen@contoso.com`.');

    const refused = await cli(['apply', '-c', config, '--auto-approve']);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('  changes the mobile phone and changes the business phone of megan.bowen@contoso.com, who holds an admin role\n');
    expect(refused.stderr).not.toContain('joep.devries');
    const applied = await cli(['apply', '-c', config, '--auto-approve', '--approve-privileged']);
    expect(applied.code, applied.stderr).toBe(0);

    // Taking an admin's phone away is no way in: no approval.
    fs.writeFileSync(users, fs.readFileSync(users, 'utf8').replace('    mobilePhone: "+44 7700 900123"\n', ''));
    const removed = await cli(['plan', '-c', config, '--format', 'json']);
    const removal = JSON.parse(removed.stdout) as { approvals: string[]; changes: { kind: string; risks: string[] }[] };
    expect(removal.changes.map((c) => [c.kind, c.risks])).toEqual([['user.update', []]]);
    expect(removal.approvals).toEqual([]);
    expect((await cli(['apply', '-c', config, '--auto-approve'])).code).toBe(0);
  });
});
