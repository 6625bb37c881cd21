// vitest setupFiles of the files that share a worker process (shared-process.ts):
// it runs again before each of them, and gives each what a fresh process would,
// so that no expectation depends on which file ran before in the same worker.
import { resetFixtureIds } from './fixtures.js';

resetFixtureIds();
