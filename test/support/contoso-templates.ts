// Made once per run by the global setup, with the built CLI: the contoso
// example's database as `tenantctl init --catalog examples/contoso/catalog.yaml`
// leaves it, and as its first apply leaves it, on each engine. Test files that
// only need such a database as their starting point copy one
// (contoso-database.ts) instead of running the same init and apply again: on
// the embedded database an init is about 2 s of CPU, and the apply about 2 s
// more (13 passwords hashed), in some 20 files.
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { runCli, tempDir } from './cli.js';
import { migrate } from '../../src/db/migrate.js';
import { openDatabase } from '../../src/db/open-database.js';
import { installTestOutboxKey, TEST_OUTBOX_KEY_FILE, writeTestOutboxKey } from './outbox-key.js';
import { copyTree } from './copy-tree.js';
import { createDatabase } from './postgres-server.js';

export type ContosoStage = 'initialised' | 'applied';

/** Never opened by a test, only copied; each exists until the run ends. */
export interface ContosoTemplates {
  /** Embedded database folders. */
  readonly folders: Readonly<Record<ContosoStage, string>>;
  /**
   * An embedded database folder migrated, with the test outbox key and nothing
   * else (no catalog, no trace of an init): what engines.ts gives its tests.
   */
  readonly migrated: string;
  /** A folder for the tests' own copies, removed with the templates when the run ends. */
  readonly scratch: string;
  /** Database names on the test server, or null when PostgreSQL tests are skipped. */
  readonly postgres: Readonly<Record<ContosoStage, string>> | null;
  /** On the test server, `migrated`'s counterpart (what engines.ts gives its tests), or null. */
  readonly postgresMigrated: string | null;
}

/** The first apply of the contoso example, approving its purchase and privileged changes. */
export const CONTOSO_APPLY = ['apply', '-c', 'examples/contoso', '--auto-approve', '--approve-purchases', '--approve-privileged'] as const;

async function run(args: readonly string[], database: string): Promise<void> {
  const result = await runCli(args, { env: { TENANTCTL_DATABASE_URL: database, TENANTCTL_OUTBOX_KEY: TEST_OUTBOX_KEY_FILE } });
  if (result.code !== 0 || result.stderr !== '') throw new Error(`tenantctl ${args.join(' ')} on a template database exited ${result.code}: ${result.stderr}`);
}

/** A new embedded database in `folder`, or the PostgreSQL database at a URL, migrated in this process, with the test outbox key. */
async function makeMigrated(location: string): Promise<void> {
  // Opening restricts this process's umask to 077, as tenantctl does; the test
  // workers inherit this process's umask, so it is put back.
  const umask = process.umask(0o022);
  process.umask(umask);
  const db = await openDatabase({ url: location, actor: 'test', lockTimeoutMs: 1000, create: true });
  try {
    await migrate(db);
    await installTestOutboxKey(db);
  } finally {
    await db.close();
    process.umask(umask);
  }
}

/**
 * init, then a copy of what init made, then the apply on the copy; both engines
 * side by side. `remove` deletes them all.
 */
export async function makeContosoTemplates(adminUrl: string | null): Promise<{ templates: ContosoTemplates; remove(): Promise<void> }> {
  writeTestOutboxKey();
  const dir = tempDir('tenantctl-templates-');
  const folders = { initialised: path.join(dir, 'initialised'), applied: path.join(dir, 'applied') };
  const suffix = Math.random().toString(16).slice(2, 10);
  const names = { initialised: `tenantctl_contoso_initialised_${suffix}`, applied: `tenantctl_contoso_applied_${suffix}` };
  const migratedName = `tenantctl_migrated_${suffix}`;
  const made: string[] = [];
  const remove = async () => {
    fs.rmSync(dir, { recursive: true, force: true });
    if (adminUrl === null || made.length === 0) return;
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      for (const name of made) await client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)}`);
    } finally {
      await client.end();
    }
  };

  const migrated = path.join(dir, 'migrated');
  const scratch = path.join(dir, 'scratch');
  fs.mkdirSync(scratch);
  const embedded = async () => {
    await makeMigrated(migrated);
    await run(['init', '--catalog', 'examples/contoso/catalog.yaml'], folders.initialised);
    copyTree(folders.initialised, folders.applied);
    await run(CONTOSO_APPLY, folders.applied);
  };
  const postgres = async () => {
    if (adminUrl === null) return;
    // Migrated here once, not by each test that opens a PostgreSQL engine: a
    // copy is half the wall time of running the 32 migrations again.
    const migratedUrl = await createDatabase(adminUrl, migratedName);
    made.push(migratedName);
    await makeMigrated(migratedUrl);
    const initialised = await createDatabase(adminUrl, names.initialised);
    made.push(names.initialised);
    await run(['init', '--catalog', 'examples/contoso/catalog.yaml'], initialised);
    const applied = await createDatabase(adminUrl, names.applied, names.initialised);
    made.push(names.applied);
    await run(CONTOSO_APPLY, applied);
  };
  try {
    await Promise.all([embedded(), postgres()]);
  } catch (error) {
    await remove();
    throw error;
  }
  return { templates: { folders, migrated, scratch, postgres: adminUrl === null ? null : names, postgresMigrated: adminUrl === null ? null : migratedName }, remove };
}
