// What `history` fetches is bounded by what it shows, not by the largest
// apply: an adoption of 100,000 users stores 123 million characters of
// changes and records 100,000 users written. Shown whole, such an apply's
// changes are fetched a few at a time (large-apply.ts); with --user, only
// that user's recorded writes are fetched (read-apply-writes.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openHistoryPages, PAGE_BYTES } from '../../src/audit/history-pages.js';
import { LARGE_ENTRY } from '../../src/audit/large-other-writes.js';
import { readApplyWrites } from '../../src/audit/read-apply-writes.js';
import { readHistory } from '../../src/audit/read-history.js';
import type { Database, Queryable } from '../../src/db/database.js';
import { historyJsonPieces } from '../../src/render/history-json.js';
import { historyTextPieces } from '../../src/render/history-text.js';
import { ENGINES } from '../support/engines.js';
import { applyContext, applyContoso, loadContosoCatalog } from '../drift/contoso-tenant.js';

async function joined(pieces: AsyncIterable<string>): Promise<string> {
  let text = '';
  for await (const piece of pieces) text += piece;
  return text;
}

/** `db`, noting each row fetched from the applies as its JSON's length, and the rows of queries on apply_writes. */
function counting(db: Database): { readonly db: Queryable; readonly sizes: number[]; readonly writeRows: Record<string, unknown>[] } {
  // What init and the catalog wrote (other_writes) is read by its own bounds (large-other-writes.ts).
  const sizes: number[] = [0];
  const writeRows: Record<string, unknown>[] = [];
  return {
    sizes,
    writeRows,
    db: {
      query: async <Row extends object>(sql: string, params?: readonly unknown[]) => {
        const rows = await db.query<Row>(sql, params);
        if (/applies|FETCH/.test(sql)) for (const row of rows) sizes.push(JSON.stringify(row).length);
        if (/FROM apply_writes w/.test(sql)) writeRows.push(...(rows as Record<string, unknown>[]));
        return rows;
      },
      exec: (sql: string) => db.exec(sql),
    },
  };
}

describe.each(ENGINES)('history fetches what it shows ($name database)', (engine) => {
  let db: Database;
  let changesBytes = 0;

  beforeAll(async () => {
    if (engine.skip) return;
    ({ db } = await engine.open('history-bounded-reads'));
    await loadContosoCatalog(db);
    await applyContoso(db, applyContext('alice', null));
    const [row] = await db.query<{ bytes: number }>('SELECT max(octet_length(changes::text))::int AS bytes FROM applies');
    changesBytes = row!.bytes;
    // Rows the writer may append by hand (sql/roles.sql): items that are no change, a change not in its shape, changes that are no list.
    for (const changes of [
      `[1, null, {"kind": "user.update"}, {"kind": "user.create", "userPrincipalName": "Megan.Bowen@contoso.com", "attributes": 7}, {"kind": "role.grant", "userPrincipalName": "megan.bowen@contoso.com", "role": "x"}]`,
      '{"kind": "user.delete", "userPrincipalName": "megan.bowen@contoso.com"}',
    ]) {
      await db.query(
        `INSERT INTO applies (actor, host, plan_hash, tool_version, summary, changes) VALUES ('carol', 'test-host', 'sha256:00', '0.0.0-test', '{}', $1::json)`,
        [changes],
      );
    }
  });
  afterAll(async () => {
    await db?.close();
  });

  it.skipIf(engine.skip)("fetches a large apply's changes a few at a time, and writes what the whole read writes", async () => {
    const whole = { text: await joined(historyTextPieces(await openHistoryPages(db, {}))), json: await joined(historyJsonPieces(await openHistoryPages(db, {}))) };
    const large = { bytes: changesBytes / 4, storedBytes: Number.MAX_SAFE_INTEGER, fetchRows: 2 };
    const text = counting(db);
    expect(await joined(historyTextPieces(await openHistoryPages(text.db, {}, PAGE_BYTES, LARGE_ENTRY, large)))).toBe(whole.text);
    const json = counting(db);
    expect(await joined(historyJsonPieces(await openHistoryPages(json.db, {}, PAGE_BYTES, LARGE_ENTRY, large)))).toBe(whole.json);
    // Two changes at most in any row: not the apply's changes in one.
    expect(changesBytes).toBeGreaterThan(10_000);
    expect(Math.max(...text.sizes, ...json.sizes)).toBeLessThan(changesBytes / 4);
    // Every apply read as a large one, the hand-written ones too.
    const all = { bytes: 0, storedBytes: 0, fetchRows: 1 };
    expect(await joined(historyTextPieces(await openHistoryPages(db, {}, PAGE_BYTES, LARGE_ENTRY, all)))).toBe(whole.text);
    expect(await joined(historyJsonPieces(await openHistoryPages(db, {}, PAGE_BYTES, LARGE_ENTRY, all)))).toBe(whole.json);
    expect(whole.text).toContain('not in the shape apply writes');
  });

  it.skipIf(engine.skip)('with --user, fetches what the database recorded the apply writing to that user alone', async () => {
    const user = 'megan.bowen@contoso.com';
    const reads = counting(db);
    const entry = (await readHistory(reads.db, { user })).find((e) => e.actor === 'alice');
    expect(entry).toBeDefined();
    // The apply wrote others too, whom the whole read fetches.
    expect((await readApplyWrites(db, [entry!.id])).get(entry!.id)!.users.size).toBeGreaterThan(5);
    const named = reads.writeRows.filter((row) => 'key' in row).map((row) => row.key);
    expect(named.length).toBeGreaterThan(0);
    expect(new Set(named)).toEqual(new Set([user]));
  });
});
