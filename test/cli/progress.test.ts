// Progress on stderr for long commands: a plain line every few seconds
// without a terminal, nothing with --quiet; and a confirmation that
// summarises hundreds of credentials by recipients.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderApplyResult } from '../../src/render/apply-result.js';
import type { ApplyResult } from '../../src/apply/apply-plan.js';
import { copyContoso, runCli, tempDir } from '../support/cli.js';
import { contosoDatabase } from '../support/contoso-database.js';

// The commands of these two suites mostly sleep (TENANTCTL_DEBUG_STATEMENT_DELAY_MS), each on a
// database of its own: run side by side, the four take as long as the longest, not their sum.
// Progress is the CLI's, not the engine's (the statement delay wraps either): each database is
// on the test server when it runs (contosoDatabase), a third of the CPU of the embedded start.
describe.concurrent('progress of a long apply, without a terminal', () => {
  const dir = tempDir();
  const databases = { quiet: '', shown: '' };
  // Every statement sleeps (the test-only hook of README "Guarantees"), so each apply takes several seconds.
  const slow = (database: string) => ({ TENANTCTL_DATABASE_URL: database, TENANTCTL_DEBUG_STATEMENT_DELAY_MS: '150', TENANTCTL_QUIET: undefined });
  const apply = ['apply', '-c', 'examples/contoso', '--auto-approve', '--approve-purchases', '--approve-privileged'];

  beforeAll(async () => {
    for (const name of ['quiet', 'shown'] as const) databases[name] = await contosoDatabase('initialised', `progress_apply_${name}`, path.join(dir, name));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('prints a plain line naming the stage and how far it is', async () => {
    const run = await runCli(apply, { env: slow(databases.shown) });
    expect(run.code, run.stderr).toBe(0);
    // Planning, then hashing and writing: which stage passes the two seconds depends on the machine.
    expect(run.stderr).toMatch(
      /^tenantctl: (reading the configuration files: \d+\/\d+ \(\d+ %\)|checking the configuration|reading the directory|checking the configuration against the directory|computing the plan|hashing new passwords: \d+\/\d+ \(\d+ %\)|applying in one transaction: \d+\/\d+ \(\d+ %\)), \d+ s$/m,
    );
    expect(run.stdout).toContain('complete: ');
  }, 120_000);

  it('prints none with --quiet', async () => {
    const run = await runCli([...apply, '--quiet'], { env: slow(databases.quiet) });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('complete: ');
    expect(run.stderr).not.toMatch(/^tenantctl: /m);
  }, 120_000);
});

describe.concurrent('progress while reading, without a terminal', () => {
  const dir = tempDir();
  // Each of the directory read's three statements sleeps 2.5 s: the read takes about 7.5 s. On a
  // loaded host opening the database may pass the two seconds, so the first line names an earlier
  // stage and the next comes only 5 s later (LINE_EVERY_MS, on a 0.5 s timer): the read must outlast
  // 5.5 s after its stage is reported (once the files are parsed) for a line to surely fall inside it.
  const slow = (database: string) => ({ TENANTCTL_DATABASE_URL: database, TENANTCTL_DEBUG_STATEMENT_DELAY_MS: '2500', TENANTCTL_QUIET: undefined });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('plan names what it waits for once two seconds have passed', async () => {
    const run = await runCli(['plan', '-c', 'examples/contoso'], { env: slow(await contosoDatabase('applied', 'progress_plan', path.join(dir, 'applied'))) });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/^tenantctl: reading the directory, \d+ s$/m);
  }, 60_000);

  it('apply --plan shows progress while it reads and plans again, before anything is printed', async () => {
    const database = await contosoDatabase('initialised', 'progress_apply_plan', path.join(dir, 'initialised'));
    const saved = path.join(dir, 'plan.json');
    expect((await runCli(['plan', '-c', 'examples/contoso', '--out', saved], { env: { TENANTCTL_DATABASE_URL: database } })).code).toBe(0);
    const changed = copyContoso();
    try {
      fs.appendFileSync(path.join(changed, 'tenant.yaml'), '\n# edited after the plan was saved\n');
      const run = await runCli(['apply', '--plan', saved, '-c', changed, '--auto-approve'], { env: slow(database) });
      // Refused (another configuration), after the read: the progress came from loading the plan.
      expect(run.code).not.toBe(0);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(/^tenantctl: reading the directory, \d+ s$/m);
    } finally {
      fs.rmSync(changed, { recursive: true, force: true });
    }
  }, 60_000);
});

function result(count: number, recipients: (i: number) => string[]): ApplyResult {
  const upn = (i: number) => `user${String(i).padStart(3, '0')}@contoso.com`;
  return {
    applyId: 7,
    changes: [],
    purchases: [],
    credentials: Array.from({ length: count }, (_, i) => ({ userPrincipalName: upn(i), recipients: recipients(i) })),
  } as unknown as ApplyResult;
}

describe('the confirmation after creating users', () => {
  const byTeam = (i: number) => (i % 10 === 0 ? [] : i % 3 === 0 ? ['lead@contoso.com', 'it@contoso.com'] : ['it@contoso.com']);

  it('summarises hundreds of credentials by recipients, largest group first', () => {
    expect(renderApplyResult(result(300, byTeam))).toBe(
      [
        'Apply #7 complete: 0 change(s) committed in one transaction.',
        'Temporary passwords (never shown here) are queued for delivery:',
        '  180 users → it@contoso.com',
        '  90 users → lead@contoso.com, it@contoso.com',
        '  30 users (user000@contoso.com, user010@contoso.com, user020@contoso.com, user030@contoso.com, user040@contoso.com and 25 more)' +
          ' → nobody (no notify, no settings.adminEmail): reset the password to send new credentials',
        '  (--verbose lists each user)',
        'Send them with: tenantctl deliver',
        '',
      ].join('\n'),
    );
  });

  it('lists each user with --verbose, and when there are few', () => {
    const verbose = renderApplyResult(result(300, byTeam), { verbose: true }).split('\n');
    expect(verbose.filter((line) => line.startsWith('  user'))).toHaveLength(300);
    expect(verbose).toContain('  user003@contoso.com → lead@contoso.com, it@contoso.com');
    const few = renderApplyResult(result(3, byTeam)).split('\n');
    expect(few).toContain('  user001@contoso.com → it@contoso.com');
    expect(few).not.toContain('  (--verbose lists each user)');
  });
});

describe('the confirmation after changing many users', () => {
  const upn = (i: number) => `user${String(i).padStart(5, '0')}@contoso.com`;
  const applied = (changed: number, deleted: number): ApplyResult =>
    ({
      applyId: 9,
      changes: [
        ...Array.from({ length: changed }, (_, i) => ({ kind: 'user.adopt', userPrincipalName: upn(i) })),
        ...Array.from({ length: deleted }, (_, i) => ({ kind: 'user.delete', userPrincipalName: upn(changed + i) })),
      ],
      purchases: [],
      credentials: [],
    }) as unknown as ApplyResult;

  it('names the first 20 users of each kind and counts the rest', () => {
    const lines = renderApplyResult(applied(100_000, 2)).split('\n');
    expect(lines[0]).toBe('Apply #9 complete: 100002 change(s) committed in one transaction.');
    const first20 = Array.from({ length: 20 }, (_, i) => upn(i)).join(', ');
    expect(lines[1]).toBe(`  changed (100000): ${first20} and 99980 more`);
    expect(lines[2]).toBe('  deleted (2): user100000@contoso.com, user100001@contoso.com');
    expect(lines[3]).toBe('  (--verbose names every user; `tenantctl history` keeps every change)');
    expect(lines).toHaveLength(5);
  });

  it('names every user with --verbose, and says nothing more when all fit', () => {
    const verbose = renderApplyResult(applied(100, 0), { verbose: true }).split('\n');
    expect(verbose[1]?.split(', ')).toHaveLength(100);
    expect(verbose.join('\n')).not.toContain('--verbose');
    const few = renderApplyResult(applied(20, 1));
    expect(few).toContain(`  changed (20): ${Array.from({ length: 20 }, (_, i) => upn(i)).join(', ')}\n`);
    expect(few).not.toContain('more');
    expect(few).not.toContain('--verbose');
  });
});
