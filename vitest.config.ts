import os from 'node:os';
import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';
import LongestFirst from './test/support/longest-first.js';
import { sharedProcessFiles } from './test/support/shared-process.js';
import { JS_YAML_MODULE, limitJsYamlEvents } from './scripts/js-yaml-event-limit.mjs';

const SETUP_FILES = ['test/support/temp-root-setup.ts', 'test/support/outbox-key-setup.ts'];

// What both projects below share. The global setup, the workers and the order are the
// root's: a project that extended this file would run the global setup once more.
const project = (name: string, test: TestProjectInlineConfiguration['test']): TestProjectInlineConfiguration => ({
  // The tests run js-yaml's parser as the CLI's bundle has it (scripts/js-yaml-event-limit.mjs).
  plugins: [{ name: 'js-yaml-event-limit', transform: (code, id) => (JS_YAML_MODULE.test(id) ? { code: limitJsYamlEvents(code), map: null } : undefined) }],
  test: {
    name,
    server: { deps: { inline: [/[\\/]js-yaml[\\/]/] } },
    testTimeout: 30_000,
    // Hooks create databases and may wait on a freshly started server.
    hookTimeout: 60_000,
    ...test,
  },
});

const shared = sharedProcessFiles(import.meta.dirname);

export default defineConfig({
  test: {
    globalSetup: ['test/support/build-cli.ts', 'test/support/global-setup.ts'],
    // Most tests wait on the processes they start (the CLI, PostgreSQL, Chromium,
    // gitlab-ci-local), so one test file per core keeps the cores busy; vitest's
    // default (cores - 1) ran this suite one file at a time on two cores: 663 s against 448 s.
    maxWorkers: Math.max(2, os.availableParallelism()),
    // Longest files first also in a clean clone, which has no timings of earlier runs.
    sequence: { sequencer: LongestFirst },
    projects: [
      // Files that start no process, open no database and change nothing process-wide
      // (test/support/shared-process.ts) run one after another in a worker process.
      project('shared', {
        include: shared,
        isolate: false,
        setupFiles: [...SETUP_FILES, 'test/support/shared-process-setup.ts'],
      }),
      project('isolated', {
        include: ['test/**/*.test.ts'],
        exclude: shared,
        setupFiles: SETUP_FILES,
      }),
    ],
  },
});
