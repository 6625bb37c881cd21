// init --catalog again on a tenant with users: a catalog that would leave
// users behind (a domain, a subscription or a plan they use) is refused,
// naming each, and nothing changes.
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli, tempDir } from '../support/cli.js';
import { contosoFolder } from '../support/contoso-database.js';

describe('init --catalog on a tenant with users', () => {
  let work: string;
  let database: string;
  const cli = (args: string[]) => runCli(args, { env: { TENANTCTL_DATABASE_URL: database } });
  const catalog = fs.readFileSync(path.join(ROOT, 'examples/contoso/catalog.yaml'), 'utf8');
  const edited = (name: string, from: string, to: string) => {
    expect(catalog).toContain(from);
    const file = path.join(work, name);
    fs.writeFileSync(file, catalog.replace(from, to));
    return file;
  };

  beforeAll(() => {
    work = tempDir('tenantctl-catalog-reload-');
    database = contosoFolder('applied', path.join(work, 'db'));
  });

  // helper-67: an unverified domain is one nobody may sign in with; every plan and drift would stop at UPN_UNKNOWN_DOMAIN.
  it('refuses to unverify or remove a domain users sign in with, and changes nothing', async () => {
    // The default domain must be verified: the default moves to contoso.onmicrosoft.com.
    const unverify = edited('unverified.yaml', '{ name: contoso.com, verified: true, default: true }', '{ name: contoso.com, verified: false }');
    fs.writeFileSync(unverify, fs.readFileSync(unverify, 'utf8').replace('{ name: contoso.onmicrosoft.com, verified: true }', '{ name: contoso.onmicrosoft.com, verified: true, default: true }'));
    const refused = await cli(['init', '--catalog', unverify]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/the catalog cannot be loaded without touching users:\n {2}domain contoso\.com would no longer be verified but \d+ user\(s\) sign in with it; move them to a verified domain first\n/);
    const remove = edited('removed.yaml', '  - { name: contoso.com, verified: true, default: true }\n  - { name: contoso.onmicrosoft.com, verified: true }', '  - { name: contoso.onmicrosoft.com, verified: true, default: true }');
    const removed = await cli(['init', '--catalog', remove]);
    expect(removed.code).toBe(1);
    expect(removed.stderr).toMatch(/^ {2}domain contoso\.com is removed but \d+ user\(s\) use it$/m);
    const drift = await cli(['drift', '-c', 'examples/contoso', '--detailed-exitcode']);
    expect(drift.stderr).not.toContain('UPN_UNKNOWN_DOMAIN');
    expect((await cli(['plan', '-c', 'examples/contoso', '--detailed-exitcode'])).code).toBe(0);
  });
});
