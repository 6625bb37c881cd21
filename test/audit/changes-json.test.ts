import { afterEach, describe, expect, it } from 'vitest';
import { readHistory } from '../../src/audit/read-history.js';
import type { Database } from '../../src/db/database.js';
import { listMigrations, migrate } from '../../src/db/migrate.js';
import { openDatabase } from '../../src/db/open-database.js';
import { ENGINES } from '../support/engines.js';
import { postgresTestUrl } from '../support/postgres.js';

/** A change as an apply before migration 0008 recorded it, with a hostile value. */
/** As a plan of format 1.0 counted them: no restore or rename yet. */
const OLD_SUMMARY = { create: 0, update: 1, delete: 0, seatsToPurchase: 0, byKind: { 'user.adopt': 1 } };

const OLD_CHANGES = [
  {
    kind: 'user.adopt',
    userPrincipalName: 'joep@contoso.com',
    userId: '00000000-0000-4000-8000-000000000001',
    address: 'user.adopt:joep@contoso.com',
    risks: [],
    before: { displayName: 'Joep "de" Vries \u2028 ##[x]', businessPhones: ['+31 20 555 0100'] },
    after: { displayName: 'Joep "de" Vries \u2028 ##[x]', businessPhones: ['+31 20 555 0100'] },
  },
];

/** An empty database on each engine, not yet migrated. */
async function emptyDatabase(engine: (typeof ENGINES)[number]): Promise<Database> {
  if (engine.name === 'embedded') return openDatabase({ url: 'memory://', actor: 'test', lockTimeoutMs: 1000 });
  const url = await postgresTestUrl('audit_changes_json');
  if (!url) throw new Error('PostgreSQL is not available');
  return openDatabase({ url, actor: 'test', lockTimeoutMs: 1000 });
}

describe.each(ENGINES)('the audit trail\'s changes as json (migration 0008, $name database)', (engine) => {
  let db: Database | undefined;
  afterEach(async () => {
    await db?.close();
    db = undefined;
  });

  it.skipIf(engine.skip)('keeps an apply recorded as jsonb before the migration readable, and stores new ones as written', async () => {
    db = await emptyDatabase(engine);
    await migrate(db, listMigrations().filter((m) => m.version <= 7));
    await db.query(
      `INSERT INTO applies (actor, host, plan_hash, tool_version, summary, changes)
       VALUES ('alice', 'old-host', 'hash-1', '0.0.9', $2::jsonb, $1::jsonb)`,
      [JSON.stringify(OLD_CHANGES), JSON.stringify(OLD_SUMMARY)],
    );
    const migrated = await migrate(db);
    expect(migrated).toMatchObject({ from: 7 });
    expect(migrated.applied[0]).toBe('0008_audit_changes_json');

    const [old] = await readHistory(db);
    expect(old?.changes).toEqual(OLD_CHANGES);
    expect(old?.summary).toEqual(OLD_SUMMARY);

    // Written after the migration: kept as the text sent, fields in the plan's order.
    const text = JSON.stringify([{ kind: 'user.adopt', userPrincipalName: 'lotte@contoso.com', address: 'user.adopt:lotte@contoso.com', risks: [] }]);
    await db.query(
      `INSERT INTO applies (actor, host, plan_hash, tool_version, summary, changes)
       VALUES ('bob', 'new-host', 'hash-2', '0.1.0', '{}'::jsonb, $1::json)`,
      [text],
    );
    const [stored] = await db.query<{ text: string; type: string }>(
      `SELECT changes::text AS text, pg_typeof(changes)::text AS type FROM applies WHERE actor = 'bob'`,
    );
    expect(stored).toEqual({ text, type: 'json' });
    const [latest, first] = await readHistory(db);
    expect(latest?.changes).toEqual(JSON.parse(text));
    expect(first?.changes).toEqual(OLD_CHANGES);
  });
});
