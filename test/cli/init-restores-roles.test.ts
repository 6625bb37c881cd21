// The roles table is seeded by migration 0001 and tenantctl never deletes a
// row of it, but its owner may. Then every apply granting that role was refused
// by user_roles' foreign key, and nothing in tenantctl put it back, though
// INTERFACE.md says the built-in admin roles are always present (helper-119).
// init restores each one missing, as its own write in the audit trail.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../support/cli.js';
import { contosoFolderWritten } from '../support/contoso-database.js';

const EXCHANGE = '29232cdf-9323-42fd-ade2-1d097af3e4de';

describe('a built-in admin role deleted from the database', { timeout: 120_000 }, () => {
  it('makes apply fail with nothing changed, and init puts it back so that apply grants it', async () => {
    const database = await contosoFolderWritten('applied', path.join(tempDir('tenantctl-roles-restored-'), 'db'), `
        DELETE FROM user_roles WHERE role_template_id = '${EXCHANGE}';
        DELETE FROM roles WHERE template_id = '${EXCHANGE}';`);
    const cli = (args: string[]) => runCli(args, { env: { TENANTCTL_DATABASE_URL: database } });
    const apply = ['apply', '-c', 'examples/contoso', '--auto-approve', '--approve-privileged'];
    const refused = await cli(apply);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('user_roles_role_template_id_fkey');

    const init = await cli(['init']);
    expect(init.code, init.stderr).toBe(0);
    expect(init.stdout).toContain('Roles: restored 1 built-in admin role(s) missing from the database: Exchange administrator\n');
    const again = await cli(['init']);
    expect(again.stdout).not.toContain('Roles:');

    const applied = await cli(apply);
    expect(applied.code, applied.stderr).toBe(0);
    const history = await cli(['history', '--limit', '2']);
    expect(history.stdout).toMatch(/^init .* — changed the catalog\n {2}\+ role Exchange administrator \(added\)$/m);
    expect(history.stdout).toMatch(/^ {6}\+ role: Exchange administrator$/m);
  });
});
