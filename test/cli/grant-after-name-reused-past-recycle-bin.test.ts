// Revoke Pieter's Billing administrator (not privileged), delete him (one
// user, under the deletion threshold), wait out the recycle bin's 30 days,
// declare pieter.bakker@ again with the author's notify: the plan purges the
// expired row and creates a new account whose first password goes to the
// author, with no approval. Then grant Billing administrator to
// pieter.bakker@: its approver saw the grant to the name that held the role
// before, and nothing else. Migration 0035 keeps a purged account's name in
// former_names, so 0034 records the new account's creation under it and the
// grant warns WAY_IN_CHANGED_WITHOUT_ROLE with where its first password went.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/open-database.js';
import { tempDir } from '../support/cli.js';
import { contosoFolder } from '../support/contoso-database.js';
import { editFile } from '../support/edit-file.js';
import { pullRequests } from '../support/merged-pull-requests.js';

const root = tempDir('tenantctl-name-reused-');
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const ROLE = '    roles: [Billing administrator]\n';
const PIETER = '  - userPrincipalName: pieter.bakker@contoso.com\n';

describe('a grant to a new account under the name of a purged one that held the role', { timeout: 180_000 }, () => {
  it('names the account its creation and where its first password went', async () => {
    const database = contosoFolder('applied', path.join(root, 'db'));
    const { config, users, cli, merged } = pullRequests(database);

    editFile(users, ROLE, '');
    await merged();
    const declared = fs.readFileSync(users, 'utf8');
    const start = declared.indexOf(PIETER);
    const end = declared.indexOf('  - userPrincipalName: sanne.visser@contoso.com\n');
    fs.writeFileSync(users, declared.slice(0, start) + declared.slice(end));
    await merged();
    // The recycle bin's 30 days pass.
    const db = await openDatabase({ url: database, actor: 'test', lockTimeoutMs: 5000 });
    try {
      await db.query("UPDATE users SET deleted_at = now() - interval '31 days' WHERE user_principal_name = 'pieter.bakker@contoso.com'", []);
    } finally {
      await db.close();
    }
    fs.writeFileSync(users, declared.replace(PIETER, `${PIETER}    notify: [attacker@evil.example]\n`));
    await merged();
    editFile(users, '    notify: [attacker@evil.example]\n', `    notify: [attacker@evil.example]\n${ROLE}`);

    const plan = await cli(['plan', '-c', config]);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toContain('+ role: Billing administrator');
    expect(plan.stdout).toMatch(/WAY_IN_CHANGED_WITHOUT_ROLE: pieter\.bakker@contoso\.com: account created .*its temporary password sent to attacker@evil\.example/);
  });
});
