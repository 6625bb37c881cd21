// An admin's phone was compared by its ASCII digits alone: a number that
// gained Arabic-Indic or fullwidth digits (which a phone dials as digits) was
// the old one, so a pull request could point a Global administrator's phone,
// where a self-service password reset sends its code, at another number with
// no approval. Only the ASCII characters that lay a number out are ignored now.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyContoso, runCli, tempDir } from '../support/cli.js';
import { contosoFolder } from '../support/contoso-database.js';
import { editFile } from '../support/edit-file.js';

interface JsonPlan {
  readonly approvals: string[];
  readonly changes: { kind: string; userPrincipalName: string; risks: string[] }[];
}

describe("an admin's phone written with other digits", { timeout: 120_000 }, () => {
  it('is a new number: privileged, named, refused without --approve-privileged; the same number laid out otherwise is not', async () => {
    const database = contosoFolder('applied', path.join(tempDir('tenantctl-admin-phone-digits-'), 'db'));
    const config = copyContoso();
    const users = path.join(config, 'users.yaml');
    // Megan is a Global administrator: two Arabic-Indic sevens after her mobile number, fullwidth digits after her office one.
    editFile(users, 'mobilePhone: "+31 6 1234 0001"', 'mobilePhone: "+31 6 1234 0001 \u0667\u0667"');
    editFile(users, 'businessPhones: ["+31 20 555 0101"]', 'businessPhones: ["+31 20 555 0101 \uff10\uff19"]');
    const cli = (args: string[]) => runCli(args, { env: { TENANTCTL_DATABASE_URL: database } });

    const json = JSON.parse((await cli(['plan', '-c', config, '--format', 'json'])).stdout) as JsonPlan;
    expect(json.approvals).toEqual(['privileged']);
    expect(json.changes.map((c) => [c.kind, c.userPrincipalName, c.risks])).toEqual([['user.update', 'megan.bowen@contoso.com', ['privileged']]]);
    const plan = await cli(['plan', '-c', config]);
    expect(plan.stdout).toContain('! Changes the mobile phone and changes the business phone of admin user megan.bowen@contoso.com.\n');
    const refused = await cli(['apply', '-c', config, '--auto-approve']);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('  changes the mobile phone and changes the business phone of megan.bowen@contoso.com, who holds an admin role\n');

    // The number as it is, with dots, dashes and parentheses: no approval.
    fs.copyFileSync(path.join(copyContoso(), 'users.yaml'), users);
    editFile(users, 'mobilePhone: "+31 6 1234 0001"', 'mobilePhone: "+31 (6) 1234-00.01"');
    const relaid = JSON.parse((await cli(['plan', '-c', config, '--format', 'json'])).stdout) as JsonPlan;
    expect(relaid.changes.map((c) => [c.kind, c.risks])).toEqual([['user.update', []]]);
    expect(relaid.approvals).toEqual([]);
  });
});
