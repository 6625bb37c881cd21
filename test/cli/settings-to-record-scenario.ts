// A pull request that only changes settings (a loosened minGlobalAdmins, a
// raised maxMonthlyPurchaseCost, another settings.adminEmail) planned to "No
// changes", apply did nothing, and the settings took effect one apply later
// with someone else's change, their warnings repeating on every plan until
// then. As Terraform records changed outputs, its plan now has settings to
// record, `plan --detailed-exitcode` exits 2, and apply records them: the
// plans after it are "No changes" without the warnings, and history shows
// that apply. Run as a user runs the CLI, on the embedded database and on
// PostgreSQL with the least-privilege roles (settings-to-record-*.test.ts).
import fs from 'node:fs';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, tempDir } from '../support/cli.js';
import type { ScenarioLogins } from '../support/scenario-logins.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
addFormats(ajv);
const validatePlan = ajv.compile(JSON.parse(fs.readFileSync(path.join(ROOT, 'schemas', 'plan.schema.json'), 'utf8')) as object);

/** What tenantctl runs against: plan and history (the reader's), apply (the writer's). */
/** How the scenario reads (plans) and writes (applies) on its engine. */
export type Tenant = ScenarioLogins;

/** A copy of the contoso example (which the database's only apply applied) with tenant.yaml edited. */
function contosoWith(edits: readonly (readonly [string, string])[], usersEdit?: readonly [string, string]): string {
  const dir = tempDir('tenantctl-settings-config-');
  for (const file of fs.readdirSync(path.join(ROOT, 'examples', 'contoso'))) {
    let text = fs.readFileSync(path.join(ROOT, 'examples', 'contoso', file), 'utf8');
    for (const [from, to] of file === 'tenant.yaml' ? edits : file === 'users.yaml' && usersEdit ? [usersEdit] : []) {
      expect(text).toContain(from);
      text = text.replace(from, to);
    }
    fs.writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

const LOOSENED = [
  ['minGlobalAdmins: 2', 'minGlobalAdmins: 1'],
  ['adminEmail: it-desk@contoso.com', 'adminEmail: helpdesk@contoso.com'],
  ['maxMonthlyPurchaseCost: 250', 'maxMonthlyPurchaseCost: 500'],
] as const;

const TO_RECORD = [
  { setting: 'minGlobalAdmins', before: 2, after: 1 },
  { setting: 'adminEmail', before: 'it-desk@contoso.com', after: 'helpdesk@contoso.com' },
  { setting: 'maxMonthlyPurchaseCost', before: 250, after: 500 },
];

const LINES = [
  'Settings to record:',
  '    ~ settings.minGlobalAdmins: 2 → 1',
  '    ~ settings.adminEmail: "it-desk@contoso.com" → "helpdesk@contoso.com"',
  '    ~ settings.maxMonthlyPurchaseCost: 250 → 500',
].join('\n');

export function scenario(name: string, open: () => Promise<Tenant>, describeIt = describe) {
  describeIt(`settings to record (${name})`, { timeout: 180_000 }, () => {
    let tenant: Tenant;
    const dir = tempDir('tenantctl-settings-plans-');
    const config = contosoWith(LOOSENED);
    const saved = path.join(dir, 'plan.json');

    beforeAll(async () => {
      tenant = await open();
    });

    it.sequential('a plan that only changes settings has changes, and every output names them', async () => {
      const text = await tenant.read(['plan', '-c', config, '--detailed-exitcode']);
      expect(text.code, text.stderr).toBe(2);
      expect(text.stdout).toContain(`${LINES}\n\nPlan: no change to users; 3 settings to record.\n`);
      expect(text.stdout).not.toContain('No changes');
      expect(text.stdout).toContain('! SAFETY_LIMIT_LOOSENED: settings.minGlobalAdmins changes from 2 (as last applied) to 1');
      expect(text.stdout).toContain('! ADMIN_EMAIL_CHANGED: settings.adminEmail changes from it-desk@contoso.com (as last applied) to helpdesk@contoso.com');

      const json = await tenant.read(['plan', '-c', config, '--format', 'json', '--out', saved, '--detailed-exitcode']);
      expect(json.code, json.stderr).toBe(2);
      const document = JSON.parse(json.stdout) as { settingsToRecord: unknown; changes: unknown[]; purchases: unknown[] };
      expect(validatePlan(document), JSON.stringify(validatePlan.errors)).toBe(true);
      expect(document.settingsToRecord).toEqual(TO_RECORD);
      expect(document.changes).toEqual([]);
      expect(fs.readFileSync(saved, 'utf8')).toBe(json.stdout);

      const markdown = await tenant.read(['plan', '-c', config, '--format', 'markdown']);
      expect(markdown.stdout).toContain('### Settings to record (3 settings)\n\n```diff\n! settings.minGlobalAdmins: 2 → 1\n');
      expect(markdown.stdout).toContain('Plan: no change to users; 3 settings to record.');
      const html = await tenant.read(['plan', '-c', config, '--format', 'html']);
      expect(html.stdout).toContain('<h2>Settings to record (3 settings)</h2>');
      expect(html.stdout).toContain('settings.adminEmail: &quot;it-desk@contoso.com&quot; → &quot;helpdesk@contoso.com&quot;');
    });

    it.sequential('a saved settings-only plan whose settings to record were edited is refused, and nothing is recorded', async () => {
      const edited = path.join(dir, 'edited.json');
      fs.writeFileSync(edited, fs.readFileSync(saved, 'utf8').replace('"after": 500', '"after": 5000'));
      const apply = await tenant.write(['apply', '--plan', edited, '-c', config, '--auto-approve']);
      expect(apply.code).toBe(1);
      expect(apply.stderr).toContain(`${edited} was edited after \`tenantctl plan --out\` wrote it: its planHash does not match its changes, purchases and settings to record, so it was not applied`);
      const history = await tenant.read(['history', '--format', 'json']);
      expect((JSON.parse(history.stdout) as { applies: unknown[] }).applies).toHaveLength(1);
    });

    it.sequential('apply --plan records them in an apply of its own, which history shows; the plans after it are "No changes" without the warnings', async () => {
      // Recording a new settings.adminEmail is privileged (admin-email-approval-scenario.ts).
      const apply = await tenant.write(['apply', '--plan', saved, '-c', config, '--auto-approve', '--approve-privileged']);
      expect(apply.code, apply.stderr).toBe(0);
      expect(apply.stdout).toContain(LINES);
      expect(apply.stdout).toMatch(
        /Apply #\d+ complete: 0 change\(s\) committed in one transaction\.\n {2}recorded 3 settings: later plans are held to them\n {4}~ settings\.minGlobalAdmins: 2 → 1\n/,
      );

      const after = await tenant.read(['plan', '-c', config, '--detailed-exitcode']);
      expect(after.code, after.stderr).toBe(0);
      // The tenant keeps two Global administrators: no warning at all once the settings are recorded.
      expect(after.stdout).toBe('No changes. The tenant matches the configuration.\n');

      const history = await tenant.read(['history', '--format', 'json']);
      const applies = (JSON.parse(history.stdout) as { applies: { changes: unknown[]; summary: { settingsRecorded?: unknown }; adminEmail?: string }[] }).applies;
      expect(applies).toHaveLength(2);
      expect(applies[0]).toMatchObject({ changes: [], adminEmail: 'helpdesk@contoso.com', summary: { create: 0, update: 0, delete: 0, settingsRecorded: TO_RECORD } });
      expect(applies[1]!.summary.settingsRecorded).toBeUndefined();
      const text = await tenant.read(['history', '--limit', '1']);
      expect(text.stdout).toMatch(/^#\d+ .* — no changes; recorded 3 settings\n/);
      expect(text.stdout).toContain('  ~ settings.minGlobalAdmins: 2 → 1\n  ~ settings.adminEmail: "it-desk@contoso.com" → "helpdesk@contoso.com"\n  ~ settings.maxMonthlyPurchaseCost: 250 → 500');
    });

    it.sequential('the saved plan applied again is told it was applied already, and records nothing more', async () => {
      const again = await tenant.write(['apply', '--plan', saved, '-c', config, '--auto-approve']);
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout).toContain(`Nothing to apply: ${saved} was applied already, as apply #`);
      const history = await tenant.read(['history', '--format', 'json']);
      expect((JSON.parse(history.stdout) as { applies: unknown[] }).applies).toHaveLength(2);
    });

    it.sequential('a plan that changes a user and a setting shows and applies both; apply -c records the settings too', async () => {
      const both = contosoWith([...LOOSENED, ['maxDeletions: 5', 'maxDeletions: 3']], ['jobTitle: Sales Lead', 'jobTitle: Head of Sales']);
      const plan = await tenant.read(['plan', '-c', both, '--detailed-exitcode']);
      expect(plan.code, plan.stderr).toBe(2);
      expect(plan.stdout).toContain('    ~ settings.maxDeletions: 5 → 3\n');
      expect(plan.stdout).toContain('jobTitle: "Sales Lead" → "Head of Sales"');
      expect(plan.stdout).toContain('Plan: 0 to create, 1 to update, 0 to delete; 1 setting to record.\n');
      const apply = await tenant.write(['apply', '-c', both, '--auto-approve']);
      expect(apply.code, apply.stderr).toBe(0);
      expect(apply.stdout).toContain('1 change(s) committed in one transaction.');
      expect(apply.stdout).toContain('  recorded 1 setting: later plans are held to them\n    ~ settings.maxDeletions: 5 → 3\n');
      const after = await tenant.read(['plan', '-c', both, '--detailed-exitcode']);
      expect(after.code, after.stdout).toBe(0);
      const history = await tenant.read(['history', '--limit', '1']);
      expect(history.stdout).toMatch(/^#\d+ .* — 1 updated; recorded 1 setting\n/);
      fs.rmSync(both, { recursive: true, force: true });
    });

    it.sequential('a plan saved before another apply recorded other settings is refused as stale', async () => {
      // The example's settings again, saved; then an apply records a third set; then the saved plan.
      const back = contosoWith([], ['jobTitle: Sales Lead', 'jobTitle: Head of Sales']);
      const stale = path.join(dir, 'stale.json');
      const plan = await tenant.read(['plan', '-c', back, '--out', stale, '--detailed-exitcode']);
      expect(plan.code, plan.stderr).toBe(2);
      const other = contosoWith([['maxDeletions: 5', 'maxDeletions: 4']], ['jobTitle: Sales Lead', 'jobTitle: Head of Sales']);
      // It points adminEmail back at it-desk (helpdesk as recorded): privileged.
      expect((await tenant.write(['apply', '-c', other, '--auto-approve', '--approve-privileged'])).code).toBe(0);
      const apply = await tenant.write(['apply', '--plan', stale, '-c', back, '--auto-approve']);
      expect(apply.code).toBe(1);
      expect(apply.stderr).toContain('the settings recorded by the latest apply changed since this plan was made');
      for (const folder of [back, other, config, dir]) fs.rmSync(folder, { recursive: true, force: true });
    });
  });
}
