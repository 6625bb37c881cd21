// Bringing a tenant under management (README): export, then plan and apply
// the adoption. An impersonation account inserted by SQL beside the managed
// Megan Bowen was exported like any other and adopted without a word, after
// which drift never named it again. Export and the adoption plan both name it.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { QUIET, runCli, tempDir } from '../support/cli.js';
import { contosoFolderWritten } from '../support/contoso-database.js';

const IMPOSTOR = `INSERT INTO tenantctl.users (user_principal_name, display_name, mail_nickname, usage_location) VALUES ('rnegan.bowen@contoso.com', 'Mеgan Bowen', 'rnegan.bowen', 'NL')`;

describe('an unmanaged look-alike of a managed user, brought under management', { timeout: 120_000 }, () => {
  it('is named by export, and by the plan that adopts it', async () => {
    const work = tempDir('tenantctl-lookalike-adoption-');
    const database = await contosoFolderWritten('applied', path.join(work, 'db'), IMPOSTOR);
    const env = { ...QUIET, TENANTCTL_DATABASE_URL: database };
    const config = path.join(work, 'config');
    fs.mkdirSync(config);
    fs.copyFileSync('examples/contoso/catalog.yaml', path.join(config, 'catalog.yaml'));

    const exported = await runCli(['export', '--out', path.join(config, 'tenant.yaml')], { env });
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stderr).toContain('EXPORT_LOOKALIKE_USER: warning: megan.bowen@contoso.com looks like rnegan.bowen@contoso.com, another exported user: with other letters drawn alike');
    expect(exported.stderr).toContain('EXPORT_LOOKALIKE_USER: warning: the displayName "Mеgan Bowen" of rnegan.bowen@contoso.com looks like "Megan Bowen", the displayName of another exported user, megan.bowen@contoso.com: written with U+0435');
    expect(exported.stderr).toContain('which of the two is the genuine account cannot be told from the directory');

    const plan = await runCli(['plan', '-c', config], { env });
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toContain('rnegan.bowen@contoso.com, adopted by this plan, looks like megan.bowen@contoso.com, an existing user holding Global administrator');
    expect(plan.stdout).toContain('the displayName "Mеgan Bowen" of rnegan.bowen@contoso.com, adopted by this plan, looks like "Megan Bowen" of megan.bowen@contoso.com');
  });
});
