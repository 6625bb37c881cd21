// tenantctl releases the roles of a user it deletes, but a user deleted by
// another tool, or written into the recycle bin by SQL, keeps them. Declaring
// that user with its role restored it as an admin with no role.grant in the
// plan, so without --approve-privileged (helper-119): the restore is privileged.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyContoso, runCli, tempDir } from '../support/cli.js';
import { contosoFolderWritten } from '../support/contoso-database.js';

const GLOBAL_ADMINISTRATOR = '62e90394-69f5-4237-9190-012177145e10';

describe('a deleted user who still holds an admin role', { timeout: 120_000 }, () => {
  it('is restored only with --approve-privileged, and every format says why', async () => {
    const database = await contosoFolderWritten('applied', path.join(tempDir('tenantctl-restore-admin-'), 'db'), `
        INSERT INTO users (user_principal_name, display_name, mail_nickname, managed, deleted_at)
          VALUES ('ghost@contoso.com', 'Ghost', 'ghost', true, now() - interval '1 day');
        INSERT INTO user_roles (user_id, role_template_id) SELECT id, '${GLOBAL_ADMINISTRATOR}' FROM users WHERE user_principal_name = 'ghost@contoso.com';`);
    const config = copyContoso();
    fs.rmSync(path.join(config, 'catalog.yaml'));
    fs.appendFileSync(path.join(config, 'users.yaml'), '  - userPrincipalName: ghost@contoso.com\n    displayName: Ghost\n    roles: [Global administrator]\n');
    const cli = (args: string[]) => runCli(args, { env: { TENANTCTL_DATABASE_URL: database } });

    const plan = await cli(['plan', '-c', config]);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toContain('! Applying this plan needs approval: privileged (--approve-privileged).\n! Restores deleted admin user ghost@contoso.com.\n');
    const json = JSON.parse((await cli(['plan', '-c', config, '--format', 'json'])).stdout) as { approvals: string[]; changes: { kind: string; risks: string[] }[] };
    expect(json.approvals).toEqual(['privileged']);
    expect(json.changes.find((c) => c.kind === 'user.restore')?.risks).toEqual(['privileged']);

    const refused = await cli(['apply', '-c', config, '--auto-approve']);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('  restores ghost@contoso.com, who holds an admin role\n');
    const applied = await cli(['apply', '-c', config, '--auto-approve', '--approve-privileged']);
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toContain('restored (1): ghost@contoso.com');
  });
});
