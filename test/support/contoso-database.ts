// A database of its own for a test, holding the contoso example after init or
// after its first apply: a copy of the one the global setup made with the
// built CLI (contoso-templates.ts), with the test outbox key. For tests whose
// subject starts after that point; tests of init or of that first apply run
// them themselves.
import fs from 'node:fs';
import { startPGlite } from '../../src/db/embedded-database.js';
import { inject } from 'vitest';
import type { ContosoStage } from './contoso-templates.js';
import { copyTree } from './copy-tree.js';
import { postgresTestUrl } from './postgres.js';

export { CONTOSO_APPLY, type ContosoStage } from './contoso-templates.js';

/** Copies the embedded database to `folder`, which must not exist yet; returns `folder`. */
export function contosoFolder(stage: ContosoStage, folder: string): string {
  if (fs.existsSync(folder)) throw new Error(`${folder} exists already`);
  copyTree(inject('contosoTemplates').folders[stage], folder);
  return folder;
}

/** contosoFolder, then `sql` run in tenantctl's schema as its owner: rows no tenantctl command would write. */
export async function contosoFolderWritten(stage: ContosoStage, folder: string, sql: string): Promise<string> {
  contosoFolder(stage, folder);
  const db = startPGlite(folder);
  try {
    await db.exec(`SET search_path TO tenantctl;\n${sql}`);
  } finally {
    await db.close();
  }
  return folder;
}

/** A new PostgreSQL database (named as postgresTestUrl names it) made from the template; returns its URL. */
export async function contosoPostgres(stage: ContosoStage, label: string): Promise<string> {
  const names = inject('contosoTemplates').postgres;
  if (names === null) throw new Error('PostgreSQL is not available');
  const url = await postgresTestUrl(label, names[stage]);
  if (url === null) throw new Error('PostgreSQL is not available');
  return url;
}

/**
 * The contoso database for a test whose subject is not the engine: a copy on
 * the test server when it runs, else an embedded copy in `folder`. A CLI
 * process on PostgreSQL costs a third of one that starts the embedded database
 * (0.25 against 0.8 s of CPU for a plan of the example, 0.2 against 0.65 for a
 * validate); the embedded engine has tests of its own. Returns the URL or folder.
 */
export async function contosoDatabase(stage: ContosoStage, label: string, folder: string): Promise<string> {
  return inject('contosoTemplates').postgres === null ? contosoFolder(stage, folder) : contosoPostgres(stage, label);
}
