// One transaction outside tenantctl may write every user of a large tenant (an
// owner's `UPDATE users SET department = …`): 400,000 rows, which history held
// at once (3.3 GB) though the server sent them in parts. Past a budget
// (large-other-writes.ts, made small here) such an entry is counted by the
// server and its rows read a part at a time: the JSON is byte for byte the
// same, the text counts the rows per table and column and lists the first.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openHistoryPages } from '../../src/audit/history-pages.js';
import { LARGE_ENTRY, type LargeEntryBudget } from '../../src/audit/large-other-writes.js';
import { readHistory } from '../../src/audit/read-history.js';
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

const SMALL: LargeEntryBudget = { rows: 3, bytes: LARGE_ENTRY.bytes, partRows: 2, partBytes: LARGE_ENTRY.partBytes, listed: 2 };

/** The database, with the most writes any one query result sent recorded. */
function counting(db: Queryable): { db: Queryable; most: () => number } {
  let most = 0;
  return {
    db: {
      query: async (sql, params) => {
        const rows = await db.query(sql, params);
        for (const row of rows as { writes?: unknown }[]) {
          if (typeof row.writes === 'string') most = Math.max(most, (JSON.parse(row.writes) as unknown[]).length);
        }
        return rows;
      },
      exec: (sql) => db.exec(sql),
    },
    most: () => most,
  };
}

describe.each(ENGINES)('history of one large transaction outside tenantctl ($name database)', (engine) => {
  let db: Database;
  let users = 0;

  beforeAll(async () => {
    if (engine.skip) return;
    ({ db } = await engine.open('large-other-writes'));
    await loadContosoCatalog(db);
    await applyContoso(db, applyContext('alice', null));
    await tamper(db);
    await db.transaction(async (tx) => {
      await tx.query(`UPDATE users SET department = 'Reorg ' || split_part(user_principal_name, '@', 1)`);
      await tx.query(`UPDATE users SET account_enabled = false WHERE user_principal_name LIKE 'a%'`);
    });
    [{ users }] = (await db.query<{ users: number }>('SELECT count(*)::int AS users FROM users')) as [{ users: number }];
  });
  afterAll(async () => {
    await db?.close();
  });

  it.skipIf(engine.skip)('writes the same JSON, no query sending more than a part of its rows', async () => {
    const expected = renderHistoryJson(await readHistory(db), null, await readOtherWrites(db));
    for (const budget of [SMALL, { ...SMALL, partBytes: 1 }]) {
      const reads = counting(db);
      expect(await joined(historyJsonPieces(await openHistoryPages(reads.db, {}, undefined, budget)))).toBe(expected);
      expect(reads.most()).toBeGreaterThan(0);
      expect(reads.most()).toBeLessThanOrEqual(budget.partBytes === 1 ? 1 : 2);
    }
    // Under the budget every entry is read whole, as before.
    expect(await joined(historyJsonPieces(await openHistoryPages(db, {})))).toBe(expected);
  });

  it.skipIf(engine.skip)('counts its rows per table and column in the text and lists the first, the other entries as before', async () => {
    const reads = counting(db);
    const text = await joined(historyTextPieces(await openHistoryPages(reads.db, {}, undefined, SMALL)));
    const whole = renderHistoryText(await readHistory(db), null, await readOtherWrites(db)).split('\n\n');
    const blocks = text.split('\n\n');
    const large = blocks.findIndex((block) => block.includes('in one transaction'));
    const blocked = users - (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM users WHERE user_principal_name LIKE 'a%'`))[0]!.n;
    expect(users - blocked).toBe(1);
    expect(blocks[large]!.split('\n').slice(0, 7)).toEqual([
      expect.stringMatching(new RegExp(`^outside tenantctl .* by database role \\S+ — changed ${users} users: ${2 * users - blocked} rows in one transaction$`)),
      `  counted: ${2 * users - blocked} updates of users (department: ${users}, sign-in: ${users - blocked})`,
      // One user blocked, past the first two: a kind counted no more often than the text lists, so shown.
      `  ! of a kind counted 2 times or fewer above, the ${users - blocked} row past the first 2:`,
      expect.stringMatching(/^ {2}~ a\S+@contoso\.com \(updated\)$/),
      '      ~ sign-in: allowed → blocked',
      `  ! too many rows to list here: the first 2 follow, the other ${2 * users - blocked - 2} are counted above; history --format json lists them all`,
      expect.stringMatching(/^ {2}~ \S+@contoso\.com \(updated\)$/),
    ]);
    expect(blocks[large]!.match(/~ department: /g)).toHaveLength(2);
    expect(reads.most()).toBeLessThanOrEqual(2);
    // The large entry is the newest; init's catalog (more rows than this budget) is counted too; every other block is the whole reads' own.
    expect(large).toBe(0);
    expect(blocks).toHaveLength(whole.length);
    const listedWhole = blocks.filter((block) => !block.includes(' in one transaction\n'));
    expect(listedWhole.length).toBeGreaterThan(1);
    for (const block of listedWhole) expect(whole).toContain(block);
  });
});
