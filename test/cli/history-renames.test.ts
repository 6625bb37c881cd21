// history --user by the name an auditor knows: the UPN the configuration
// and the old records use, also after the account was renamed, by
// tenantctl (renamedFrom) or outside it.
import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { beforeAll, describe, expect, it } from 'vitest';
import { copyContoso, runCli, tempDir } from '../support/cli.js';
import { contosoFolder } from '../support/contoso-database.js';

describe('history --user across renames (helper-67)', () => {
  let database: string;
  const cli = (args: string[]) => runCli(args, { env: { TENANTCTL_DATABASE_URL: database } });

  beforeAll(() => {
    database = contosoFolder('applied', path.join(tempDir('tenantctl-history-renames-'), 'db'));
  });

  it('a rename by renamedFrom: the old name lists every change the apply made to the account', async () => {
    const config = copyContoso();
    const users = path.join(config, 'users.yaml');
    const text = fs.readFileSync(users, 'utf8');
    expect(text).toContain('userPrincipalName: lotte.smit@contoso.com\n');
    fs.writeFileSync(users, text.replace('userPrincipalName: lotte.smit@contoso.com\n', 'userPrincipalName: lotte.jansen@contoso.com\n    renamedFrom: lotte.smit@contoso.com\n'));
    const applied = await cli(['apply', '-c', config, '--auto-approve', '--approve-privileged']);
    expect(applied.code, applied.stderr).toBe(0);
    const old = await cli(['history', '--user', 'lotte.smit@contoso.com', '--limit', '1']);
    expect(old.stdout).toContain('userPrincipalName: "lotte.smit@contoso.com" → "lotte.jansen@contoso.com"');
    expect(old.stdout).toContain('mailNickname: "lotte.smit" → "lotte.jansen"');
  });

  it('a rename outside tenantctl: the old name finds it', async () => {
    const db = new PGlite(database);
    try {
      await db.exec(`UPDATE tenantctl.users SET user_principal_name = 'daan.smith@contoso.com' WHERE user_principal_name = 'daan.mulder@contoso.com'`);
    } finally {
      await db.close();
    }
    const old = await cli(['history', '--user', 'daan.mulder@contoso.com']);
    expect(old.stdout).toMatch(/^outside tenantctl .* by database role \S+ — /m);
    expect(old.stdout).toContain('daan.smith@contoso.com');
  });
});
