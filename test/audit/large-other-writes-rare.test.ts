// An owner hides a role grant, a replaced password hash and a redirected
// credential among thousands of department updates in one transaction: the
// text of such a large entry counted them (`1 insert into user_roles`) and
// listed only the first rows, so whose role, which role and which mailbox
// were in the JSON alone. The rows of every kind counted no more than the
// text lists are shown too, wherever they fall.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openHistoryPages } from '../../src/audit/history-pages.js';
import { LARGE_ENTRY, type LargeEntryBudget } from '../../src/audit/large-other-writes.js';
import type { Database } from '../../src/db/database.js';
import { historyTextPieces } from '../../src/render/history-text.js';
import { ENGINES } from '../support/engines.js';
import { applyContext, applyContoso, loadContosoCatalog } from '../drift/contoso-tenant.js';

const BUDGET: LargeEntryBudget = { rows: 50, bytes: LARGE_ENTRY.bytes, partRows: 20, partBytes: LARGE_ENTRY.partBytes, listed: 5 };
const GLOBAL_ADMINISTRATOR = '62e90394-69f5-4237-9190-012177145e10';

async function joined(pieces: AsyncIterable<string>): Promise<string> {
  let text = '';
  for await (const piece of pieces) text += piece;
  return text;
}

describe.each(ENGINES)('history of a large transaction hiding rare writes ($name database)', (engine) => {
  let db: Database;

  beforeAll(async () => {
    if (engine.skip) return;
    ({ db } = await engine.open('large-other-writes-rare'));
    await loadContosoCatalog(db);
    await applyContoso(db, applyContext('alice', null));
    await db.transaction(async (tx) => {
      for (let i = 0; i < 10; i++) await tx.query(`UPDATE users SET department = 'Reorg ${i}'`);
      await tx.query(`UPDATE users SET password_hash = 'scrypt$chosen' WHERE user_principal_name = 'megan.bowen@contoso.com'`);
      await tx.query(`INSERT INTO user_roles (user_id, role_template_id) SELECT id, $1 FROM users WHERE user_principal_name = 'fenna.deboer@contoso.com'`, [GLOBAL_ADMINISTRATOR]);
      await tx.query(`UPDATE credential_notifications SET recipients = '{evil@attacker.example}' WHERE id = (SELECT min(id) FROM credential_notifications)`);
    });
  });
  afterAll(async () => {
    await db?.close();
  });

  it.skipIf(engine.skip)('names whose role, password hash and credential the rare rows changed', async () => {
    const text = await joined(historyTextPieces(await openHistoryPages(db, {}, undefined, BUDGET)));
    const block = text.split('\n\n')[0]!;
    expect(block).toMatch(/ in one transaction\n/);
    expect(block).toContain('  counted: 1 insert into user_roles\n');
    expect(block).toContain('  ! of a kind counted 5 times or fewer above, the 3 rows past the first 5:\n');
    expect(block).toMatch(/~ megan\.bowen@contoso\.com \(updated\)\n {6}~ passwordHash: /);
    expect(block).toMatch(/~ fenna\.deboer@contoso\.com \(updated\)\n {6}\+ role: Global administrator\n/);
    expect(block).toContain('recipients: ["');
    expect(block).toContain('→ ["evil@attacker.example"]');
    // The bulk itself is still only counted past its first rows.
    expect(block.match(/~ department: /g)).toHaveLength(5);
  });
});
