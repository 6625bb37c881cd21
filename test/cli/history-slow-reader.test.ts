// history holds its read-only transaction open while it writes the trail out
// a page at a time (history-pages.ts). A reader that takes its time (a pager,
// `| less`) must not cost the output: a server that ends transactions idle
// past idle_in_transaction_session_timeout ended history's mid-way.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { openPostgres } from '../../src/db/postgres-database.js';
import { ROOT, tempDir } from '../support/cli.js';
import { contosoPostgres } from '../support/contoso-database.js';
import { describePostgres } from '../support/postgres.js';

describePostgres('history on PostgreSQL, read slowly', { timeout: 120_000 }, () => {
  let url: string;

  beforeAll(async () => {
    url = await contosoPostgres('applied', 'history_slow_reader');
    const db = await openPostgres(url, 'test', 'test');
    try {
      const changes = Array.from({ length: 5000 }, (_, n) => ({ kind: 'user.update', userPrincipalName: `user${n}@contoso.com`, fields: { jobTitle: { from: null, to: `Title ${n}` } } }));
      await db.query(`INSERT INTO applies (actor, host, plan_hash, tool_version, summary, changes) VALUES ('by-hand', 'x', 'x', 'x', '{}', $1::json)`, [JSON.stringify(changes)]);
      await db.exec(`DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET idle_in_transaction_session_timeout = %L', current_database(), '500ms'); END $$`);
    } finally {
      await db.close();
    }
  });

  it('writes the whole trail and exits 0 when the reader waits a while before reading', () => {
    const env = { ...process.env, TENANTCTL_DATABASE_URL: url, TENANTCTL_QUIET: '1', NO_COLOR: '1' };
    const fast = spawnSync(process.execPath, ['dist/cmd/tenantctl.js', 'history'], { cwd: ROOT, env, encoding: 'utf8', maxBuffer: 1 << 28 });
    expect(fast.status, fast.stderr).toBe(0);
    expect(fast.stdout.length).toBeGreaterThan(300_000);
    const slow = spawnSync('/bin/bash', ['-c', `"${process.execPath}" dist/cmd/tenantctl.js history 2>"$0" | (sleep 2; cat); echo "status \${PIPESTATUS[0]}" >&2; cat "$0" >&2`, path.join(tempDir('tenantctl-slow-reader-'), 'stderr')], { cwd: ROOT, env, encoding: 'utf8', maxBuffer: 1 << 28 });
    expect(slow.stderr).toBe('status 0\n');
    expect(slow.stdout).toBe(fast.stdout);
  });
});
