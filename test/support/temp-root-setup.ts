// vitest setupFiles: every test file's temporary folders, and those of the
// processes it starts (the CLI, PostgreSQL, Chromium), go under the run's own
// folder (global-setup.ts), which is removed when the run ends. Node reads
// TMPDIR on each os.tmpdir() call, and children inherit it.
import { inject } from 'vitest';

process.env.TMPDIR = inject('testTemporaryRoot');
