// A pipeline's apply job run again with the saved plan it applied ("Re-run
// all jobs" after deliver failed) is told that plan was applied, by which
// apply, and exits 0 without changing anything. Only exactly that plan: the
// same changes planned from other rows are refused as stale, as before.
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { copyContoso, runCli, tempDir } from '../support/cli.js';
import { contosoDatabase } from '../support/contoso-database.js';
import { editFile } from '../support/edit-file.js';

const APPROVALS = ['--auto-approve', '--approve-purchases', '--approve-privileged'];

// Nothing here is about the engine: on PostgreSQL when the test server runs (contosoDatabase), where a
// CLI process costs a third of the CPU of one that starts the embedded database. Eleven CLI runs in the
// first test, which on the embedded database needed more than 30 s beside the suite's other files.
describe('apply --plan of a plan applied already', { timeout: 90_000 }, () => {
  let database: string;
  let work: string;
  const cli = (args: string[]) => runCli(args, { env: { TENANTCTL_DATABASE_URL: database } });
  const applies = async () => ((await cli(['history', '--format', 'json'])).stdout.match(/"planHash"/g) ?? []).length;

  beforeAll(async () => {
    work = tempDir('tenantctl-rerun-');
    database = await contosoDatabase('applied', 'saved_plan_rerun', path.join(work, 'db'));
  });

  it('says which apply applied it, exits 0 and changes nothing; the same changes planned from other rows stay stale', async () => {
    const config = copyContoso();
    const users = path.join(config, 'users.yaml');
    editFile(users, 'jobTitle: Sales Lead', 'jobTitle: Head of Sales');
    const first = path.join(work, 'first.json');
    expect((await cli(['plan', '-c', config, '--out', first])).code).toBe(0);
    const applied = await cli(['apply', '--plan', first, '-c', config, ...APPROVALS]);
    expect(applied.code, applied.stderr).toBe(0);
    const id = Number(/Apply #(\d+)|apply #(\d+)/i.exec(applied.stdout)?.slice(1).find(Boolean));
    const before = await applies();

    const again = await cli(['apply', '--plan', first, '-c', config, ...APPROVALS]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(
      new RegExp(`^Nothing to apply: ${first.replaceAll('.', '\\.')} was applied already, as apply #${id} at \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z by \\S+ on \\S+; nothing was changed now\\.\\n`),
    );
    expect(again.stdout).toContain('`tenantctl history` shows that apply; `tenantctl plan` shows what differs since.');
    expect(await applies()).toBe(before);
    expect((await cli(['plan', '-c', config, '--detailed-exitcode'])).code).toBe(0);

    // Back to Sales Lead, then the same edit planned again: the same changes, from rows that changed since.
    const original = copyContoso();
    expect((await cli(['apply', '-c', original, ...APPROVALS])).code).toBe(0);
    const second = path.join(work, 'second.json');
    expect((await cli(['plan', '-c', config, '--out', second])).code).toBe(0);
    const planHash = (file: string) => (JSON.parse(fs.readFileSync(file, 'utf8')) as { planHash: string }).planHash;
    expect(planHash(second)).toBe(planHash(first));
    // A seat bought outside the plan makes it stale.
    const catalog = path.join(work, 'catalog.yaml');
    fs.writeFileSync(catalog, fs.readFileSync(path.join(original, 'catalog.yaml'), 'utf8').replace(/seats: (\d+)/, (_, n: string) => `seats: ${Number(n) + 1}`));
    expect((await cli(['init', '--catalog', catalog])).code).toBe(0);
    const stale = await cli(['apply', '--plan', second, '-c', config, ...APPROVALS]);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain('the tenant changed since this plan was made, so it was not applied');
    expect(stale.stdout).not.toContain('Nothing to apply');
    // The first plan stays applied, whatever happened since.
    expect((await cli(['apply', '--plan', first, '-c', config, ...APPROVALS])).stdout).toMatch(/^Nothing to apply: .* as apply #/);
  });

  // helper-66: the same changes from the same rows, planned from two configurations. Those were configurations whose
  // temporary passwords go to different places; another settings.adminEmail is now a setting to record, in the
  // planHash, so here the second configuration differs by a comment: the plans' changes and hash are the same.
  it('a plan with the same changes from another configuration is not taken for one applied', async () => {
    const other = await contosoDatabase('applied', 'saved_plan_rerun_other', path.join(work, 'db-other'));
    const run = (args: string[]) => runCli(args, { env: { TENANTCTL_DATABASE_URL: other } });
    const a = copyContoso();
    const newcomer = '  - userPrincipalName: new.user@contoso.com\n    displayName: New User\n    notify: [boss@example.org]\n    roles: [Service administrator]\n';
    fs.appendFileSync(path.join(a, 'users.yaml'), newcomer);
    const b = copyContoso();
    fs.appendFileSync(path.join(b, 'users.yaml'), newcomer);
    editFile(path.join(b, 'tenant.yaml'), 'adminEmail: it-desk@contoso.com', 'adminEmail: it-desk@contoso.com # reviewed');
    const planA = path.join(work, 'a.json');
    const planB = path.join(work, 'b.json');
    expect((await run(['plan', '-c', a, '--out', planA])).code).toBe(0);
    expect((await run(['plan', '-c', b, '--out', planB])).code).toBe(0);
    const planHash = (file: string) => (JSON.parse(fs.readFileSync(file, 'utf8')) as { planHash: string }).planHash;
    expect(planHash(planA)).toBe(planHash(planB));
    expect((await run(['apply', '--plan', planB, '-c', b, ...APPROVALS])).code).toBe(0);
    const refused = await run(['apply', '--plan', planA, '-c', a, ...APPROVALS]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('the tenant changed since this plan was made, so it was not applied');
    expect(refused.stdout).not.toContain('Nothing to apply');
  });
});
