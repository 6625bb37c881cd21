import fs from 'node:fs';
import path from 'node:path';
import { inject } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { openDatabase } from '../../src/db/open-database.js';
import { copyTree } from './copy-tree.js';
import { postgresTestUrl } from './postgres.js';

/**
 * The two database engines every integration scenario runs on. `open` gives a
 * fresh, migrated database of its own; `url` is the URL that reaches the same
 * database (for the CLI run as a process), or null for memory://.
 */
export interface Engine {
  readonly name: 'embedded' | 'postgres';
  readonly skip: boolean;
  open(label: string): Promise<{ db: Database; url: string | null }>;
}

/** A new folder for an embedded database, removed with the templates when the run ends. */
const newFolder = (): string => fs.mkdtempSync(path.join(inject('contosoTemplates').scratch, 'engine-'));

export const ENGINES: readonly Engine[] = [
  {
    name: 'embedded',
    skip: false,
    // A copy of the migrated template (contoso-templates.ts) in a folder, not
    // memory:// migrated here: 0.6 s of CPU against 1.8 s (PGlite loads
    // memory:// from the cluster's tarball, then the migrations run).
    async open() {
      const folder = path.join(newFolder(), 'db');
      copyTree(inject('contosoTemplates').migrated, folder);
      const db = await openDatabase({ url: folder, actor: 'test', lockTimeoutMs: 1000 });
      return { db, url: null };
    },
  },
  {
    name: 'postgres',
    skip: inject('postgresUrl') === null,
    async open(label) {
      // A copy of the migrated template (contoso-templates.ts), as on the embedded engine.
      const url = await postgresTestUrl(label, inject('contosoTemplates').postgresMigrated ?? undefined);
      if (!url) throw new Error('PostgreSQL is not available');
      const db = await openDatabase({ url, actor: 'test', lockTimeoutMs: 1000 });
      return { db, url };
    },
  },
];
