// A plan saved with `plan -c tenant --out p.json` in a repository, applied
// with `apply --plan ../p.json -c .` from inside `tenant/` (the same files),
// was refused: the plan's configHash covers the files' names as -c gave them
// (`tenant/users.yaml` there, `users.yaml` here). Now the names are hashed as
// from the folder the plan's were relative to, found above the -c path; other
// files, other names, or another checkout's edited copy are still refused.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, runCli, tempDir } from '../support/cli.js';
import { contosoFolder } from '../support/contoso-database.js';

const root = tempDir('tenantctl-saved-plan-other-path-');
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const APPROVALS = ['--auto-approve', '--approve-purchases', '--approve-privileged'];
const NOT_PLANNED = 'Error: the configuration given with -c is not the one this plan was made from';

/** A checkout: `tenant/` holds the example's configuration. */
function checkout(name: string): string {
  const repo = path.join(root, name);
  fs.cpSync(path.join(ROOT, 'examples', 'contoso'), path.join(repo, 'tenant'), { recursive: true });
  return repo;
}

describe.concurrent('apply --plan with -c reaching the planned files by another path', () => {
  it('accepts the same files from inside the folder, refuses other files or other names there', async () => {
    const repo = checkout('one');
    const database = contosoFolder('initialised', path.join(root, 'db-one'));
    const env = { TENANTCTL_DATABASE_URL: database, TENANTCTL_DEBUG_TRACE: '1' };
    const plan = await runCli(['plan', '-c', 'tenant', '--out', 'p.json'], { cwd: repo, env });
    expect(plan.code, plan.stderr).toBe(0);

    // The same texts under other names, and one text changed: refused, nothing applied.
    const renamed = path.join(repo, 'renamed');
    fs.cpSync(path.join(repo, 'tenant'), renamed, { recursive: true });
    fs.renameSync(path.join(renamed, 'users.yaml'), path.join(renamed, 'people.yaml'));
    const edited = path.join(repo, 'edited');
    fs.cpSync(path.join(repo, 'tenant'), edited, { recursive: true });
    fs.appendFileSync(path.join(edited, 'users.yaml'), '\n');
    for (const cwd of [renamed, edited]) {
      const refused = await runCli(['apply', '--plan', '../p.json', '-c', '.', ...APPROVALS], { cwd, env });
      expect(refused.code, refused.stderr).toBe(1);
      expect(refused.stderr).toContain(NOT_PLANNED);
    }

    const applied = await runCli(['apply', '--plan', '../p.json', '-c', '.', ...APPROVALS], { cwd: path.join(repo, 'tenant'), env });
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stderr).toContain('tenantctl debug: saved plan: the configuration as planned, reached by another path');
    expect(applied.stderr).toContain('tenantctl debug: saved plan: exactly the recomputed plan');
    const history = JSON.parse((await runCli(['history', '--format', 'json'], { env: { TENANTCTL_DATABASE_URL: database } })).stdout);
    expect(history.applies.map((a: { configHash: string }) => a.configHash)).toEqual([JSON.parse(fs.readFileSync(path.join(repo, 'p.json'), 'utf8')).configHash]);
  }, 300_000);

  it('accepts a plan made inside the folder and applied from another checkout\'s top, also when checked in full', async () => {
    const planned = checkout('planned');
    const other = checkout('other');
    const database = contosoFolder('initialised', path.join(root, 'db-two'));
    const env = { TENANTCTL_DATABASE_URL: database, TENANTCTL_DEBUG_TRACE: '1' };
    const plan = await runCli(['plan', '-c', '.', '--out', '../p.json'], { cwd: path.join(planned, 'tenant'), env });
    expect(plan.code, plan.stderr).toBe(0);
    // Laid out otherwise than plan --out writes it: not taken byte for byte, checked in full.
    const saved = path.join(other, 'p.json');
    fs.writeFileSync(saved, JSON.stringify(JSON.parse(fs.readFileSync(path.join(planned, 'p.json'), 'utf8'))));

    const applied = await runCli(['apply', '--plan', 'p.json', '-c', 'tenant', ...APPROVALS], { cwd: other, env });
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stderr).toContain('tenantctl debug: saved plan: checked in full: not laid out as plan --out writes a plan');
    expect(applied.stdout).toContain('complete: ');
  }, 300_000);
});
