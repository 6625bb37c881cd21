// users.business_phones is a text[]: its type allows a NULL entry, which
// tenantctl never writes but psql or another tool may. Read as null, it made a
// plan outside the plan's schema: `apply --plan` refused the plan `plan --out`
// had just saved ("item 1 of businessPhones must be string"), and export wrote
// `businessPhones: [null]`, which validate refuses (helper-119). It is read as
// an empty entry, which plans clear and export leaves out, saying so.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { QUIET, copyContoso, runCli, tempDir } from '../support/cli.js';
import { contosoFolderWritten } from '../support/contoso-database.js';

describe('a NULL entry in a user\'s business phones', { timeout: 120_000 }, () => {
  it('is planned away by a saved plan apply accepts, and exported as nothing, with a warning', async () => {
    const work = tempDir('tenantctl-null-phone-');
    const database = await contosoFolderWritten('applied', path.join(work, 'db'), `UPDATE tenantctl.users SET business_phones = '{NULL}' WHERE user_principal_name = 'lotte.smit@contoso.com'`);
    const env = { ...QUIET, TENANTCTL_DATABASE_URL: database };
    const config = copyContoso();
    fs.rmSync(path.join(config, 'catalog.yaml'));

    const exported = await runCli(['export', '--out', path.join(work, 'export.yaml')], { env });
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stderr).toContain('EXPORT_EMPTY_VALUE: warning: lotte.smit@contoso.com has an empty businessPhones in the database');
    expect(fs.readFileSync(path.join(work, 'export.yaml'), 'utf8')).not.toContain('null');
    const validated = await runCli(['validate', '-c', path.join(work, 'export.yaml')], { env });
    expect(validated.stdout + validated.stderr).not.toContain('businessPhones');

    const planFile = path.join(work, 'plan.json');
    const plan = await runCli(['plan', '-c', config, '--out', planFile], { env });
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toContain('- businessPhones: [""] → (not set)');
    const apply = await runCli(['apply', '--plan', planFile, '-c', config, '--auto-approve'], { env });
    expect(apply.code, apply.stderr).toBe(0);
    expect(apply.stdout).toContain('changed (1): lotte.smit@contoso.com');
    const again = await runCli(['plan', '-c', config, '--detailed-exitcode'], { env });
    expect(again.code, again.stdout).toBe(0);
  });
});
