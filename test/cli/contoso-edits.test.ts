import fs from 'node:fs';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/open-database.js';
import { copyContoso, ROOT, runCli, tempDir } from '../support/cli.js';
import { contosoDatabase } from '../support/contoso-database.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

/**
 * The planner issue's acceptance scenario: the contoso example after a few
 * edits, planned in all three formats.
 */
describe('planning the edited contoso example', () => {
  let dir: string;
  let config: string;
  let database: string;
  const env = () => ({ TENANTCTL_DATABASE_URL: database });

  beforeAll(async () => {
    dir = tempDir();
    database = await contosoDatabase('applied', 'contoso_edits', path.join(dir, 'db'));
    // A user created outside tenantctl, straight in the database.
    const db = await openDatabase({ url: database, actor: 'test', lockTimeoutMs: 1000 });
    try {
      await db.query(`INSERT INTO tenantctl.users (user_principal_name, display_name, mail_nickname) VALUES ('scanner@contoso.com', 'Scanner', 'scanner')`);
    } finally {
      await db.close();
    }

    config = copyContoso();
    const users = path.join(config, 'users.yaml');
    let text = fs.readFileSync(users, 'utf8');
    text = text.replace('    jobTitle: Sales Lead\n', '    jobTitle: Head of Sales\n');
    text = text.replace('      - sku: ENTERPRISEPACK\n        disabledPlans: [YAMMER_ENTERPRISE]\n', '      - sku: ENTERPRISEPACK\n        disabledPlans: [YAMMER_ENTERPRISE, SWAY]\n');
    text = text.slice(0, text.indexOf('  - userPrincipalName: lucas.vandam')) + text.slice(text.indexOf('  # On leave'));
    text += `
  - userPrincipalName: tim.dewit@contoso.com
    displayName: Tim de Wit
    licenses: [ENTERPRISEPACK]
`;
    fs.writeFileSync(users, text);
  });
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(config, { recursive: true, force: true });
  });

  it('text: exactly the four changes, the purchase and its cost, and the unmanaged user', async () => {
    const plan = await runCli(['plan', '-c', config, '--detailed-exitcode'], { env: env() });
    expect(plan.code).toBe(2);
    const headers = plan.stdout.split('\n').filter((line) => /^[+~-] \S+@/.test(line));
    expect(headers).toEqual([
      '~ joep.devries@contoso.com (update)',
      '- lucas.vandam@contoso.com (delete)',
      '~ sanne.visser@contoso.com (update)',
      '+ tim.dewit@contoso.com (create)',
    ]);
    expect(plan.stdout).toContain('~ jobTitle: "Sales Lead" → "Head of Sales"');
    expect(plan.stdout).toContain('~ license ENTERPRISEPACK disabledPlans: [YAMMER_ENTERPRISE] → [SWAY, YAMMER_ENTERPRISE]');
    expect(plan.stdout).toContain('+ purchase 1 × ENTERPRISEPACK (Office 365 Enterprise E3) at $20.00 = $20.00/month');
    expect(plan.stdout).toContain('1 user not managed by tenantctl is left alone: scanner@contoso.com.');
    expect(plan.stdout).toContain('Plan: 1 to create, 2 to update, 1 to delete; 1 seat to purchase (+$20.00/month).');
    expect(plan.stdout).not.toContain('scanner@contoso.com (delete)');
  });

  it('JSON: the same changes, valid against schemas/plan.schema.json', async () => {
    const plan = await runCli(['plan', '-c', config, '--format', 'json'], { env: env() });
    const document = JSON.parse(plan.stdout) as { changes: { kind: string; userPrincipalName: string }[]; purchases: unknown[]; unmanagedUsers: string[] };
    const ajv = new Ajv2020({ strict: true, allErrors: true });
    addFormats(ajv);
    const validate = ajv.compile(JSON.parse(fs.readFileSync(path.join(ROOT, 'schemas', 'plan.schema.json'), 'utf8')) as object);
    expect(validate(document), JSON.stringify(validate.errors)).toBe(true);
    expect(document.changes.map((c) => `${c.kind} ${c.userPrincipalName}`)).toEqual([
      'user.update joep.devries@contoso.com',
      'user.delete lucas.vandam@contoso.com',
      'license.update sanne.visser@contoso.com',
      'user.create tim.dewit@contoso.com',
      'license.assign tim.dewit@contoso.com',
    ]);
    expect(document.purchases).toEqual([
      { sku: 'ENTERPRISEPACK', productName: 'Office 365 Enterprise E3', quantity: 1, unitPrice: 20, currency: 'USD', monthlyCost: 20, spare: 0, reclaimable: [] },
    ]);
    expect(document.unmanagedUsers).toEqual(['scanner@contoso.com']);
  });

  it('markdown: warnings and summary table first, each user in a collapsible section', async () => {
    const plan = await runCli(['plan', '-c', config, '--format', 'markdown'], { env: env() });
    const markdown = plan.stdout;
    expect(markdown.indexOf('[!WARNING]')).toBeLessThan(markdown.indexOf('<details>'));
    expect(markdown).toContain('| 1 | 0 | 0 | 2 | 1 | 1 | \\+\\$20.00 |');
    expect(markdown.match(/<details>/g)).toHaveLength(4);
    expect(markdown).toContain('<code>- lucas.vandam@contoso.com</code> delete');
  });
});
