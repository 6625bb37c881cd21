// The writer may append an apply row of anything (sql/roles.sql; README, "What
// the audit trail can and cannot prove"). history shows such a row, with what
// is not a change left out, instead of failing with an internal error (helper-73).
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../support/cli.js';
import { contosoFolder } from '../support/contoso-database.js';

const UPN = 'isabella.janssen@contoso.com';

describe('history of an apply row the writer appended by hand', { timeout: 120_000 }, () => {
  it('lists it, whatever its changes hold, in text and JSON, with and without --user', async () => {
    const database = contosoFolder('applied', path.join(tempDir('tenantctl-history-malformed-'), 'db'));
    const db = new PGlite(database);
    try {
      for (const changes of [`["${UPN}"]`, `{"userPrincipalName": "${UPN}"}`, `[{"kind": "user.update"}, 7, null, {"userPrincipalName": "${UPN}"}]`, `"${UPN}"`]) {
        await db.query(`INSERT INTO tenantctl.applies (actor, host, plan_hash, tool_version, summary, changes) VALUES ('by-hand', 'x', 'x', 'x', '{}', $1::json)`, [changes]);
      }
    } finally {
      await db.close();
    }
    const env = { TENANTCTL_DATABASE_URL: database };
    const text = await runCli(['history'], { env });
    expect(text.stderr).toBe('');
    expect(text.code).toBe(0);
    expect(text.stdout.match(/by by-hand on x/g)).toHaveLength(4);
    const json = await runCli(['history', '--format', 'json'], { env });
    expect(json.code, json.stderr).toBe(0);
    const entries = (JSON.parse(json.stdout) as { applies: { actor: string; changes: unknown[] }[] }).applies.filter((a) => a.actor === 'by-hand');
    expect(entries.map((a) => a.changes)).toEqual([[], [], [], []]);
    const user = await runCli(['history', '--user', UPN], { env });
    expect(user.stderr).toBe('');
    expect(user.code).toBe(0);
  });
});
