// tenantctl's tables live in the schema `tenantctl`, whatever search_path the
// connecting role would otherwise use (INTERFACE.md, "The database").
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import pg, { escapeIdentifier } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { listMigrations, migrate } from '../../src/db/migrate.js';
import { openDatabase } from '../../src/db/open-database.js';
import { runCli, tempDir } from '../support/cli.js';
import { ENGINES } from '../support/engines.js';
import { describePostgres, postgresTestUrl } from '../support/postgres.js';
import { contosoPostgres } from '../support/contoso-database.js';

const CATALOG = 'examples/contoso/catalog.yaml';

async function schemasOf(db: Database, table: string): Promise<string[]> {
  const rows = await db.query<{ schema: string }>(
    'SELECT table_schema AS schema FROM information_schema.tables WHERE table_name = $1 ORDER BY 1',
    [table],
  );
  return rows.map((r) => r.schema);
}

describe.each(ENGINES)('the tenantctl schema ($name database)', (engine) => {
  let db: Database;

  beforeAll(async () => {
    if (!engine.skip) db = (await engine.open('tenantctl_schema')).db;
  });
  afterAll(async () => {
    await db?.close();
  });

  it.skipIf(engine.skip)('holds every table, schema_migrations included, and nothing lands in public', async () => {
    for (const table of ['schema_migrations', 'users', 'applies', 'credential_notifications']) {
      expect(await schemasOf(db, table)).toEqual(['tenantctl']);
    }
    const [publicTables] = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public'`,
    );
    expect(publicTables?.n).toBe(0);
  });

  it.skipIf(engine.skip)('a database from before the schema existed has its tables and data moved in by init', async () => {
    // The first two migrations, run the way tenantctl 0.1 ran them: into public.
    const legacy = engine.name === 'postgres' ? await postgresTestUrl('legacy_public') : null;
    const old = await openDatabase({ url: legacy ?? 'memory://', actor: 'test', lockTimeoutMs: 1000 });
    try {
      await old.exec('SET search_path TO public');
      await old.exec('CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())');
      for (const m of listMigrations().filter((m) => m.version <= 2)) {
        await old.exec(m.sql);
        await old.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
      }
      await old.exec(`INSERT INTO domains (name, verified, is_default) VALUES ('contoso.com', true, true)`);
      await old.exec(`INSERT INTO users (user_principal_name, display_name, mail_nickname) VALUES ('old.timer@contoso.com', 'Old Timer', 'old.timer')`);
      await old.exec('SET search_path TO tenantctl, pg_temp');
      const result = await migrate(old);
      expect(result.from).toBe(2);
      expect(await schemasOf(old, 'users')).toEqual(['tenantctl']);
      expect(await old.query('SELECT user_principal_name FROM users')).toEqual([{ user_principal_name: 'old.timer@contoso.com' }]);
      // The seat-counting trigger function moved with its table and still works.
      await old.exec(`INSERT INTO subscriptions (sku, product_name, seats, unit_price, currency) VALUES ('E3', 'E3', 2, 1, 'USD')`);
      await old.exec(`INSERT INTO license_assignments (user_id, sku) SELECT id, 'E3' FROM users`);
      expect(await old.query('SELECT consumed FROM subscriptions')).toEqual([{ consumed: 1 }]);
    } finally {
      await old.close();
    }
  });
});

describe('the embedded database keeps its tables in the tenantctl schema on disk', () => {
  it('a plain PGlite session sees them only under tenantctl', async () => {
    const dir = tempDir();
    try {
      const database = path.join(dir, 'db');
      expect((await runCli(['init', '--catalog', CATALOG], { env: { TENANTCTL_DATABASE_URL: database } })).code).toBe(0);
      const raw = new PGlite(database);
      try {
        expect((await raw.query(`SELECT to_regclass('public.users') AS t`)).rows).toEqual([{ t: null }]);
        expect((await raw.query<{ n: number }>('SELECT count(*)::int AS n FROM tenantctl.domains')).rows[0]?.n).toBeGreaterThan(0);
      } finally {
        await raw.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describePostgres('a role whose search_path puts a decoy first', () => {
  let url: string;
  let decoyUrl: string;

  beforeAll(async () => {
    url = await contosoPostgres('applied', 'decoy_search_path');

    // public.users and friends, found first by the role's default search_path.
    const role = `decoy_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client(url);
    await admin.connect();
    try {
      await admin.query(`
        CREATE TABLE public.users (user_principal_name text, display_name text);
        INSERT INTO public.users VALUES ('mallory@evil.example', 'Decoy');
        CREATE TABLE public.schema_migrations (version integer, name text);
        INSERT INTO public.schema_migrations VALUES (1, '0001_directory');
        CREATE ROLE ${escapeIdentifier(role)} LOGIN;
        ALTER ROLE ${escapeIdentifier(role)} SET search_path = public, "$user";
        GRANT USAGE ON SCHEMA tenantctl TO ${escapeIdentifier(role)};
        GRANT SELECT ON ALL TABLES IN SCHEMA tenantctl TO ${escapeIdentifier(role)};
        GRANT SELECT ON ALL TABLES IN SCHEMA public TO ${escapeIdentifier(role)};`);
    } finally {
      await admin.end();
    }
    const decoy = new URL(url);
    decoy.username = role;
    decoyUrl = decoy.toString();
  });

  it('plan and export read tenantctl\'s tables, not the decoy', async () => {
    const env = { TENANTCTL_DATABASE_URL: decoyUrl };
    const plan = await runCli(['plan', '-c', 'examples/contoso', '--detailed-exitcode'], { env });
    expect(plan.stderr).toBe('');
    expect(plan.code).toBe(0);
    const exported = await runCli(['export'], { env });
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stdout).toContain('joep.devries@contoso.com');
    expect(exported.stdout).not.toContain('mallory@evil.example');
  });

  it('so does a URL that asks for another search_path in its options', async () => {
    const withOptions = `${decoyUrl}?options=${encodeURIComponent('-c search_path=public')}`;
    const plan = await runCli(['plan', '-c', 'examples/contoso', '--detailed-exitcode', '--database', withOptions]);
    expect(plan.stderr).toBe('');
    expect(plan.code).toBe(0);
  });
});
