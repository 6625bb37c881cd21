// settings.adminEmail receives a copy of every temporary password, an
// administrator's too. A pull request that only changed it (to
// eve@example.org) planned a warning (ADMIN_EMAIL_CHANGED) and settings to
// record, and `apply --auto-approve` recorded it on the merge alone: from then
// on every new user's password went to that address. Pointing it at an
// address the latest apply did not record now needs --approve-privileged;
// removing it, or changing its case only, does not. Run as a user runs the
// CLI, on the embedded database and on PostgreSQL with the reader planning and
// the writer applying (admin-email-approval-*.test.ts).
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { copyContoso, tempDir } from '../support/cli.js';
import type { ScenarioLogins } from '../support/scenario-logins.js';

/** What tenantctl runs against: plan (the reader's), apply (the writer's). */
/** How the scenario reads (plans) and writes (applies) on its engine. */
export type Tenant = ScenarioLogins;

const EXAMPLE = '  adminEmail: it-desk@contoso.com\n';

interface JsonPlan {
  readonly approvals: string[];
  readonly changes: unknown[];
  readonly warnings: { code: string; message: string }[];
}

export function scenario(name: string, open: () => Promise<Tenant>, describeIt = describe) {
  describeIt(`settings.adminEmail pointed at a new address (${name})`, { timeout: 180_000 }, () => {
    let tenant: Tenant;
    const config = copyContoso();
    const tenantYaml = path.join(config, 'tenant.yaml');
    const adminEmail = (line: string) => {
      const text = fs.readFileSync(tenantYaml, 'utf8');
      const current = /^ {2}adminEmail: .*\n/m.exec(text)?.[0] ?? '';
      fs.writeFileSync(tenantYaml, current ? text.replace(current, line) : text.replace('settings:\n', `settings:\n${line}`));
    };

    beforeAll(async () => {
      tenant = await open();
    });

    it.sequential('changed: exit 3 without --approve-privileged, named in every format and in the refusal; a saved plan needs it too', async () => {
      adminEmail('  adminEmail: eve@example.org\n');
      const changed =
        "settings.adminEmail changes from it-desk@contoso.com (as last applied) to eve@example.org: every temporary password a creation or password reset sends from now on, an administrator's too, is copied to eve@example.org; applying this plan records the new value, and the plans after it no longer warn";
      const text = await tenant.read(['plan', '-c', config]);
      expect(text.code, text.stderr).toBe(0);
      expect(text.stdout).toContain(`! Applying this plan needs approval: privileged (--approve-privileged).\n`);
      expect(text.stdout).toContain(`! ADMIN_EMAIL_CHANGED: ${changed}; apply needs --approve-privileged\n`);
      const json = JSON.parse((await tenant.read(['plan', '-c', config, '--format', 'json'])).stdout) as JsonPlan;
      expect(json.approvals).toEqual(['privileged']);
      expect(json.changes).toEqual([]);
      expect(json.warnings.filter((w) => w.code === 'ADMIN_EMAIL_CHANGED').map((w) => w.message)).toEqual([`${changed}; apply needs --approve-privileged`]);
      expect((await tenant.read(['plan', '-c', config, '--format', 'markdown'])).stdout).toContain('Applying this plan needs approval: privileged (--approve-privileged).');
      expect((await tenant.read(['plan', '-c', config, '--format', 'html'])).stdout).toContain('<span class="badge needs">privileged: --approve-privileged</span>');

      const refused = await tenant.write(['apply', '-c', config, '--auto-approve']);
      expect(refused.code, refused.stderr).toBe(3);
      expect(refused.stderr).toContain(`this plan makes privileged changes:\n  ${changed}\napply stopped before changing anything: re-run with --approve-privileged`);
      // Nothing was recorded: the same warning again.
      expect((await tenant.read(['plan', '-c', config])).stdout).toContain(`! ADMIN_EMAIL_CHANGED: ${changed}`);

      const saved = path.join(tempDir('tenantctl-admin-email-plan-'), 'plan.json');
      expect((await tenant.read(['plan', '-c', config, '--out', saved])).code).toBe(0);
      const savedRefused = await tenant.write(['apply', '--plan', saved, '-c', config, '--auto-approve']);
      expect(savedRefused.code, savedRefused.stderr).toBe(3);
      expect(savedRefused.stderr).toContain(`  ${changed}\napply stopped before changing anything: re-run with --approve-privileged`);
      const approved = await tenant.write(['apply', '--plan', saved, '-c', config, '--auto-approve', '--approve-privileged']);
      expect(approved.code, approved.stderr).toBe(0);
      expect(approved.stdout).toContain('recorded 1 setting: later plans are held to them\n    ~ settings.adminEmail: "it-desk@contoso.com" → "eve@example.org"\n');
      expect((await tenant.read(['plan', '-c', config, '--detailed-exitcode'])).code).toBe(0);
    });

    it.sequential('changed in case only: no approval', async () => {
      adminEmail('  adminEmail: Eve@Example.org\n');
      const json = JSON.parse((await tenant.read(['plan', '-c', config, '--format', 'json'])).stdout) as JsonPlan;
      expect(json.approvals).toEqual([]);
      const applied = await tenant.write(['apply', '-c', config, '--auto-approve']);
      expect(applied.code, applied.stderr).toBe(0);
    });

    it.sequential('removed: no approval, recorded; set again where the record has none: needs it', async () => {
      adminEmail('');
      const removed = await tenant.write(['apply', '-c', config, '--auto-approve']);
      expect(removed.code, removed.stderr).toBe(0);
      expect(removed.stdout).toContain('recorded 1 setting');
      expect((await tenant.read(['plan', '-c', config, '--detailed-exitcode'])).code).toBe(0);

      adminEmail(EXAMPLE);
      const refused = await tenant.write(['apply', '-c', config, '--auto-approve']);
      expect(refused.code, refused.stderr).toBe(3);
      expect(refused.stderr).toContain('  settings.adminEmail is set to it-desk@contoso.com (none as last applied)');
      const approved = await tenant.write(['apply', '-c', config, '--auto-approve', '--approve-privileged']);
      expect(approved.code, approved.stderr).toBe(0);
      expect((await tenant.read(['plan', '-c', config, '--detailed-exitcode'])).code).toBe(0);
    });
  });
}
