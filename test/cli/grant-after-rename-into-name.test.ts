// The long way round, by renames: revoke Pieter's Billing administrator (not
// privileged), create tmp.helper@ whose first password goes to the author (a
// new name: migration 0034 records no row for it), rename Pieter away, then
// rename tmp.helper@ to pieter.bakker@ (neither holds a role: no approval),
// and grant the role to pieter.bakker@ again. Each merged on its own; the
// last one's approver saw a grant to the name that held the role before,
// and nothing of the account behind it being another.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/cli.js';
import { contosoDatabase } from '../support/contoso-database.js';
import { editFile } from '../support/edit-file.js';
import { pullRequests } from '../support/merged-pull-requests.js';

const root = tempDir('tenantctl-rename-into-name-');
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const ROLE = '    roles: [Billing administrator]\n';
const PIETER = '  - userPrincipalName: pieter.bakker@contoso.com\n';
const HELPER = `
  - userPrincipalName: tmp.helper@contoso.com
    displayName: Temporary helper
    notify: [attacker@evil.example]
`;
const WARNING =
  "pieter.bakker@contoso.com: its name was another account's, pieter.old@contoso.com now; this account, renamed to it from tmp.helper@contoso.com, is not that one; this plan grants it Billing administrator. An approver who knows the name may not know the account behind it: check with `tenantctl history --user UPN` who created it and where its first password went before approving the grant";

describe('a grant to an account renamed into the name of one that held the role', { timeout: 180_000 }, () => {
  it('says the name was another account’s, and which one this account was', async () => {
    const database = await contosoDatabase('applied', 'rename_into_name', path.join(root, 'db'));
    const { config, users, cli, merged } = pullRequests(database);

    editFile(users, ROLE, '');
    fs.appendFileSync(users, HELPER);
    await merged();
    editFile(users, PIETER, '  - userPrincipalName: pieter.old@contoso.com\n    renamedFrom: pieter.bakker@contoso.com\n');
    await merged();
    editFile(users, '    renamedFrom: pieter.bakker@contoso.com\n', '');
    editFile(users, '  - userPrincipalName: tmp.helper@contoso.com\n', `${PIETER}    renamedFrom: tmp.helper@contoso.com\n`);
    await merged();
    editFile(users, '    renamedFrom: tmp.helper@contoso.com\n', ROLE);

    const plan = await cli(['plan', '-c', config]);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toContain(`! WAY_IN_CHANGED_WITHOUT_ROLE: ${WARNING}\n`);
    const markdown = await cli(['plan', '-c', config, '--format', 'markdown']);
    expect(markdown.stdout).toContain("`pieter.bakker@contoso.com: its name was another account's, pieter.old@contoso.com now; this account, renamed to it from tmp.helper@contoso.com, is not that one; this plan grants it Billing administrator.");
    const json = JSON.parse((await cli(['plan', '-c', config, '--format', 'json'])).stdout) as { warnings: { code: string; message: string }[] };
    expect(json.warnings).toContainEqual({ code: 'WAY_IN_CHANGED_WITHOUT_ROLE', message: WARNING });

    // Pieter's own account, under its new name, holds no name another account had: nothing to say.
    editFile(users, `${PIETER}${ROLE}`, PIETER);
    editFile(users, '  - userPrincipalName: pieter.old@contoso.com\n', `  - userPrincipalName: pieter.old@contoso.com\n${ROLE}`);
    const own = await cli(['plan', '-c', config]);
    expect(own.code, own.stdout + own.stderr).toBe(0);
    expect(own.stdout).toContain('+ role: Billing administrator');
    expect(own.stdout).not.toContain('WAY_IN_CHANGED_WITHOUT_ROLE');
  });
});
