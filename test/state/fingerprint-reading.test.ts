// Apply reads the directory again under the lock; the fingerprint reuses the
// users' hashes only when that read's texts are those of the last one hashed.
import { afterAll, describe, expect, it } from 'vitest';
import type { Catalog } from '../../src/catalog/catalog.js';
import type { Database } from '../../src/db/database.js';
import { fingerprint } from '../../src/plan/fingerprint.js';
import { keepReadingTexts, readState } from '../../src/state/read-state.js';
import { ENGINES } from '../support/engines.js';

const catalog = { domains: [], subscriptions: [] } as unknown as Catalog;

describe.each(ENGINES)('fingerprint of a directory read again ($name)', (engine) => {
  let db: Database | undefined;
  afterAll(async () => {
    keepReadingTexts(false);
    await db?.close();
  });

  it.skipIf(engine.skip)('is reused for the same rows and sees a change of the same length', async () => {
    ({ db } = await engine.open('fingerprint-reading'));
    await db.query(`INSERT INTO domains (name, verified, is_default) VALUES ('contoso.com', true, true)`);
    for (const [upn, city] of [['a@contoso.com', 'Amsterdam'], ['b@contoso.com', 'Zürich']]) {
      await db.query(`INSERT INTO users (user_principal_name, display_name, mail_nickname, usage_location, city) VALUES ($1, $1, split_part($1, '@', 1), 'NL', $2)`, [upn, city]);
    }
    // Until a command asks (apply does), reads keep no texts and every fingerprint hashes.
    const unkept = fingerprint(await readState(db), catalog);
    expect(fingerprint(await readState(db), catalog).users).not.toBe(unkept.users);
    keepReadingTexts();
    const first = fingerprint(await readState(db), catalog);
    expect(first.users).toEqual(unkept.users);
    const again = fingerprint(await readState(db), catalog);
    expect(again.users).toBe(first.users);

    // Same length, same timestamps: only the texts tell the rows apart.
    await db.query(`ALTER TABLE users DISABLE TRIGGER USER`);
    await db.query(`UPDATE users SET city = 'Amsterdaz' WHERE user_principal_name = 'a@contoso.com'`);
    await db.query(`ALTER TABLE users ENABLE TRIGGER USER`);
    const changed = await readState(db);
    const after = fingerprint(changed, catalog);
    expect(after.users['a@contoso.com']).not.toBe(first.users['a@contoso.com']);
    expect(after.users['b@contoso.com']).toBe(first.users['b@contoso.com']);
    // A state that was not read from the database is hashed, never matched by text.
    expect(fingerprint({ users: changed.users }, catalog).users).toEqual(after.users);
  });
});
