import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli, tempDir } from '../support/cli.js';
import { seedDirectory } from '../../scripts/bench/seed.mjs';
import { contosoFolder } from '../support/contoso-database.js';

const CLI = path.join(ROOT, 'dist', 'cmd', 'tenantctl.js');

const GLOBAL_ADMINISTRATOR = '62e90394-69f5-4237-9190-012177145e10';
const USER_MANAGEMENT_ADMINISTRATOR = 'fe930be7-5e62-47db-91af-98c3a49a38b1';

/**
 * Users with long values, so that every output (a plan of them, their drift,
 * their export) is far over a pipe's 64 KiB buffer; `variant` changes the
 * address, city and title of each, for a plan of updates and for drift.
 */
function manyUsers(count: number, variant: string) {
  return Array.from({ length: count }, (_, i) => ({
    id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    userPrincipalName: `user${i}@contoso.com`,
    displayName: `User ${i} ${'of the pipe test '.repeat(14)}`.trim(),
    givenName: null,
    surname: null,
    accountEnabled: true,
    jobTitle: `${variant} engineer ${i} ${'of the platform '.repeat(6)}`.trim(),
    department: 'Engineering',
    mobilePhone: `+31 6 1234 ${String(i).padStart(4, '0')}`,
    businessPhones: [],
    streetAddress: `${variant} ${i} ${'Herengracht 1 '.repeat(70)}`.trim(),
    city: `${variant} ${i} ${'Amsterdam '.repeat(11)}`.trim(),
    postalCode: null,
    country: null,
    usageLocation: 'NL',
    roles: [[i < 2 ? GLOBAL_ADMINISTRATOR : USER_MANAGEMENT_ADMINISTRATOR]],
    licenses: [],
  }));
}

/** The same users as configuration. */
function asConfig(users: ReturnType<typeof manyUsers>): string {
  const lines = ['defaults:', '  usageLocation: NL', '  notify: [it-desk@contoso.com]', 'users:'];
  for (const [i, user] of users.entries()) {
    lines.push(
      `  - userPrincipalName: ${user.userPrincipalName}`,
      `    displayName: ${user.displayName}`,
      `    jobTitle: ${user.jobTitle}`,
      `    department: ${user.department}`,
      `    mobilePhone: "${user.mobilePhone}"`,
      `    city: ${user.city}`,
      `    streetAddress: ${user.streetAddress}`,
      `    roles: [${i < 2 ? 'Global administrator' : 'User management administrator'}]`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** `tenantctl ARGS | head -1` in bash with pipefail, as a pipeline writes it. */
function throughHead(args: readonly string[], database: string): { status: number | null; stdout: string; stderr: string } {
  const quoted = [process.execPath, CLI, ...args].map((a) => `'${a}'`).join(' ');
  const run = spawnSync('bash', ['-c', `set -o pipefail; ${quoted} | head -1`], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', TENANTCTL_DATABASE_URL: database },
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('in a pipe whose reader stops early (| head -1)', () => {
  let dir: string;
  let config: string;
  let database: string;

  beforeAll(async () => {
    dir = tempDir();
    database = contosoFolder('initialised', path.join(dir, 'db'));
    config = path.join(dir, 'changed.yaml');
    // The 100 users are written by SQL, as tenantctl's own apply would have left them
    // (the first plan of their configuration is empty), without hashing 100 passwords.
    await seedDirectory(database, manyUsers(100, 'North'), { managed: true });
    const applied = path.join(dir, 'applied.yaml');
    fs.writeFileSync(applied, asConfig(manyUsers(100, 'North')));
    fs.writeFileSync(config, asConfig(manyUsers(100, 'South')));
    const plan = await runCli(['plan', '-c', applied, '--detailed-exitcode'], { env: { TENANTCTL_DATABASE_URL: database } });
    if (plan.code !== 0) throw new Error(`the seeded directory is not what its configuration declares: ${plan.stdout}${plan.stderr}`);
  }, 600_000);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it.each([
    ['plan', ['plan', '-c']],
    ['plan --format json', ['plan', '--format', 'json', '-c']],
    ['drift', ['drift', '-c']],
    ['drift --format json', ['drift', '--format', 'json', '-c']],
  ])('%s ends quietly with 141, no EPIPE and no stack trace', (_name, args) => {
    const full = spawnSync(process.execPath, [CLI, ...args, config], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, NO_COLOR: '1', TENANTCTL_DATABASE_URL: database } });
    expect(full.stdout.length).toBeGreaterThan(2 * 65_536);
    const run = throughHead([...args, config], database);
    expect(run.stderr).not.toMatch(/EPIPE|Unhandled|at .*\.js:\d+|internal error/);
    expect(run.stdout.split('\n').filter(Boolean)).toHaveLength(1);
    expect(run.status).toBe(141);
  });

  it('export to a full disk says so, and not first that it exported', () => {
    const full = fs.openSync('/dev/full', 'w');
    try {
      const run = spawnSync(process.execPath, [CLI, 'export'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', full, 'pipe'], env: { ...process.env, TENANTCTL_DATABASE_URL: database } });
      expect(run.stderr).toMatch(/^Error: cannot write the output: ENOSPC/m);
      expect(run.stderr).not.toContain('Exported');
      expect(run.status).toBe(1);
    } finally {
      fs.closeSync(full);
    }
  });

  it('export to standard output cut short ends with 141 too, saying the configuration read is incomplete', () => {
    const full = spawnSync(process.execPath, [CLI, 'export'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, TENANTCTL_DATABASE_URL: database } });
    expect(full.stdout.length).toBeGreaterThan(2 * 65_536);
    const run = throughHead(['export'], database);
    expect(run.stderr).not.toMatch(/EPIPE|Unhandled|at .*\.js:\d+|internal error/);
    expect(run.stderr).toMatch(/^Error: the reader of standard output went away before the export was written whole: what it read is an incomplete configuration/m);
    expect(run.stderr).not.toContain('Exported');
    expect(run.stdout).toMatch(/^#|^defaults:|^users:/);
    expect(run.status).toBe(141);
  });
});

/** The built CLI as a process, with its standard output as `stdout` says; what it wrote to stderr, and its status. */
function withStdout(args: readonly string[], database: string, stdout: 'ignore' | 'closed-reader' | number): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: ROOT,
      stdio: ['ignore', stdout === 'closed-reader' ? 'pipe' : stdout, 'pipe'],
      env: { ...process.env, NO_COLOR: '1', TENANTCTL_QUIET: '1', TENANTCTL_DATABASE_URL: database },
    });
    // The reader exits before tenantctl has started: its first write meets a pipe nobody reads (EPIPE).
    if (stdout === 'closed-reader') child.stdout!.destroy();
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (piece: string) => (stderr += piece));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stderr }));
  });
}

