// Helpers for test files that need PostgreSQL (server started by global-setup.ts).
import { randomBytes } from 'node:crypto';
import { describe, inject } from 'vitest';
import type {} from './global-setup.js'; // brings in the ProvidedContext typing
import { createDatabase } from './postgres-server.js';

/**
 * Creates a fresh database for the calling test file and returns its URL, or
 * null when PostgreSQL tests are skipped. A database per file lets files run
 * in parallel without seeing each other's data. With `template`, a copy of
 * that database (contoso-database.ts).
 */
export async function postgresTestUrl(name: string, template?: string): Promise<string | null> {
  const adminUrl = inject('postgresUrl');
  if (adminUrl === null) return null;
  const slug = name.toLowerCase().replace(/[^a-z0-9_]+/g, '_').slice(0, 40);
  // Random suffix: the same name may be used by parallel files or repeated runs
  // against an external server (TENANTCTL_TEST_POSTGRES_URL).
  return createDatabase(adminUrl, `tenantctl_${slug}_${randomBytes(4).toString('hex')}`, template);
}

/** `describe` that skips its suite when no PostgreSQL server is available. */
export const describePostgres = describe.skipIf(inject('postgresUrl') === null);
