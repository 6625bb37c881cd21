import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SHARED_PROCESS_EXCLUDED, sharedProcessFiles } from '../support/shared-process.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..');

/** What a file that shares its worker process must not do (test/support/shared-process.ts). */
const FORBIDDEN: readonly (readonly [RegExp, string])[] = [
  [/node:child_process|\bspawn\(|\bexecFile/, 'starts a process'],
  [/\binject\(|PGlite|openDatabase|openEmbedded|startPGlite|memory:\/\/'\)/, 'opens a database'],
  [/\bvi\.(mock|doMock|stubEnv|stubGlobal|useFakeTimers)\(/, 'mocks a module, the environment, a global or the clock for the files after it'],
  [/process\.(chdir|umask|on|once|addListener|setUncaughtExceptionCaptureCallback)\(/, 'changes the process (cwd, umask, handlers)'],
  [/process\.env(\.\w+|\[[^\]]+\])\s*=[^=]|delete process\.env|Object\.assign\(process\.env/, 'changes process.env'],
  [/process\.(argv|exitCode|title)\s*=[^=]|globalThis\.\w+\s*=[^=]|setFlagsFromString/, 'changes a process-wide value'],
];

/** Test helpers that start nothing and keep no state but fixtures' ids (reset by shared-process-setup.ts). */
const SUPPORT_ALLOWED = new Set(['fixtures', 'hostile-strings', 'html-tags', 'locate-first-check']);

describe('the test files that share a worker process', () => {
  const files = sharedProcessFiles(ROOT);

  it('start no process, open no database and change nothing process-wide', () => {
    const problems = files.flatMap((file) => {
      const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
      const found = FORBIDDEN.filter(([pattern]) => pattern.test(text)).map(([, what]) => what);
      const helpers = [...text.matchAll(/from '\.\.\/support\/([\w-]+)\.js'/g)].map((match) => match[1]!).filter((name) => !SUPPORT_ALLOWED.has(name));
      if (helpers.length > 0) found.push(`uses test/support/${helpers.join(', ')}, not known to be safe to share a process`);
      return found.map((what) => `${file} ${what}: add it to SHARED_PROCESS_EXCLUDED in test/support/shared-process.ts`);
    });
    expect(problems).toEqual([]);
  });

  it('are many, and the exceptions name files that exist', () => {
    expect(files.length).toBeGreaterThan(90);
    expect(Object.keys(SHARED_PROCESS_EXCLUDED).filter((file) => !fs.existsSync(path.join(ROOT, file)))).toEqual([]);
  });
});
