// vitest globalSetup: one PostgreSQL server per test run, shared by all test
// files through inject('postgresUrl').
import type { TestProject } from 'vitest/node';
import { postgresAvailable, startPostgres } from './postgres-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Admin URL of the test server, or null when PostgreSQL tests are skipped. */
    postgresUrl: string | null;
  }
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  // An already running server (e.g. a CI service container) takes precedence.
  const externalUrl = process.env.TENANTCTL_TEST_POSTGRES_URL;
  if (externalUrl) {
    project.provide('postgresUrl', externalUrl);
    return undefined;
  }

  if (!postgresAvailable()) {
    // A missing server in CI must fail the run, not silently skip coverage.
    if (process.env.CI === 'true') {
      throw new Error('PostgreSQL 15 binaries not found, and PostgreSQL tests must not be skipped in CI');
    }
    project.provide('postgresUrl', null);
    console.warn('PostgreSQL 15 binaries not found: PostgreSQL tests will be skipped.');
    return undefined;
  }

  const server = await startPostgres();
  project.provide('postgresUrl', server.url);
  return () => server.stop();
}
