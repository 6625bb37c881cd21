import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// The benchmark is run by hand and by .ci/run; a mistyped option must say what
// was wrong and how to run it, before it starts a server or generates a tenant.
const BENCH = path.join(import.meta.dirname, '..', '..', 'scripts', 'bench.mjs');
const run = (...args: string[]) => spawnSync(process.execPath, [BENCH, ...args], { encoding: 'utf8', timeout: 30_000 });

describe('npm run bench: its options', () => {
  it('--help prints the usage and exits 0', () => {
    const result = run('--help');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^usage: npm run bench -- \[--sizes/);
  });

  it.each([
    [['--bogus'], "Unknown option '--bogus'"],
    [['--sizes', '5'], '--sizes takes user counts of at least 100, e.g. 1000,10000 (got 5)'],
    [['--engines', 'pg'], '--engines takes postgres, embedded or both (got pg)'],
    [['--repeat', 'x'], '--repeat takes a number of runs of at least 1 (got x)'],
    [['--create', '0'], '--create takes a number of users of at least 1 (got 0)'],
  ])('%j is refused with what was wrong and the usage, exit 2, no stack trace', (args, message) => {
    const result = run(...args);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr).toContain('usage: npm run bench --');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
