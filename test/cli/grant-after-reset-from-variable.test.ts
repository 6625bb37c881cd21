// Revoke Pieter's Billing administrator (not privileged), reset his password
// with `fromEnv: XDG_RUNTIME_DIR` (/run/user/1001 on many runners) and his
// notify left alone (no role: no approval), then grant the role back. The
// grant's WAY_IN_CHANGED_WITHOUT_ROLE said the reset's temporary password was
// sent to it-desk@contoso.com, which reads as the help desk's own reset; the
// author knows the password from the variable. Migration 0035 keeps the
// variable with the queued notification and the record of the reset, and the
// warning names it (`its temporary password from $XDG_RUNTIME_DIR sent to …`).
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/cli.js';
import { contosoFolder } from '../support/contoso-database.js';
import { editFile } from '../support/edit-file.js';
import { pullRequests } from '../support/merged-pull-requests.js';

const root = tempDir('tenantctl-reset-from-variable-');
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const ROLE = '    roles: [Billing administrator]\n';
const PIETER = '  - userPrincipalName: pieter.bakker@contoso.com\n';

describe('a grant to an account whose password was reset from a variable while it held no role', { timeout: 180_000 }, () => {
  it('names the variable the reset password came from', async () => {
    const database = contosoFolder('applied', path.join(root, 'db'));
    const { config, users, cli, merged } = pullRequests(database, { XDG_RUNTIME_DIR: '/run/user/1001' });

    editFile(users, ROLE, '');
    await merged();
    editFile(users, PIETER, `${PIETER}    password: { fromEnv: XDG_RUNTIME_DIR, reset: "2026-12-08" }\n`);
    await merged();
    editFile(users, PIETER, `${PIETER}${ROLE}`);

    const plan = await cli(['plan', '-c', config]);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toContain('WAY_IN_CHANGED_WITHOUT_ROLE: pieter.bakker@contoso.com: password reset while it held no admin role');
    expect(plan.stdout).toMatch(/password reset by apply #\d+ on [0-9-]{10}, its temporary password from \$XDG_RUNTIME_DIR sent to it-desk@contoso\.com/);
  });
});
