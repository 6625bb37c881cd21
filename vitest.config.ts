import os from 'node:os';
import { defineConfig } from 'vitest/config';
import LongestFirst from './test/support/longest-first.js';
import { JS_YAML_MODULE, limitJsYamlEvents } from './scripts/js-yaml-event-limit.mjs';

export default defineConfig({
  // The tests run js-yaml's parser as the CLI's bundle has it (scripts/js-yaml-event-limit.mjs).
  plugins: [{ name: 'js-yaml-event-limit', transform: (code, id) => (JS_YAML_MODULE.test(id) ? { code: limitJsYamlEvents(code), map: null } : undefined) }],
  test: {
    server: { deps: { inline: [/[\\/]js-yaml[\\/]/] } },
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/build-cli.ts', 'test/support/global-setup.ts'],
    setupFiles: ['test/support/temp-root-setup.ts', 'test/support/outbox-key-setup.ts'],
    testTimeout: 30_000,
    // Most tests wait on the processes they start (the CLI, PostgreSQL, Chromium,
    // gitlab-ci-local), so one test file per core keeps the cores busy; vitest's
    // default (cores - 1) ran this suite one file at a time on two cores: 663 s against 448 s.
    maxWorkers: Math.max(2, os.availableParallelism()),
    // Hooks create databases and may wait on a freshly started server.
    hookTimeout: 60_000,
    // Longest files first also in a clean clone, which has no timings of earlier runs.
    sequence: { sequencer: LongestFirst },
  },
});
