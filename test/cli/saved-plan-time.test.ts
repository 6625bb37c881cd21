// A saved plan with deletions is recomputed as of the time its deletions'
// restorableUntil dates give; that time comes from the file, so it must
// decide nothing. Found by an attack: a plan made with the clock 40 days
// ahead purged a user deleted minutes before (restorable) and created it
// anew. The clock is moved for one process at a time with a preloaded module.
// The clock, not the engine, is the subject: the contoso database after its
// first apply (contosoDatabase), on PostgreSQL when the suite's server runs.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyContoso, runCli, tempDir } from '../support/cli.js';
import { contosoDatabase } from '../support/contoso-database.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const APPROVALS = ['--auto-approve', '--approve-purchases', '--approve-privileged', '--approve-deletions'];

/** The text of a user's entry in users.yaml, from its first line to the blank line after it. */
function entry(text: string, upn: string): string {
  const start = text.indexOf(`  - userPrincipalName: ${upn}`);
  const end = text.indexOf('\n\n', start);
  expect(start).toBeGreaterThan(0);
  return text.slice(start, end + 2);
}

describe('apply --plan plans as of its own clock', () => {
  let dir: string;
  let config: string;
  let shift: string;
  let env: Record<string, string>;
  const shifted = (days: number) => ({ ...env, NODE_OPTIONS: `--require ${shift}`, SHIFT_DAYS: String(days) });
  const history = async () => (await runCli(['history', '--format', 'json'], { env })).stdout;

  beforeAll(async () => {
    dir = tempDir();
    env = { TENANTCTL_DATABASE_URL: await contosoDatabase('applied', 'saved_plan_time', path.join(dir, 'db')) };
    shift = path.join(dir, 'shift.cjs');
    fs.writeFileSync(
      shift,
      `const ms = Number(process.env.SHIFT_DAYS) * ${DAY_MS};
const Real = Date;
class Shifted extends Real {
  constructor(...args) { if (args.length === 0) super(Real.now() + ms); else super(...args); }
  static now() { return Real.now() + ms; }
}
globalThis.Date = Shifted;
`,
    );
    config = copyContoso();
    // lucas goes to the recycle bin now; then the configuration brings him back and removes noah.
    const users = path.join(config, 'users.yaml');
    const text = fs.readFileSync(users, 'utf8');
    const lucas = entry(text, 'lucas.vandam@contoso.com');
    fs.writeFileSync(users, text.replace(lucas, ''));
    expect((await runCli(['apply', '-c', config, ...APPROVALS], { env })).code).toBe(0);
    fs.writeFileSync(users, text.replace(entry(text, 'noah.hendriks@contoso.com'), ''));
    const now = await runCli(['plan', '-c', config], { env });
    expect(now.stdout).toMatch(/lucas\.vandam@contoso\.com \(restore/);
  });
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(config, { recursive: true, force: true });
  });

  it('refuses a plan made with a clock 40 days ahead, which purges and recreates a restorable user', async () => {
    const file = path.join(dir, 'ahead.json');
    const made = await runCli(['plan', '-c', config, '--out', file], { env: shifted(40) });
    expect(made.code).toBe(0);
    expect(made.stdout).not.toMatch(/lucas\.vandam@contoso\.com \(restore/);
    const before = await history();
    const applied = await runCli(['apply', '--plan', file, '-c', config, ...APPROVALS], { env: { ...env, TENANTCTL_DEBUG_TRACE: '1' } });
    expect(applied.code).toBe(1);
    expect(applied.stderr).toMatch(/ahead\.json says it was made at \S+, later than this machine's clock \(\S+\), so it was not applied/);
    expect(applied.stderr).not.toMatch(/^\s+at /m);
    expect(await history()).toBe(before);
  });

  it('refuses a plan reviewed while a deleted user was restorable, applied after its 30 days', async () => {
    const file = path.join(dir, 'reviewed.json');
    expect((await runCli(['plan', '-c', config, '--out', file], { env })).code).toBe(0);
    const before = await history();
    const applied = await runCli(['apply', '--plan', file, '-c', config, ...APPROVALS], { env: shifted(31) });
    expect(applied.code).toBe(1);
    expect(applied.stderr).toContain('reviewed.json was made as of ');
    expect(applied.stderr).toContain('planned again now, the changes differ, so it was not applied:\n  as of then: user.restore lucas.vandam@contoso.com\n');
    expect(applied.stderr).toContain('planned now: user.create lucas.vandam@contoso.com');
    expect(await history()).toBe(before);
  });

  it('applies a plan reviewed days earlier when the recycle bin decides the same', async () => {
    const file = path.join(dir, 'days-earlier.json');
    expect((await runCli(['plan', '-c', config, '--out', file], { env })).code).toBe(0);
    const applied = await runCli(['apply', '--plan', file, '-c', config, ...APPROVALS], { env: shifted(3) });
    expect(applied.stderr).not.toMatch(/Error/);
    expect(applied.code).toBe(0);
    expect((await runCli(['plan', '-c', config, '--detailed-exitcode'], { env: shifted(3) })).code).toBe(0);
  });
});
