// settings.adminEmail gets a copy of every temporary password, except a
// reset user's own: Megan, a Global administrator whose address is
// adminEmail, resets her password (a lost phone, or someone else signed in
// as her). The plan says so in every format, apply queues the notification
// without that copy and says so, deliver sends it to her notify alone and
// says so, and history shows where it went. With no other recipient the
// plan is refused at her declaration, saying what to add. On each database.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { copyContoso, runCli, tempDir } from '../support/cli.js';
import { contosoFolder, contosoPostgres } from '../support/contoso-database.js';
import { databaseRows } from '../support/database-rows.js';

// Her nickname (the UPN's local part) at the tenant's other domain, in another case: her own mailbox all the same.
const ADMIN_EMAIL = 'Megan.Bowen@contoso.onmicrosoft.com';
const WITHHELD = `(not to settings.adminEmail ${ADMIN_EMAIL}: the user's own mailbox)`;

function meganResets(notify: string): string {
  const config = copyContoso();
  const tenant = path.join(config, 'tenant.yaml');
  fs.writeFileSync(tenant, fs.readFileSync(tenant, 'utf8').replace('  adminEmail: it-desk@contoso.com\n', `  adminEmail: ${ADMIN_EMAIL}\n`));
  const users = path.join(config, 'users.yaml');
  const text = fs.readFileSync(users, 'utf8');
  const before = '    notify: [megan.bowen@example.org]\n';
  expect(text).toContain(before);
  fs.writeFileSync(users, text.replace(before, `${notify}    password:\n      reset: 2026-12-01\n`));
  return config;
}

const engines = [
  { name: 'embedded', skip: false, database: (dir: string) => Promise.resolve(contosoFolder('applied', path.join(dir, 'db'))) },
  { name: 'postgres', skip: inject('contosoTemplates').postgres === null, database: () => contosoPostgres('applied', 'admin_copy_own_mailbox') },
] as const;

describe.each(engines)('a reset of the admin\'s own password, on the $name database', { timeout: 120_000 }, (engine) => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it.skipIf(engine.skip)('withholds the copy to her own mailbox, and says so from plan to deliver', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const database = await engine.database(dir);
    const cli = (args: string[]) => runCli(args, { env: { TENANTCTL_DATABASE_URL: database } });
    const config = meganResets('    notify: [megan.bowen@example.org]\n');

    const text = await cli(['plan', '-c', config]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain(`temporary password sent to: megan.bowen@example.org ${WITHHELD}`);
    expect(text.stdout).toContain(`ADMIN_COPY_WITHHELD: settings.adminEmail ${ADMIN_EMAIL} is the own mailbox of megan.bowen@contoso.com`);
    const json = JSON.parse((await cli(['plan', '-c', config, '--format', 'json'])).stdout) as { changes: { kind: string; adminCopyWithheld?: boolean }[]; warnings: { code: string }[] };
    expect(json.changes.filter((c) => c.kind === 'user.password-reset')).toMatchObject([{ adminCopyWithheld: true, notify: ['megan.bowen@example.org'] }]);
    expect(json.warnings.map((w) => w.code)).toContain('ADMIN_COPY_WITHHELD');
    const markdown = await cli(['plan', '-c', config, '--format', 'markdown']);
    expect(markdown.stdout).toContain('not to settings.adminEmail');
    expect(markdown.stdout).toContain('> - ADMIN\\_COPY\\_WITHHELD: `settings.adminEmail');

    const apply = await cli(['apply', '-c', config, '--auto-approve', '--approve-privileged']);
    expect(apply.code, apply.stderr).toBe(0);
    expect(apply.stdout).toContain(`  megan.bowen@contoso.com → megan.bowen@example.org ${WITHHELD}`);
    const rows = await databaseRows<{ recipients: string[]; withheld_recipients: string[] }>(
      database,
      `SELECT recipients, withheld_recipients FROM tenantctl.credential_notifications WHERE reason = 'reset' AND delivered_at IS NULL`,
    );
    expect(rows).toEqual([{ recipients: ['megan.bowen@example.org'], withheld_recipients: [ADMIN_EMAIL] }]);

    const history = await cli(['history', '--user', 'megan.bowen@contoso.com', '--limit', '1']);
    expect(history.stdout).toContain(`temporary password sent to: megan.bowen@example.org ${WITHHELD}`);

    const pickup = path.join(dir, 'pickup');
    const deliver = await cli(['deliver', '--pickup', pickup]);
    expect(deliver.code, deliver.stderr).toBe(0);
    expect(deliver.stdout).toContain(`delivered credentials of megan.bowen@contoso.com to megan.bowen@example.org ${WITHHELD}`);
    const mails = fs.readdirSync(pickup).map((name) => fs.readFileSync(path.join(pickup, name), 'utf8'));
    // The first apply's credentials too, still queued: none of the mails goes to her own mailbox.
    expect(mails.length).toBeGreaterThan(1);
    for (const mail of mails) expect(mail.toLowerCase()).not.toContain(ADMIN_EMAIL.toLowerCase());
  });

  it.skipIf(engine.skip)('refuses the reset when her own mailbox would be its only recipient, at her declaration', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const database = await engine.database(dir);
    // notify: [] rather than none: none would give her defaults.notify (the help desk).
    const config = meganResets('    notify: []\n');
    const users = path.join(config, 'users.yaml');
    const plan = await runCli(['plan', '-c', config], { env: { TENANTCTL_DATABASE_URL: database } });
    expect(plan.code).toBe(1);
    expect(plan.stdout).toBe('');
    expect(plan.stderr).toContain(
      `${users}:5:5: PLAN_REFUSED: nobody would receive the temporary password of megan.bowen@contoso.com: settings.adminEmail ${ADMIN_EMAIL} is its own mailbox, which gets no copy (the user cannot read it before signing in, and a reset is often for an account someone else took over); give megan.bowen@contoso.com a notify (a manager, the help desk or a private address)\n`,
    );
  });
});
