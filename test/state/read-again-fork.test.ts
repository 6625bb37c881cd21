// A database that forked between apply's read and its lock (restored from a
// copy, failed over to a standby that lost commits) hands out the lost
// transactions' ids again: a row written anew can get back the version the
// read saw (xmin and ctid) with other data in it. The digest apply compares
// under the lock (migration 0022) also holds when the server started, which
// the forked database cannot share: the directory is read again in full.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { openDatabase } from '../../src/db/open-database.js';
import { keepRowVersions, readState, readStateAgain } from '../../src/state/read-state.js';

const UPN = 'joep.devries@contoso.com';
const open = (folder: string) => openDatabase({ url: folder, actor: 'test', lockTimeoutMs: 1000 });
const version = async (db: Database) =>
  (await db.query<{ version: string }>(`SELECT xmin::text || ctid::text AS version FROM users WHERE user_principal_name = $1`, [UPN]))[0]?.version;

describe('reading the directory again after the database forked (embedded)', () => {
  const dir = fs.mkdtempSync(path.join(inject('contosoTemplates').scratch, 'fork-'));
  afterAll(() => {
    keepRowVersions(false);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reads in full when a row has the version the read saw but other data', async () => {
    const live = path.join(dir, 'live');
    const copy = path.join(dir, 'copy');
    fs.cpSync(inject('contosoTemplates').migrated, live, { recursive: true });
    let db = await open(live);
    await db.query(`INSERT INTO domains (name, verified, is_default) VALUES ('contoso.com', true, true)`);
    await db.query(`INSERT INTO users (user_principal_name, display_name, mail_nickname, usage_location, city) VALUES ($1, 'Joep', 'joep.devries', 'NL', 'Amsterdam')`, [UPN]);
    await db.close();
    fs.cpSync(live, copy, { recursive: true });

    db = await open(live);
    await db.query(`UPDATE users SET city = 'Utrecht' WHERE user_principal_name = $1`, [UPN]);
    keepRowVersions();
    const first = await readState(db);
    const seen = await version(db);
    await db.close();

    // The fork: the copy from before the write, written anew.
    fs.rmSync(live, { recursive: true, force: true });
    fs.cpSync(copy, live, { recursive: true });
    db = await open(live);
    try {
      await db.query(`UPDATE users SET city = 'Rotterdam', account_enabled = false WHERE user_principal_name = $1`, [UPN]);
      // The same version, other data: what the rows' versions alone could not tell apart.
      expect(await version(db)).toBe(seen);
      const again = await db.transaction((tx) => readStateAgain(tx));
      expect(again).not.toBe(first);
      expect(again.users.get(UPN)?.attributes.city).toBe('Rotterdam');
      expect(again.users.get(UPN)?.accountEnabled).toBe(false);
    } finally {
      await db.close();
    }
  });
});
