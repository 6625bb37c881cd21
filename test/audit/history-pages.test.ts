// `history` writes the trail out a page at a time (src/audit/history-pages.ts):
// a trail of a dozen applies of 100,000 changes each, read whole, passed the
// heap's 4 GB, and its JSON passed V8's largest string. Paged, the text and
// the JSON are byte for byte what the whole reads render, and the pages are
// read as they are written out, one ahead at most.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { followUser } from '../../src/audit/follow-user.js';
import { openHistoryPages, PAGE_BYTES } from '../../src/audit/history-pages.js';
import { LARGE_APPLY, type LargeApplyBudget } from '../../src/audit/large-apply.js';
import { LARGE_ENTRY } from '../../src/audit/large-other-writes.js';
import { readHistory, type HistoryQuery } from '../../src/audit/read-history.js';
import { readOtherWrites } from '../../src/audit/read-other-writes.js';
import type { Database, Queryable } from '../../src/db/database.js';
import { historyJsonPieces, renderHistoryJson } from '../../src/render/history-json.js';
import { historyTextPieces, renderHistoryText } from '../../src/render/history-text.js';
import { ENGINES } from '../support/engines.js';
import { applyContext, applyContoso, loadContosoCatalog, tamper } from '../drift/contoso-tenant.js';

async function joined(pieces: AsyncIterable<string>): Promise<string> {
  let text = '';
  for await (const piece of pieces) text += piece;
  return text;
}

/** What readHistory and readOtherWrites give, rendered whole: what history printed before it read in pages. */
async function whole(db: Queryable, query: HistoryQuery): Promise<{ text: string; json: string }> {
  const followed = query.user ? await followUser(db, query.user) : null;
  const entries = await readHistory(db, { ...query, followed });
  const others = await readOtherWrites(db, query);
  const user = query.user ?? null;
  return { text: renderHistoryText(entries, user, others, query.limit ?? null, query.since ?? null, followed), json: renderHistoryJson(entries, user, others) };
}

async function paged(db: Queryable, query: HistoryQuery, pageBytes: number, largeApply: LargeApplyBudget = LARGE_APPLY): Promise<{ text: string; json: string }> {
  const followed = query.user ? await followUser(db, query.user) : null;
  const user = query.user ?? null;
  const open = () => openHistoryPages(db, { ...query, followed }, pageBytes, LARGE_ENTRY, largeApply);
  const text = await joined(historyTextPieces(await open(), user, query.since ?? null, followed));
  const json = await joined(historyJsonPieces(await open(), user));
  return { text, json };
}

const QUERIES: readonly HistoryQuery[] = [
  {},
  { limit: 1 },
  { limit: 4 },
  { since: new Date('2016-01-04T09:15:00Z') },
  { since: new Date(Date.now() + 86_400_000) },
  { user: 'megan.bowen@contoso.com' },
  { user: 'Alex.Wilber@contoso.com', limit: 2 },
  { user: 'nobody@contoso.com' },
];

describe.each(ENGINES)('history read in pages ($name database)', (engine) => {
  let db: Database;

  beforeAll(async () => {
    if (engine.skip) return;
    ({ db } = await engine.open('history-pages'));
    await loadContosoCatalog(db);
    await applyContoso(db, applyContext('alice', 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678'));
    // Writes outside tenantctl between the applies (other_writes).
    await tamper(db);
    await applyContoso(db, applyContext('bob', null));
    // Thirteen applies in all: ids 10 to 13 sort before 2 as text, and the list must not.
    for (let n = 3; n <= 13; n++) {
      await db.query(
        `INSERT INTO applies (actor, host, plan_hash, tool_version, summary, changes)
         VALUES ('carol', 'test-host', 'sha256:00', '0.0.0-test', '{}', json_build_array(json_build_object('kind', 'user.update', 'userPrincipalName', $1::text)))`,
        [n % 2 === 1 ? 'megan.bowen@contoso.com' : 'alex.wilber@contoso.com'],
      );
      if (n % 4 === 0) await db.query(`UPDATE users SET job_title = $1 WHERE user_principal_name = 'alex.wilber@contoso.com'`, [`Title ${n}`]);
    }
  });
  afterAll(async () => {
    await db?.close();
  });

  it.skipIf(engine.skip)('writes the same text and JSON as the whole reads, one apply a page or many', async () => {
    for (const query of QUERIES) {
      const expected = await whole(db, query);
      expect(await paged(db, query, 1)).toEqual(expected);
      expect(await paged(db, query, PAGE_BYTES)).toEqual(expected);
      // Every apply read as a large one (large-apply.ts), its changes fetched one or a few at a time.
      expect(await paged(db, query, PAGE_BYTES, { bytes: 0, storedBytes: Number.MAX_SAFE_INTEGER, fetchRows: 1 })).toEqual(expected);
      // Large by their stored size alone, not measured as text.
      expect(await paged(db, query, 1, { bytes: Number.MAX_SAFE_INTEGER, storedBytes: 0, fetchRows: 3 })).toEqual(expected);
    }
    const all = await whole(db, {});
    expect(all.text).toMatch(/^#13 /);
    expect(all.text).toContain('Title 12');
  });

  it.skipIf(engine.skip)('reads the next page only once the one before has arrived, and each entry once', async () => {
    let pagesRead = 0;
    const counting: Queryable = {
      query: async (sql, params) => {
        // A page: readHistory's changes by id, or readOtherWrites' entries by first row (history-pages.ts).
        if (/\$8::bigint\[\] IS NULL OR a\.id = ANY/.test(sql) && params?.[7] !== null) pagesRead++;
        if (/\$4::bigint\[\] IS NULL OR w\.transaction_id/.test(sql) && params?.[3] !== null) pagesRead++;
        return db.query(sql, params);
      },
      exec: (sql) => db.exec(sql),
    };
    const pages = await openHistoryPages(counting, {}, 1);
    expect(pagesRead).toBe(0);
    let yielded = 0;
    for await (const _ of pages.timeline()) {
      yielded++;
      // This entry's page, and the next one asked for while this one is written out.
      expect(pagesRead).toBeLessThanOrEqual(yielded + 1);
    }
    expect(yielded).toBe(pages.timelineCount);
    expect(pagesRead).toBe(pages.timelineCount);
  });
});
