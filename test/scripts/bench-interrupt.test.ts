import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { describePostgres } from '../support/postgres.js';
import { tempDir } from '../support/cli.js';

// A benchmark stopped by hand (Ctrl-C) or by a kill must not leave its
// PostgreSQL running, nor its generated tenants and databases in the
// temporary folder: everything it made lives under TMPDIR, which this test
// gives it and then finds empty.
const BENCH = path.join(import.meta.dirname, '..', '..', 'scripts', 'bench.mjs');
const tmp = tempDir('tenantctl-bench-tmp-');
// The server runs as the postgres user when the tests run as root: it must reach its folder.
fs.chmodSync(tmp, 0o755);
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describePostgres('npm run bench, interrupted', () => {
  it('SIGTERM in the middle of a step stops the server, removes its files and exits 143', { timeout: 120_000 }, async () => {
    const child = spawn(process.execPath, [BENCH, '--sizes', '100', '--repeat', '1', '--engines', 'postgres', '--no-write'], {
      env: { ...process.env, TMPDIR: tmp },
    });
    let stderr = '';
    const running = new Promise<void>((resolve) => {
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        // The first step's line: the server is up and the tenant's files are written.
        if (stderr.includes('adopt: export')) resolve();
      });
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    await Promise.race([running, exited]);
    expect(fs.readdirSync(tmp).some((name) => name.startsWith('tenantctl-pg-'))).toBe(true);
    child.kill('SIGTERM');
    expect(await exited).toBe(143);
    expect(stderr).toContain("SIGTERM: stopping the benchmark's PostgreSQL and removing");
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(fs.readdirSync(tmp)).toEqual([]);
  });
});
