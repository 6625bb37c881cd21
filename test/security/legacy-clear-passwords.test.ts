// Before migration 0003 (sealed credentials) the outbox kept temporary
// passwords in the clear, in credential_notifications.temporary_password.
// 0003 dropped that column, but a dropped column's values stay in the rows,
// and so in the table's files, until the table is rewritten: init rewrites
// it once it has run 0003 on a database that had the column.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listMigrations, migrate } from '../../src/db/migrate.js';
import { openDatabase } from '../../src/db/open-database.js';
import { tempDir } from '../support/cli.js';
import { describePostgres, postgresTestUrl } from '../support/postgres.js';

const CLEAR = 'Qv7#Legacy!Pw2016';

/** The files of an embedded database folder that hold `needle`, its WAL included: the folder is tenantctl's, copied and backed up whole. */
function tableFilesHolding(folder: string, needle: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        walk(file);
      } else if (entry.isFile() && fs.readFileSync(file).includes(needle)) found.push(path.relative(folder, file));
    }
  };
  walk(folder);
  return found;
}

describe('a database from before sealed credentials', () => {
  const dir = tempDir('tenantctl-legacy-clear-');
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('keeps no queued clear-text password in its table files once init has migrated it', { timeout: 120_000 }, async () => {
    const folder = path.join(dir, 'db');
    const open = (create = false) => openDatabase({ url: folder, actor: 'test', lockTimeoutMs: 1000, create });
    const old = await open(true);
    try {
      await migrate(old, listMigrations().filter((m) => m.version <= 2));
      await old.exec(`INSERT INTO domains (name, verified, is_default) VALUES ('contoso.com', true, true)`);
      await old.exec(`INSERT INTO users (user_principal_name, display_name, mail_nickname) VALUES ('old.timer@contoso.com', 'Old Timer', 'old.timer')`);
      await old.exec(`INSERT INTO applies (actor, host, plan_hash, tool_version, summary, changes) VALUES ('a', 'h', 'x', '0.1', '{}', '[]')`);
      await old.query(
        `INSERT INTO credential_notifications (apply_id, user_id, user_principal_name, recipients, temporary_password)
         SELECT a.id, u.id, u.user_principal_name, '{it-desk@contoso.com}', $1 FROM applies a, users u`,
        [CLEAR],
      );
      await old.exec('CHECKPOINT');
      expect(tableFilesHolding(folder, CLEAR).length).toBeGreaterThan(0);
    } finally {
      await old.close();
    }
    const db = await open();
    try {
      expect((await migrate(db)).from).toBe(2);
      // The notification is still queued, for deliver to report as needing a reset.
      const [row] = await db.query<{ last_error: string }>('SELECT last_error FROM credential_notifications');
      expect(row?.last_error).toMatch(/erased when tenantctl began sealing credentials/);
      await db.exec('CHECKPOINT');
    } finally {
      await db.close();
    }
    expect(tableFilesHolding(folder, CLEAR)).toEqual([]);
  });
});

describePostgres('a PostgreSQL database from before sealed credentials', () => {
  it('has its outbox table rewritten once, by the one of two concurrent inits that migrated it', { timeout: 120_000 }, async () => {
    const url = await postgresTestUrl('legacy_clear');
    const open = () => openDatabase({ url: url!, actor: 'test', lockTimeoutMs: 5000 });
    const old = await open();
    try {
      await migrate(old, listMigrations().filter((m) => m.version <= 2));
      await old.exec(`INSERT INTO tenantctl.domains (name, verified, is_default) VALUES ('contoso.com', true, true)`);
      await old.exec(`INSERT INTO tenantctl.users (user_principal_name, display_name, mail_nickname) VALUES ('old.timer@contoso.com', 'Old Timer', 'old.timer')`);
      await old.exec(`INSERT INTO tenantctl.applies (actor, host, plan_hash, tool_version, summary, changes) VALUES ('a', 'h', 'x', '0.1', '{}', '[]')`);
      await old.query(
        `INSERT INTO tenantctl.credential_notifications (apply_id, user_id, user_principal_name, recipients, temporary_password)
         SELECT a.id, u.id, u.user_principal_name, '{it-desk@contoso.com}', $1 FROM tenantctl.applies a, tenantctl.users u`,
        [CLEAR],
      );
    } finally {
      await old.close();
    }
    const filenode = async (db: Awaited<ReturnType<typeof open>>) =>
      (await db.query<{ node: string }>(`SELECT pg_relation_filenode('tenantctl.credential_notifications')::text AS node`))[0]?.node;
    const [one, two] = [await open(), await open()];
    try {
      const before = await filenode(one);
      const results = await Promise.all([migrate(one), migrate(two)]);
      expect(results.map((r) => r.from).sort()).toEqual([2, listMigrations().at(-1)!.version]);
      expect(await filenode(one)).not.toBe(before);
      const [row] = await one.query<{ last_error: string }>('SELECT last_error FROM tenantctl.credential_notifications');
      expect(row?.last_error).toMatch(/erased when tenantctl began sealing credentials/);
    } finally {
      await one.close();
      await two.close();
    }
  });
});
