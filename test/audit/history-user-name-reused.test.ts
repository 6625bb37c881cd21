// history --user follows an account's names only while they were its own
// (follow-user.ts). The applies the database recorded writing the account
// (apply_writes, migration 0024) were matched by its former names at any
// time: after lotte.smit was renamed to lotte.jansen and a new lotte.smit
// created, `history --user lotte.jansen` listed the new person's creation as
// an apply of lotte.jansen's, with no changes.
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { copyContoso, runCli, tempDir } from '../support/cli.js';
import { contosoFolder } from '../support/contoso-database.js';

const APPROVE_ALL = ['--auto-approve', '--approve-purchases', '--approve-privileged', '--approve-deletions'];

it('does not take the apply that created a new account under a name renamed away as the renamed account\'s', { timeout: 180_000 }, async () => {
  const database = contosoFolder('applied', path.join(tempDir('tenantctl-name-reused-'), 'db'));
  const config = copyContoso();
  const users = path.join(config, 'users.yaml');
  const cli = (...args: string[]) => runCli([...args, '--database', database]);
  const apply = async () => {
    const run = await cli('apply', '-c', config, ...APPROVE_ALL);
    expect(run.code, run.stderr).toBe(0);
  };
  let text = fs.readFileSync(users, 'utf8');
  text = text.replace('  - userPrincipalName: lotte.smit@contoso.com\n', '  - userPrincipalName: lotte.jansen@contoso.com\n    renamedFrom: lotte.smit@contoso.com\n');
  fs.writeFileSync(users, text);
  await apply();
  text = text.replace('    renamedFrom: lotte.smit@contoso.com\n', '');
  text += '\n  - userPrincipalName: lotte.smit@contoso.com\n    displayName: Other Lotte\n    notify: [it-desk@contoso.com]\n    roles: [Password administrator]\n    licenses:\n      - STANDARDPACK\n';
  fs.writeFileSync(users, text);
  await apply();
  type Apply = { id: number; changes: { kind: string; userPrincipalName: string }[]; unlistedWrites?: unknown; insertsBeyondRecord?: unknown };
  const history = async (...args: string[]) => {
    const run = await cli('history', '--format', 'json', ...args);
    expect(run.code, run.stderr).toBe(0);
    return (JSON.parse(run.stdout) as { applies: Apply[] }).applies;
  };
  const all = await history();
  expect(all.map((a) => a.id)).toEqual([3, 2, 1]);
  expect(all.filter((a) => a.unlistedWrites !== undefined || a.insertsBeyondRecord !== undefined)).toEqual([]);
  // The renamed account: its creation (as lotte.smit) and its rename, not the new lotte.smit's creation.
  const renamed = await history('--user', 'lotte.jansen@contoso.com');
  expect(renamed.map((a) => a.id)).toEqual([2, 1]);
  expect(renamed.filter((a) => a.unlistedWrites !== undefined)).toEqual([]);
  // The name asked for: every apply under it, as before, and nothing flagged.
  const named = await history('--user', 'lotte.smit@contoso.com');
  expect(named.map((a) => a.id)).toEqual([3, 2, 1]);
  expect(named.filter((a) => a.unlistedWrites !== undefined)).toEqual([]);
});
