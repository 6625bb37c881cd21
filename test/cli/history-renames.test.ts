// history --user by the name an auditor knows: the UPN the configuration
// and the old records use, also after the account was renamed, by
// tenantctl (renamedFrom) or outside it; and by the current name, the
// applies under the former one, which created the account and gave it its
// roles (helper-78).
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { copyContoso, runCli, tempDir } from '../support/cli.js';
import { contosoDatabase } from '../support/contoso-database.js';
import { databaseRows } from '../support/database-rows.js';

// Nothing here is about the engine: on PostgreSQL when the test server runs (contosoDatabase), where
// each of the fourteen CLI runs costs a third of the CPU of one that starts the embedded database.
describe('history --user across renames (helper-67)', () => {
  let database: string;
  const cli = (args: string[]) => runCli(args, { env: { TENANTCTL_DATABASE_URL: database } });
  /** An apply row written by hand, as the writer may. */
  const insertApply = (changes: object[]) =>
    databaseRows(database, `INSERT INTO tenantctl.applies (actor, host, plan_hash, tool_version, summary, changes) VALUES ('by-hand', 'x', 'sha256:x', 'x', '{}', '${JSON.stringify(changes).replaceAll("'", "''")}'::json)`);

  beforeAll(async () => {
    database = await contosoDatabase('applied', 'history_renames', path.join(tempDir('tenantctl-history-renames-'), 'db'));
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

  it('a rename by renamedFrom: the current name lists the applies under the former one too, and says so', async () => {
    const byOld = await cli(['history', '--user', 'lotte.smit@contoso.com']);
    const byNew = await cli(['history', '--user', 'lotte.jansen@contoso.com']);
    expect(byNew.code, byNew.stderr).toBe(0);
    // Who gave Lotte her roles, asked by the name she has now.
    expect(byOld.stdout).toMatch(/^ {6}\+ role: /m);
    const applies = (text: string) => text.match(/^#\d+ /gm);
    expect(applies(byNew.stdout)).toEqual(applies(byOld.stdout));
    expect(applies(byNew.stdout)?.length).toBeGreaterThan(1);
    expect(byNew.stdout).toContain('  + lotte.smit@contoso.com (created)');
    expect(byNew.stdout.match(/^ {6}\+ role: .*$/gm)).toEqual(byOld.stdout.match(/^ {6}\+ role: .*$/gm));
    expect(byNew.stdout.split('\n')[0]).toBe(
      'Applies that changed lotte.jansen@contoso.com (or renamed it from that name), also under its other name lotte.smit@contoso.com (followed by the renames applies recorded), newest first; each lists only its changes to that user.',
    );
    expect(byOld.stdout.split('\n')[0]).toContain('also under its other name lotte.jansen@contoso.com (followed by the renames applies recorded)');
    const json = JSON.parse((await cli(['history', '--user', 'lotte.jansen@contoso.com', '--format', 'json'])).stdout) as { applies: { changes: { kind: string }[] }[] };
    expect(json.applies.flatMap((a) => a.changes.map((c) => c.kind))).toEqual(expect.arrayContaining(['user.create', 'role.grant', 'user.rename']));
    // What apply itself wrote is in the shape apply writes: no row of a real apply is called malformed.
    const all = await cli(['history']);
    expect(all.stdout).toContain('(renamed)');
    expect(all.stdout).not.toContain('! entry');
    expect(all.stdout).not.toContain('not in the shape apply writes');
  });

  it('a name renamed away and given to someone else: the account is followed only while the name was its own', async () => {
    // A new colleague is given the free name lotte.smit after the rename, and an admin role.
    await insertApply([{ kind: 'role.grant', userPrincipalName: 'lotte.smit@contoso.com', roleTemplateId: '729827e3-9c14-49f7-bb1b-9608f156bbb8', roleName: 'Helpdesk Administrator (the other Lotte)', risks: [] }]);
    const byNew = await cli(['history', '--user', 'lotte.jansen@contoso.com']);
    expect(byNew.code, byNew.stderr).toBe(0);
    expect(byNew.stdout).not.toContain('the other Lotte');
    expect((await cli(['history', '--user', 'lotte.smit@contoso.com'])).stdout).toContain('the other Lotte');
  });

  it('a change under a name no rename recorded: found by the account id it carries', async () => {
    const json = JSON.parse((await cli(['history', '--user', 'lotte.jansen@contoso.com', '--format', 'json'])).stdout) as { applies: { changes: { kind: string; userId?: string }[] }[] };
    const userId = json.applies.flatMap((a) => a.changes).find((c) => c.kind === 'user.rename')?.userId;
    expect(userId).toBeDefined();
    await insertApply([{ kind: 'user.block', userPrincipalName: 'l.jansen@contoso.com', userId, risks: [] }]);
    const byNew = await cli(['history', '--user', 'lotte.jansen@contoso.com']);
    expect(byNew.stdout).toContain('  ~ l.jansen@contoso.com (updated)\n      ~ sign-in: allowed → blocked');
    expect(byNew.stdout.split('\n')[0]).toContain("also under its other names lotte.smit@contoso.com, l.jansen@contoso.com (followed by the renames applies recorded and the account's id in the changes)");
  });

  it('a rename outside tenantctl: the old name finds it', async () => {
    await databaseRows(database, `UPDATE tenantctl.users SET user_principal_name = 'daan.smith@contoso.com' WHERE user_principal_name = 'daan.mulder@contoso.com'`);
    const old = await cli(['history', '--user', 'daan.mulder@contoso.com']);
    expect(old.stdout).toMatch(/^outside tenantctl .* by database role \S+ — /m);
    expect(old.stdout).toContain('daan.smith@contoso.com');
  });

  it('a rename outside tenantctl: the new name finds the applies under the old one', async () => {
    const byNew = await cli(['history', '--user', 'daan.smith@contoso.com']);
    expect(byNew.code, byNew.stderr).toBe(0);
    expect(byNew.stdout).toContain('  + daan.mulder@contoso.com (created)');
    expect(byNew.stdout).toMatch(/^ {6}\+ role: Password administrator$/m);
    expect(byNew.stdout.split('\n')[0]).toContain('also under its other name daan.mulder@contoso.com (followed by the renames outside tenantctl the database recorded)');
  });
});
