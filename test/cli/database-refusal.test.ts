// A database error that reaches the user is reported as one line, not a stack.
// PostgreSQL details a CHECK or NOT NULL failure with the whole failing row,
// which for a user holds its password hash: that row must not be printed.
import { PGlite } from '@electric-sql/pglite';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { reportFailure } from '../../cmd/failure.js';

const HASH = 'scrypt$32768$8$1$c2FsdA$aGFzaGhhc2hoYXNo';

describe('a database refusal', () => {
  const db = new PGlite();
  beforeAll(async () => {
    await db.exec(`CREATE TABLE users (user_principal_name text NOT NULL UNIQUE CHECK (user_principal_name = lower(user_principal_name)), password_hash text)`);
    await db.exec(`INSERT INTO users VALUES ('ann@contoso.com', NULL)`);
  });
  afterAll(() => db.close());
  afterEach(() => vi.restoreAllMocks());

  /** What reportFailure prints on stderr for the error the statement raises. */
  async function reported(sql: string, params: unknown[]): Promise<string> {
    const cause = await db.query(sql, params).then(
      () => expect.unreachable('the statement was accepted'),
      (e: unknown) => e,
    );
    const written: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (written.push(String(chunk)), true));
    expect(reportFailure(cause, false)).toBe(1);
    return written.join('');
  }

  it.each([
    ['a CHECK', `INSERT INTO users VALUES ($1, $2)`, ['Bob@contoso.com', HASH]],
    ['a NOT NULL', `INSERT INTO users VALUES ($1, $2)`, [null, HASH]],
  ])('names %s failure without the failing row, which holds the password hash', async (_, sql, params) => {
    const text = await reported(sql, params);
    expect(text).toMatch(/^Error: the database refused the change.*: the failing row is not shown, as it may hold a password hash; nothing was changed\n$/);
    expect(text).not.toContain(HASH);
    expect(text).not.toContain('c2FsdA');
  });

  it('still shows the detail of a duplicate key, which is what to fix', async () => {
    const text = await reported(`INSERT INTO users VALUES ($1, $2)`, ['ann@contoso.com', HASH]);
    expect(text).toContain('Key (user_principal_name)=(ann@contoso.com) already exists');
    expect(text).not.toContain(HASH);
  });
});
