import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openEmbedded, startPGlite } from '../../../src/db/embedded-database.js';

/**
 * The tenant directory as canonical text: users (every column but the two
 * timestamps every write moves), roles, licences with their disabled plans,
 * seats purchased and consumed, and purchases; plus the number of applies in
 * the audit trail. Two dumps are equal exactly when the directories are.
 * Apply numbers in `updated_by` are normalised: a killed apply still uses up
 * a sequence value, so the same change gets a different number.
 */
export interface DirectoryDump {
  readonly directory: string;
  readonly applies: number;
}

// Whichever schema tenantctl's tables live in (public, or tenantctl).
const SEARCH_PATH = 'SET search_path TO tenantctl, public';

const DIRECTORY = `SELECT json_build_object(
  'users', (SELECT json_agg((to_jsonb(u) - 'created_at' - 'updated_at')
                 || jsonb_build_object('updated_by', regexp_replace(u.updated_by, '#[0-9]+', '#N'))
                 ORDER BY u.user_principal_name) FROM users u),
  'roles', (SELECT json_agg(json_build_array(u.user_principal_name, r.role_template_id) ORDER BY u.user_principal_name, r.role_template_id)
              FROM user_roles r JOIN users u ON u.id = r.user_id),
  'licences', (SELECT json_agg(json_build_array(u.user_principal_name, a.sku) ORDER BY u.user_principal_name, a.sku)
                 FROM license_assignments a JOIN users u ON u.id = a.user_id),
  'disabledPlans', (SELECT json_agg(json_build_array(u.user_principal_name, d.sku, d.plan) ORDER BY u.user_principal_name, d.sku, d.plan)
                      FROM license_disabled_plans d JOIN users u ON u.id = d.user_id),
  'subscriptions', (SELECT json_agg(json_build_array(sku, seats, consumed) ORDER BY sku) FROM subscriptions),
  'purchases', (SELECT json_agg(json_build_array(sku, quantity, plan_hash) ORDER BY id) FROM purchases),
  'notifications', (SELECT count(*) FROM credential_notifications)
)::text AS dump, (SELECT count(*)::int FROM applies) AS applies`;

type Row = { dump: string; applies: number };

export async function dumpPostgres(url: string): Promise<DirectoryDump> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(SEARCH_PATH);
    const { rows } = await client.query<Row>(DIRECTORY);
    return { directory: rows[0]?.dump ?? '', applies: rows[0]?.applies ?? -1 };
  } finally {
    await client.end();
  }
}

/**
 * Reads an embedded database folder no process has open. PGlite starts as the
 * CLI starts it (openEmbedded: a smaller buffer cache, no optimising
 * recompilation of PostgreSQL's WebAssembly): half the CPU of a default start,
 * for files that dump after every one of dozens of CLI runs.
 */
export async function dumpEmbedded(directory: string): Promise<DirectoryDump> {
  // openEmbedded would make a new database where there is none.
  if (!fs.existsSync(path.join(directory, 'PG_VERSION'))) throw new Error(`no embedded database at ${directory}`);
  const db = await openEmbedded(directory, directory);
  try {
    await db.exec(SEARCH_PATH);
    const [row] = await db.query<Row>(DIRECTORY);
    return { directory: row?.dump ?? '', applies: row?.applies ?? -1 };
  } finally {
    await db.close();
  }
}

/**
 * Dumps a copy of a folder a killed process left, so that opening it here
 * (which runs crash recovery) leaves the original for the CLI to recover.
 */
export async function dumpEmbeddedCopy(directory: string): Promise<DirectoryDump> {
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantctl-dump-'));
  try {
    fs.cpSync(directory, path.join(copy, 'db'), { recursive: true });
    return await dumpEmbedded(path.join(copy, 'db'));
  } finally {
    fs.rmSync(copy, { recursive: true, force: true });
  }
}

/** Runs SQL on an embedded folder no process has open (test setup). */
export async function execEmbedded(directory: string, sql: string): Promise<void> {
  const db = startPGlite(directory);
  try {
    await db.exec(`${SEARCH_PATH};\n${sql}`);
  } finally {
    await db.close();
  }
}

export async function execPostgres(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`${SEARCH_PATH};\n${sql}`);
  } finally {
    await client.end();
  }
}

/** Which of two known states a dump is, or null for anything else (a mixture). */
export function whichState(dump: DirectoryDump, before: DirectoryDump, after: DirectoryDump): 'before' | 'after' | null {
  if (dump.directory === before.directory && dump.applies === before.applies) return 'before';
  if (dump.directory === after.directory && dump.applies === before.applies + 1) return 'after';
  return null;
}

/** Asserts two dumps are equal, showing where they first differ rather than both whole. */
export function expectSameDirectory(actual: DirectoryDump, expected: DirectoryDump, what: string): void {
  if (actual.applies !== expected.applies) throw new Error(`${what}: ${actual.applies} applies in the audit trail, expected ${expected.applies}`);
  if (actual.directory === expected.directory) return;
  let at = 0;
  while (actual.directory[at] === expected.directory[at]) at++;
  const around = (text: string) => text.slice(Math.max(0, at - 150), at + 150);
  throw new Error(`${what}: the directory differs at character ${at}:\n  found:    …${around(actual.directory)}…\n  expected: …${around(expected.directory)}…`);
}

/** Rows of one query, on a PostgreSQL URL or an embedded folder no process has open. */
export async function queryRows<Row extends object>(location: string, sql: string): Promise<Row[]> {
  if (/^postgres(ql)?:\/\//.test(location)) {
    const client = new pg.Client({ connectionString: location });
    await client.connect();
    try {
      await client.query(SEARCH_PATH);
      return (await client.query(sql)).rows as Row[];
    } finally {
      await client.end();
    }
  }
  const db = startPGlite(location);
  try {
    await db.exec(SEARCH_PATH);
    return (await db.query<Row>(sql)).rows;
  } finally {
    await db.close();
  }
}
