import fs from 'node:fs';
import path from 'node:path';

/**
 * The test files that run one after another in a shared worker process
 * (vitest's `isolate: false`) instead of each in a fresh one. Starting a
 * process and importing vitest and the code under test again costs about
 * 0.6 s of CPU per file, which for these files is more than their tests take
 * (BENCHMARKS.md, forty-third session).
 *
 * What makes a file safe to share a process: it starts no process and opens
 * no database, and it changes nothing process-wide that the next file would
 * see: no process.env, cwd, umask, argv or exitCode, no signal or exit
 * handlers, no vi.mock, vi.stubEnv, vi.stubGlobal or fake timers, no v8
 * flags. (vi.spyOn is restored by vitest after each file, shared or not.)
 * test/scripts/shared-process-files.test.ts checks every file listed here
 * against that rule, so a new file in these folders that breaks it fails
 * there and belongs in SHARED_PROCESS_EXCLUDED. Every other file keeps a
 * process of its own.
 */
const SHARED_FOLDERS: readonly string[] = ['test/plan', 'test/render', 'test/diagnostics', 'test/config', 'test/drift', 'test/export'];

/** Files elsewhere that share a process too. */
const SHARED_FILES: readonly string[] = [
  'test/files/json-bounds.property.test.ts',
  'test/files/json-duplicate-names.test.ts',
  'test/files/json-locate.test.ts',
  'test/files/json-syntax-error.property.test.ts',
  'test/apply/deletions-question.test.ts',
  'test/apply/recorded-approvals.test.ts',
  'test/audit/history-options.test.ts',
  'test/cli/command-modules.test.ts',
  'test/cli/out-pieces.test.ts',
  'test/credentials/hash-passwords.test.ts',
  'test/credentials/password.test.ts',
  'test/db/database-url.test.ts',
  'test/db/mask-url.test.ts',
  'test/db/readme-tour.test.ts',
  'test/outbox/relay-failure.test.ts',
  'test/state/former-names-read-linear.test.ts',
  'test/workflow/checked-config.test.ts',
  'test/workflow/exact-saved-plan.test.ts',
  'test/workflow/gitlab-plan-failure-note.test.ts',
  'test/workflow/gitlab-scratch-files.test.ts',
  'test/workflow/plan-refusals.test.ts',
  'test/workflow/saved-plan-echo.test.ts',
];

/** Files in SHARED_FOLDERS that keep a process of their own, and why. */
export const SHARED_PROCESS_EXCLUDED: Readonly<Record<string, string>> = {
  'test/render/escape.test.ts': 'starts processes',
  'test/config/closest-sibling.test.ts': 'runs the CLI',
  'test/config/config-files.test.ts': 'runs the CLI',
  'test/config/hostile-input.test.ts': 'runs the CLI',
  'test/config/read-input-file.test.ts': 'runs the CLI and mkfifo',
  'test/config/validate-cli.test.ts': 'runs the CLI',
  'test/config/suggest.test.ts': 'vi.mock of fastest-levenshtein would stay in force for the next files',
  'test/drift/drift-integration.test.ts': 'opens databases',
  'test/drift/outside-removals-jit.test.ts': 'uses the PostgreSQL test server',
  'test/drift/password-outside.test.ts': 'opens databases',
  'test/export/export-roundtrip.test.ts': 'opens databases',
};

/** The shared files, relative to `root` with '/' (as vitest's include and exclude take them). */
export function sharedProcessFiles(root: string): string[] {
  const inFolders = SHARED_FOLDERS.flatMap((folder) =>
    fs
      .readdirSync(path.join(root, folder))
      .filter((name) => name.endsWith('.test.ts'))
      .map((name) => `${folder}/${name}`),
  );
  return [...inFolders.filter((file) => !(file in SHARED_PROCESS_EXCLUDED)), ...SHARED_FILES].sort();
}
