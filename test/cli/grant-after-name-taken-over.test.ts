// The long way round, by a new account under the old name: revoke Pieter's
// Billing administrator (not privileged), then rename him away and create a
// new pieter.bakker@ whose first password goes to the author and whose phone
// is the author's (no role held, none granted: not privileged), then grant
// the role to pieter.bakker@ again. Each merged on its own; the last one's
// approver saw a grant to the name that held the role before, and nothing of
// the account behind it being another, created without approval.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/cli.js';
import { contosoDatabase } from '../support/contoso-database.js';
import { editFile } from '../support/edit-file.js';
import { pullRequests } from '../support/merged-pull-requests.js';

const root = tempDir('tenantctl-name-taken-over-');
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const ROLE = '    roles: [Billing administrator]\n';
const WARNING =
  /WAY_IN_CHANGED_WITHOUT_ROLE: pieter\.bakker@contoso\.com: account created and mobile phone set while it held no admin role, so with no approval \(account created by apply #(\d+) on \d{4}-\d\d-\d\d, its temporary password sent to attacker@evil\.example and it-desk@contoso\.com; mobile phone set by apply #\1 on \d{4}-\d\d-\d\d\); this plan grants it Billing administrator\./;

describe('a grant to a new account under the name of one that held the role', { timeout: 180_000 }, () => {
  it('names the account its creation, where its first password went and its phone', async () => {
    const database = await contosoDatabase('applied', 'name_taken_over', path.join(root, 'db'));
    const { config, users, cli, merged } = pullRequests(database);

    editFile(users, ROLE, '');
    await merged();
    editFile(users, '  - userPrincipalName: pieter.bakker@contoso.com\n', '  - userPrincipalName: pieter.old@contoso.com\n    renamedFrom: pieter.bakker@contoso.com\n');
    await merged();
    editFile(
      users,
      '  - userPrincipalName: pieter.old@contoso.com\n    renamedFrom: pieter.bakker@contoso.com\n',
      `  - userPrincipalName: pieter.old@contoso.com
    displayName: Pieter Bakker (old)
  - userPrincipalName: pieter.bakker@contoso.com
    mobilePhone: "+1 555 0199"
    notify: [attacker@evil.example]
`,
    );
    const created = await merged();
    const applyId = /Apply #(\d+) complete/.exec(created.stdout)?.[1];
    editFile(users, '    notify: [attacker@evil.example]\n', `    notify: [attacker@evil.example]\n${ROLE}`);

    const plan = await cli(['plan', '-c', config]);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toMatch(WARNING);
    expect(WARNING.exec(plan.stdout)?.[1]).toBe(applyId);
  });
});
