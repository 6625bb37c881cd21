// vitest globalSetup: one PostgreSQL server per test run, shared by all test
// files through inject('postgresUrl'), and the contoso databases they may copy
// (contoso-templates.ts) through inject('contosoTemplates').
import type { TestProject } from 'vitest/node';
import { makeContosoTemplates, type ContosoTemplates } from './contoso-templates.js';
import { postgresAvailable, startPostgres } from './postgres-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Admin URL of the test server, or null when PostgreSQL tests are skipped. */
    postgresUrl: string | null;
    contosoTemplates: ContosoTemplates;
  }
}

async function server(project: TestProject): Promise<{ url: string | null; stop?: () => Promise<void> }> {
  // An already running server (e.g. a CI service container) takes precedence.
  const externalUrl = process.env.TENANTCTL_TEST_POSTGRES_URL;
  if (externalUrl) {
    project.provide('postgresUrl', externalUrl);
    return { url: externalUrl };
  }

  if (!postgresAvailable()) {
    // A missing server in CI must fail the run, not silently skip coverage.
    if (process.env.CI === 'true') {
      throw new Error('PostgreSQL 15 binaries not found, and PostgreSQL tests must not be skipped in CI');
    }
    project.provide('postgresUrl', null);
    console.warn('PostgreSQL 15 binaries not found: PostgreSQL tests will be skipped.');
    return { url: null };
  }

  const started = await startPostgres();
  project.provide('postgresUrl', started.url);
  return { url: started.url, stop: () => started.stop() };
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const { url, stop } = await server(project);
  let templates;
  try {
    templates = await makeContosoTemplates(url);
  } catch (error) {
    await stop?.();
    throw error;
  }
  project.provide('contosoTemplates', templates.templates);
  return async () => {
    await templates.remove();
    await stop?.();
  };
}
