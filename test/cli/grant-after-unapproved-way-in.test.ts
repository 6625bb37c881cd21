// Three pull requests, each merged on its own with `apply --auto-approve`:
// revoke Pieter's Billing administrator (not privileged), then reset his
// password to the author's address and set his phone (he held no role: not
// privileged), then grant the role back. Only the last needed approval, and
// its approver saw the grant alone. The plan of the grant now says what
// changed while he held no role, where the password went, and which apply
// did it (migration 0034); once that grant is applied, it is not said again.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/cli.js';
import { contosoDatabase } from '../support/contoso-database.js';
import { editFile } from '../support/edit-file.js';
import { pullRequests } from '../support/merged-pull-requests.js';

const root = tempDir('tenantctl-unapproved-way-in-');
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const ROLE = '    roles: [Billing administrator]\n';
const WARNING =
  /WAY_IN_CHANGED_WITHOUT_ROLE: pieter\.bakker@contoso\.com: password reset and mobile phone set while it held no admin role, so with no approval \(password reset by apply #(\d+) on \d{4}-\d\d-\d\d, its temporary password sent to attacker@evil\.example and it-desk@contoso\.com; mobile phone set by apply #\1 on \d{4}-\d\d-\d\d\); this plan grants it Billing administrator\. Whoever received such a password or holds such a phone can sign in as the new administrator: check with `tenantctl history --user UPN` before approving the grant/;

interface JsonPlan {
  readonly warnings: { code: string; message: string }[];
}

describe('a grant to an account whose way in changed while it held no role', { timeout: 180_000 }, () => {
  it('is shown with those changes in every format, until the grant is applied', async () => {
    const database = await contosoDatabase('applied', 'unapproved_way_in', path.join(root, 'db'));
    const { config, users, cli, merged } = pullRequests(database);

    editFile(users, ROLE, '');
    await merged('pr-revoke');
    editFile(users, '    city: Utrecht\n', '    city: Utrecht\n    mobilePhone: "+1 555 0199"\n    password:\n      reset: 2026-12-07\n    notify: [attacker@evil.example]\n');
    const wayIn = await merged('pr-way-in');
    const applyId = /Apply #(\d+) complete/.exec(wayIn.stdout)?.[1];
    expect(applyId).toBeDefined();
    editFile(users, '    city: Utrecht\n', `    city: Utrecht\n${ROLE}`);

    const text = await cli(['plan', '-c', config]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(WARNING);
    expect(WARNING.exec(text.stdout)?.[1]).toBe(applyId);
    const json = JSON.parse((await cli(['plan', '-c', config, '--format', 'json'])).stdout) as JsonPlan;
    expect(json.warnings.filter((w) => w.code === 'WAY_IN_CHANGED_WITHOUT_ROLE')).toHaveLength(1);
    expect(`WAY_IN_CHANGED_WITHOUT_ROLE: ${json.warnings.find((w) => w.code === 'WAY_IN_CHANGED_WITHOUT_ROLE')?.message}`).toMatch(WARNING);
    const markdown = (await cli(['plan', '-c', config, '--format', 'markdown'])).stdout;
    // Shown as every warning is there, its message a value escaped as one, and cut at 256 characters: what changed comes first.
    expect(markdown).toContain(
      `> - WAY\\_IN\\_CHANGED\\_WITHOUT\\_ROLE: \`pieter.bakker@contoso.com: password reset and mobile phone set while it held no admin role, so with no approval (password reset by apply #${applyId} on `,
    );
    expect(markdown).toContain('its temporary password sent to attacker@evil.example and it-desk@contoso.com');

    // The grant needs its approval as before; apply shows the warning with it.
    const refused = await cli(['apply', '-c', config, '--auto-approve']);
    expect(refused.code).toBe(3);
    expect(refused.stdout + refused.stderr).toMatch(WARNING);
    const approved = await cli(['apply', '-c', config, '--auto-approve', '--approve-privileged']);
    expect(approved.code, approved.stderr).toBe(0);

    // Approved with them shown: the next revoke and grant, with no way in changed between, warn of nothing.
    editFile(users, ROLE, '');
    await merged('pr-revoke-again');
    editFile(users, '    city: Utrecht\n', `    city: Utrecht\n${ROLE}`);
    const again = JSON.parse((await cli(['plan', '-c', config, '--format', 'json'])).stdout) as JsonPlan;
    expect(again.warnings.map((w) => w.code)).not.toContain('WAY_IN_CHANGED_WITHOUT_ROLE');
  });
});
