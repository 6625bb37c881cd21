// vitest globalSetup: one PostgreSQL server per test run, shared by all test
// files through inject('postgresUrl'), and the contoso databases they may copy
// (contoso-templates.ts) through inject('contosoTemplates').
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { makeContosoTemplates, type ContosoTemplates } from './contoso-templates.js';
import { postgresAvailable, startPostgres } from './postgres-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Admin URL of the test server, or null when PostgreSQL tests are skipped. */
    postgresUrl: string | null;
    contosoTemplates: ContosoTemplates;
    /** The run's temporary folder (temp-root-setup.ts), removed when the run ends. */
    testTemporaryRoot: string;
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

/**
 * One folder for everything the run's tests leave in the temporary folder (a
 * suite run makes about a thousand), so that nothing piles up in /tmp run after
 * run. 0711: as root, PostgreSQL runs as the postgres user and must reach its
 * own folders inside.
 */
function temporaryRoot(project: TestProject): { remove: () => void } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantctl-test-run-'));
  fs.chmodSync(root, 0o711);
  process.env.TMPDIR = root;
  project.provide('testTemporaryRoot', root);
  return { remove: () => fs.rmSync(root, { recursive: true, force: true }) };
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const temporary = temporaryRoot(project);
  let stop: (() => Promise<void>) | undefined;
  let templates;
  try {
    const started = await server(project);
    stop = started.stop;
    templates = await makeContosoTemplates(started.url);
  } catch (error) {
    await stop?.();
    temporary.remove();
    throw error;
  }
  project.provide('contosoTemplates', templates.templates);
  return async () => {
    await templates.remove();
    await stop?.();
    temporary.remove();
  };
}
