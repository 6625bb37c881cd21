import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli, tempDir } from '../support/cli.js';
import { contosoFolder } from '../support/contoso-database.js';

const CLI = path.join(ROOT, 'dist', 'cmd', 'tenantctl.js');

/**
 * Users with long values, so that every output (a plan of them, their drift,
 * their export) is far over a pipe's 64 KiB buffer; `variant` changes the
 * address, city and title of each, for a plan of updates and for drift.
 */
function manyUsers(count: number, variant: string): string {
  const lines = ['defaults:', '  usageLocation: NL', '  notify: [it-desk@contoso.com]', 'users:'];
  for (let i = 0; i < count; i++) {
    lines.push(
      `  - userPrincipalName: user${i}@contoso.com`,
      `    displayName: User ${i} ${'of the pipe test '.repeat(14)}`,
      `    jobTitle: ${variant} engineer ${i} ${'of the platform '.repeat(6)}`,
      '    department: Engineering',
      `    mobilePhone: "+31 6 1234 ${String(i).padStart(4, '0')}"`,
      `    city: ${variant} ${i} ${'Amsterdam '.repeat(11)}`,
      `    streetAddress: ${variant} ${i} ${'Herengracht 1 '.repeat(70)}`,
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
    const applied = path.join(dir, 'applied.yaml');
    fs.writeFileSync(applied, manyUsers(100, 'North'));
    fs.writeFileSync(config, manyUsers(100, 'South'));
    const env = { TENANTCTL_DATABASE_URL: database };
    const apply = await runCli(['apply', '-c', applied, '--auto-approve', '--approve-privileged'], { env });
    if (apply.code !== 0) throw new Error(`apply failed: ${apply.stderr}`);
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

  it('export to standard output ends quietly with 141 too', () => {
    const full = spawnSync(process.execPath, [CLI, 'export'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, TENANTCTL_DATABASE_URL: database } });
    expect(full.stdout.length).toBeGreaterThan(2 * 65_536);
    const run = throughHead(['export'], database);
    expect(run.stderr).not.toMatch(/EPIPE|Unhandled|at .*\.js:\d+|internal error/);
    expect(run.stdout).toMatch(/^#|^defaults:|^users:/);
    expect(run.status).toBe(141);
  });
});