/** `tenantctl ARGS` in bash with its standard output as `redirect` says (e.g. `>&-`). */
function inBash(args: readonly string[], database: string, redirect: string) {
  const quoted = [process.execPath, CLI, ...args].map((a) => `'${a}'`).join(' ');
  return spawnSync('bash', ['-c', `${quoted} ${redirect}`], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', TENANTCTL_QUIET: '1', TENANTCTL_DATABASE_URL: database } });
}

describe('export when its standard output leads nowhere', { timeout: 60_000 }, () => {
  let database: string;
  const CLOSED = /^Error: standard output is closed \(or was discarded by the program that started tenantctl\): the export would be written nowhere; write it to a file with --out FILE, or redirect standard output \(> tenant\.yaml\); nothing was exported$/m;

  beforeAll(() => {
    database = contosoFolder('applied', path.join(tempDir('tenantctl-export-nowhere-'), 'db'));
  });

  it('closed by the shell (>&-): fails with 1 and says why, not "Exported"', () => {
    const run = inBash(['export'], database, '>&-');
    expect(run.stderr).toMatch(CLOSED);
    expect(run.stderr).not.toContain('Exported');
    expect(run.status).toBe(1);
  });

  it('discarded by the program that started it (stdio ignore): the same', async () => {
    const run = await withStdout(['export'], database, 'ignore');
    expect(run.stderr).toMatch(CLOSED);
    expect(run.status).toBe(1);
  });

  it('a pipe whose reader has exited: 141, and says the configuration is incomplete', async () => {
    const run = await withStdout(['export'], database, 'closed-reader');
    expect(run.stderr).toMatch(/^Error: the reader of standard output went away before the export was written whole/m);
    expect(run.stderr).not.toMatch(/EPIPE|Unhandled|at .*\.js:\d+|Exported/);
    expect(run.status).toBe(141);
  });

  it('--out - is standard output, not a file named -', () => {
    const cwd = tempDir('tenantctl-export-dash-');
    const run = spawnSync(process.execPath, [CLI, 'export', '--out', '-'], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', TENANTCTL_QUIET: '1', TENANTCTL_DATABASE_URL: database } });
    expect(run.stderr).toMatch(/^Exported \d+ users\.$/m);
    expect(run.stdout).toMatch(/^users:$/m);
    expect(fs.existsSync(path.join(cwd, '-'))).toBe(false);
    expect(run.status).toBe(0);
  });

  it('> /dev/null, which a shell opens for writing only, is asked for: exported (its warnings read), 0', () => {
    const run = inBash(['export'], database, '> /dev/null');
    expect(run.stderr).toMatch(/^Exported \d+ users\.$/m);
    expect(run.status).toBe(0);
  });

  it.each([
    ['plan', ['plan', '-c', 'examples/contoso']],
    ['plan --format json', ['plan', '--format', 'json', '-c', 'examples/contoso']],
    ['drift --format json', ['drift', '--format', 'json', '-c', 'examples/contoso']],
    ['history --format json', ['history', '--format', 'json']],
    ['validate --format json', ['validate', '--format', 'json', '-c', 'examples/contoso']],
  ])('%s to a pipe whose reader has exited: 141, never 0', async (_name, args) => {
    const run = await withStdout(args, database, 'closed-reader');
    expect(run.stderr).not.toMatch(/EPIPE|Unhandled|at .*\.js:\d+/);
    expect(run.status).toBe(141);
  });
});
