import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { listMigrations, migrate } from '../../src/db/migrate.js';
import { openDatabase } from '../../src/db/open-database.js';
import { ENGINES } from '../support/engines.js';
import { postgresTestUrl } from '../support/postgres.js';

/** The UPN check as migration 0001 wrote it, which 0009 replaced by a cheaper form of the same rule. */
const CHECK_0001 = `char_length(user_principal_name) <= 113
  AND user_principal_name ~ '^[A-Za-z0-9''._!#^~-]{1,64}@[A-Za-z0-9.-]{1,48}$'
  AND user_principal_name !~ '\\.@'`;

// Characters at the edges of the rule: every allowed punctuation mark, a second
// "@", a dot before it, letters outside ASCII, a space, a line break.
const char = fc.constantFrom('a', 'Z', '0', '.', '-', '_', "'", '!', '#', '^', '~', '@', 'é', ' ', '+', '\n');
const text = (max: number) => fc.array(char, { maxLength: max }).map((cs) => cs.join(''));
const repeated = (c: string) => fc.integer({ min: 0, max: 70 }).map((n) => c.repeat(n));
const candidate = fc.oneof(
  text(12),
  fc.tuple(text(8), text(8)).map(([local, domain]) => `${local}@${domain}`),
  // Around the length limits: 64 before "@", 48 after it, 113 in all.
  fc.tuple(repeated('a'), fc.constantFrom('', '.', '-', '@'), repeated('b'), fc.constantFrom('', '.c', '-', '\n')).map(
    ([local, joint, domain, tail]) => `${local}${joint}@${domain}${tail}`,
  ),
);
const EDGES = [
  `${'a'.repeat(64)}@${'b'.repeat(48)}`,
  `${'a'.repeat(65)}@${'b'.repeat(48)}`,
  `${'a'.repeat(64)}@${'b'.repeat(49)}`,
  '@b', 'a@', 'a@b', 'a.@b', 'a@.b', 'a@@b', 'a@b@c', 'a@b\n', 'é@b', '',
];

async function freshDatabase(engine: (typeof ENGINES)[number], label: string): Promise<Database> {
  if (engine.name === 'embedded') return openDatabase({ url: 'memory://', actor: 'test', lockTimeoutMs: 1000 });
  const url = await postgresTestUrl(label);
  if (!url) throw new Error('PostgreSQL is not available');
  return openDatabase({ url, actor: 'test', lockTimeoutMs: 1000 });
}

const insertUser = (db: Database, upn: string) =>
  db.query(`INSERT INTO users (user_principal_name, display_name, mail_nickname) VALUES ($1, 'x', 'x')`, [upn]);

describe.each(ENGINES)('the users table\'s UPN check (migration 0009, $name database)', (engine) => {
  let db: Database | undefined;
  afterEach(async () => {
    await db?.close();
    db = undefined;
  });

  it.skipIf(engine.skip)('accepts exactly the UPNs that 0001\'s check accepted', async () => {
    db = await freshDatabase(engine, 'upn_check_same');
    await migrate(db);
    const [constraint] = await db.query<{ expr: string }>(
      `SELECT pg_get_expr(conbin, conrelid) AS expr FROM pg_constraint
        WHERE conrelid = 'users'::regclass AND conname = 'users_user_principal_name_check'`,
    );
    expect(constraint?.expr).toContain('strpos');
    const upns = [...EDGES, ...fc.sample(candidate, { numRuns: 4000, seed: 9 })];
    const rows = await db.query<{ upn: string; before: boolean; now: boolean }>(
      `SELECT user_principal_name AS upn, (${CHECK_0001}) AS before, (${constraint?.expr}) AS now
         FROM unnest($1::text[]) AS t(user_principal_name)`,
      [upns],
    );
    expect(rows).toHaveLength(upns.length);
    // Both kinds of answer occur, so the comparison can fail.
    expect(rows.filter((r) => r.before).length).toBeGreaterThan(100);
    expect(rows.filter((r) => !r.before).length).toBeGreaterThan(100);
    expect(rows.filter((r) => r.before !== r.now)).toEqual([]);
  });

  it.skipIf(engine.skip)('is enforced on an existing database migrated from 0008, whose rows stay', async () => {
    db = await freshDatabase(engine, 'upn_check_migrated');
    await migrate(db, listMigrations().filter((m) => m.version <= 8));
    await db.query(`INSERT INTO domains (name, verified, is_default) VALUES ('contoso.com', true, true)`);
    await insertUser(db, 'joep@contoso.com');
    expect(await migrate(db, listMigrations().filter((m) => m.version <= 9))).toMatchObject({ from: 8, applied: ['0009_cheaper_row_writes'] });

    expect(await db.query('SELECT user_principal_name FROM users')).toEqual([{ user_principal_name: 'joep@contoso.com' }]);
    await insertUser(db, `${'a'.repeat(64)}@contoso.com`);
    await expect(insertUser(db, `${'a'.repeat(65)}@contoso.com`)).rejects.toThrow(/users_user_principal_name_check/);
    await expect(insertUser(db, 'joep.@contoso.com')).rejects.toThrow(/users_user_principal_name_check/);
    await expect(db.query(`UPDATE users SET user_principal_name = 'a@b@contoso.com'`)).rejects.toThrow(/users_user_principal_name_check/);

    // lz4 where the server has it (PostgreSQL here), pglz on PGlite, which lacks it.
    const [column] = await db.query<{ method: string }>(
      `SELECT attcompression::text AS method FROM pg_attribute WHERE attrelid = 'applies'::regclass AND attname = 'changes'`,
    );
    expect(column?.method).toBe(engine.name === 'postgres' ? 'l' : '');
    const [table] = await db.query<{ options: string[] }>(`SELECT reloptions AS options FROM pg_class WHERE oid = 'users'::regclass`);
    expect(table?.options).toEqual(['fillfactor=50']);
  });
});
