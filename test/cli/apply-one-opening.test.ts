// Unattended, apply plans and applies on one opening of the database: the
// embedded one costs 0.3-0.4 s of CPU to start. Each opening checks the
// schema once, which the test-only trace (README, "Guarantees") shows.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { runCli, tempDir } from '../support/cli.js';
import { contosoFolder, contosoPostgres } from '../support/contoso-database.js';

const SCHEMA_CHECK = 'tenantctl debug: statement outside transaction: SELECT … FROM tenantctl.schema_migrations';
const openings = (stderr: string) => stderr.split('\n').filter((line) => line === SCHEMA_CHECK).length;
const APPROVALS = ['--auto-approve', '--approve-purchases', '--approve-privileged'];

describe.each([
  { name: 'embedded', skip: false },
  { name: 'postgres', skip: inject('postgresUrl') === null },
])('apply --auto-approve ($name)', ({ name, skip }) => {
  const dir = tempDir();
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const fresh = async (label: string): Promise<string> =>
    name === 'embedded' ? contosoFolder('initialised', path.join(dir, label)) : contosoPostgres('initialised', `apply-one-opening-${label}`);

  it.skipIf(skip)('opens the database once to plan and apply the configuration', async () => {
    const env = { TENANTCTL_DATABASE_URL: await fresh('config'), TENANTCTL_DEBUG_TRACE: '1' };
    const apply = await runCli(['apply', '-c', 'examples/contoso', ...APPROVALS], { env });
    expect(apply.code, apply.stderr).toBe(0);
    expect(apply.stdout).toContain('complete: ');
    expect(openings(apply.stderr)).toBe(1);
  }, 120_000);

  it.skipIf(skip)('opens the database once to recompute and apply a saved plan', async () => {
    const database = await fresh('saved');
    const file = path.join(dir, `${name}-plan.json`);
    const plan = await runCli(['plan', '-c', 'examples/contoso', '--out', file], { env: { TENANTCTL_DATABASE_URL: database } });
    expect(plan.code, plan.stderr).toBe(0);
    const apply = await runCli(['apply', '--plan', file, '-c', 'examples/contoso', ...APPROVALS], { env: { TENANTCTL_DATABASE_URL: database, TENANTCTL_DEBUG_TRACE: '1' } });
    expect(apply.code, apply.stderr).toBe(0);
    expect(apply.stdout).toContain('complete: ');
    expect(openings(apply.stderr)).toBe(1);
  }, 120_000);
});
