import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/build-cli.ts', 'test/support/global-setup.ts'],
    setupFiles: ['test/support/outbox-key-setup.ts'],
    testTimeout: 30_000,
    // Hooks create databases and may wait on a freshly started server.
    hookTimeout: 60_000,
  },
});
