// Edges of `history` read in pages (history-pages.ts) against the whole read, through the CLI and its
// output guard: applies appended by hand with changes of any shape, `::` and `##[` in values, an apply and
// other writes at the same time, one transaction's other writes under two actors, and a reader that stops early.
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { followUser } from '../../src/audit/follow-user.js';
import { readHistory, type HistoryQuery } from '../../src/audit/read-history.js';
import { readOtherWrites } from '../../src/audit/read-other-writes.js';
import { renderHistoryJson } from '../../src/render/history-json.js';
import { renderHistoryText } from '../../src/render/history-text.js';
import { neutraliseWorkflowCommands } from '../../src/render/escape-terminal.js';
import { runCli, tempDir, ROOT } from '../support/cli.js';
import { contosoFolder } from '../support/contoso-database.js';
import { openEmbedded, startPGlite } from '../../src/db/embedded-database.js';
import type { Queryable } from '../../src/db/database.js';

const UPN = 'isabella.janssen@contoso.com';

async function whole(q: Queryable, query: HistoryQuery): Promise<{ text: string; json: string }> {
  const followed = query.user ? await followUser(q, query.user) : null;
  const entries = await readHistory(q, { ...query, followed });
  const others = await readOtherWrites(q, query);
  const user = query.user ?? null;
  return {
    text: neutraliseWorkflowCommands(renderHistoryText(entries, user, others, query.limit ?? null, query.since ?? null, followed)),
    json: neutraliseWorkflowCommands(renderHistoryJson(entries, user, others)),
  };
}

/**
 * The hand-written apply's changes: its JSON entry passes the 1 MiB chunk json-bytes.ts writes in
 * (CHUNK_BYTES; asserted below), so the output comes in pieces cut inside a line, and the reader that stops
 * early meets a closed pipe. It stays an apply read whole (not past large-apply.ts's LARGE_APPLY: stored
 * compressed, 4,500 such changes are some 20 KB); 12,000 cost three times the CPU for no other edge.
 */
const BIG_CHANGES = 4_500;

describe('history in pages, edges', { timeout: 300_000 }, () => {
  it('matches the whole read on a hostile trail', async () => {
    const database = contosoFolder('applied', path.join(tempDir('tenantctl-history-edges-'), 'db'));
    const db = startPGlite(database);
    try {
      const big = Array.from({ length: BIG_CHANGES }, (_, n) => ({ kind: 'user.update', userPrincipalName: UPN, fields: { jobTitle: { from: null, to: `::warning::x${n} ##[group]é€😀` } } }));
      for (const changes of [`["${UPN}"]`, `{"userPrincipalName": "${UPN}"}`, `"${'x'.repeat(100_000)}"`, 'null', JSON.stringify(big)]) {
        await db.query(`INSERT INTO tenantctl.applies (actor, host, plan_hash, tool_version, summary, changes) VALUES ('::by-hand', '##[x', 'x', 'x', '{}', $1::json)`, [changes]);
      }
      // An apply and other writes in one transaction: the same time.
      await db.exec(`BEGIN; INSERT INTO tenantctl.applies (actor, host, plan_hash, tool_version, summary, changes) VALUES ('tie', 'x', 'x', 'x', '{}', '[]');
        UPDATE tenantctl.users SET job_title = E'::error::a\\n::x' WHERE user_principal_name = '${UPN}'; COMMIT;`);
      await db.exec(`BEGIN; UPDATE tenantctl.users SET job_title = 'one' WHERE user_principal_name = '${UPN}';
        SELECT set_config('tenantctl.actor', 'other', true); UPDATE tenantctl.users SET department = 'two' WHERE user_principal_name = '${UPN}'; COMMIT;`);
    } finally {
      await db.close();
    }
    const queries: HistoryQuery[] = [{}, { limit: 3 }, { user: UPN }, { limit: 1 }];
    const expected: { text: string; json: string }[] = [];
    {
      const db2 = await openEmbedded(database, database);
      try {
        for (const q of queries) expected.push(await whole(db2, q));
      } finally {
        await db2.close();
      }
    }
    const document = JSON.parse(expected[0]!.json) as { applies: { changes: unknown }[] };
    const bigEntry = document.applies.find((apply) => Array.isArray(apply.changes) && apply.changes.length === BIG_CHANGES);
    // As the document holds it, two levels in: what json-bytes.ts writes, in chunks of 1 MiB.
    expect(Buffer.byteLength(JSON.stringify(bigEntry, null, 2).replace(/\n/g, '\n    '))).toBeGreaterThan(1024 * 1024);
    const env = { TENANTCTL_DATABASE_URL: database };
    const args = (q: HistoryQuery) => [...(q.limit ? ['--limit', String(q.limit)] : []), ...(q.user ? ['--user', q.user] : [])];
    for (const [i, q] of queries.entries()) {
      const text = await runCli(['history', ...args(q)], { env });
      expect(text.stderr).toBe('');
      expect(text.stdout).toBe(expected[i]!.text);
      const json = await runCli(['history', '--format', 'json', ...args(q)], { env });
      expect(json.stderr).toBe('');
      expect(json.stdout).toBe(expected[i]!.json);
    }
    // A reader that stops early: quietly, with a closed pipe's status, and the embedded database still opens.
    const head = spawnSync('/bin/bash', ['-c', `"${process.execPath}" dist/cmd/tenantctl.js history --format json | head -c 100 >/dev/null; echo "status \${PIPESTATUS[0]}"`], { cwd: ROOT, env: { ...process.env, TENANTCTL_DATABASE_URL: database, TENANTCTL_QUIET: '1' }, encoding: 'utf8' });
    expect(head.stderr).toBe('');
    expect(head.stdout).toMatch(/^status (0|141)\n$/);
    // Its whole output was compared above: the newest entry is enough to show the folder opens and reads alike.
    const again = await runCli(['history', '--limit', '1'], { env });
    expect(again.stderr).toBe('');
    expect(again.stdout).toBe(expected[3]!.text);
  });
});
