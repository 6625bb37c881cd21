// What examples/invalid/ promises, read from its files: the tests of the
// loader, of the CLI and of docs/diagnostics.md all check the same promises.
import fs from 'node:fs';
import path from 'node:path';
import { BUILTIN_ROLES } from '../../src/catalog/builtin-roles.js';
import type { Catalog } from '../../src/catalog/catalog.js';
import { readCatalogFile } from '../../src/catalog/catalog-file.js';
import type { Diagnostic } from '../../src/diagnostics/diagnostic.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..');

/** A repository path as a user types it from the working directory (the repository root in `npm test`). */
export function fromRoot(file: string): string {
  return path.relative(process.cwd(), path.join(ROOT, file)).split(path.sep).join('/') || '.';
}

export const INVALID_DIR = fromRoot('examples/invalid');

/** One diagnostic an example must produce; `line` is null for a problem with no line (a directory). */
export interface Expectation {
  readonly file: string;
  readonly code: string;
  readonly severity: 'error' | 'warning';
  readonly line: number | null;
  readonly column: number | null;
}

/**
 * A file of examples/invalid/, or a directory of them (a configuration of
 * several files). Each file states at its top what it must produce:
 * `# expect: CODE at LINE:COLUMN` (`CODE (warning) at …` for a warning,
 * `CODE` alone for a problem without a line) and the environment it needs
 * (`# env: NAME=value`).
 */
export interface InvalidExample {
  readonly name: string;
  /** As given to -c. */
  readonly path: string;
  readonly files: readonly string[];
  readonly expectations: readonly Expectation[];
  readonly env: Readonly<Record<string, string>>;
}

const EXPECT = /expect: ([A-Z][A-Z0-9_]+)( \(warning\))?(?: at (\d+):(\d+))?/g;
const ENV = /^# env: ([A-Za-z_][A-Za-z0-9_]*)=(.*)$/gm;

function readExample(name: string): InvalidExample {
  const examplePath = `${INVALID_DIR}/${name}`;
  const isDirectory = fs.statSync(examplePath).isDirectory();
  const files = isDirectory ? fs.readdirSync(examplePath).sort().map((file) => `${examplePath}/${file}`) : [examplePath];
  const expectations: Expectation[] = [];
  const env: Record<string, string> = {};
  for (const file of files) {
    // latin1 reads every byte, so the example of a file that is not UTF-8 states its expectations too.
    const text = fs.readFileSync(file, 'latin1');
    for (const [, code = '', warning, line, column] of text.matchAll(EXPECT)) {
      expectations.push({
        file: line === undefined ? examplePath : file,
        code,
        severity: warning ? 'warning' : 'error',
        line: line === undefined ? null : Number(line),
        column: column === undefined ? null : Number(column),
      });
    }
    for (const [, variable = '', value = ''] of text.matchAll(ENV)) env[variable] = value;
  }
  return { name, path: examplePath, files, expectations, env };
}

export function invalidExamples(): InvalidExample[] {
  return fs
    .readdirSync(INVALID_DIR)
    .sort()
    .map(readExample);
}

/** `file line:column CODE severity`, the part of a diagnostic an example pins down. */
export function describeExpectation(e: Expectation): string {
  return `${e.file} ${e.line ?? '-'}:${e.column ?? '-'} ${e.code} ${e.severity}`;
}

export function describeDiagnostic(d: Diagnostic): string {
  return `${d.location?.file ?? '-'} ${d.location?.line ?? '-'}:${d.location?.column ?? '-'} ${d.code} ${d.severity}`;
}

/** The catalog `init --catalog examples/contoso/catalog.yaml` stores, as readCatalog returns it. */
export function contosoCatalog(): Catalog {
  const { catalog, diagnostics } = readCatalogFile(fromRoot('examples/contoso/catalog.yaml'));
  if (!catalog) throw new Error(`examples/contoso/catalog.yaml is invalid: ${JSON.stringify(diagnostics)}`);
  return {
    domains: catalog.domains,
    subscriptions: catalog.subscriptions.map((s) => ({ ...s, consumed: 0 })),
    roles: BUILTIN_ROLES,
  };
}

/**
 * Codes found only with the directory: an example of one is read against an
 * initialised tenant's, which is empty (every declared user is created).
 */
export const DIRECTORY_CODES: ReadonlySet<string> = new Set(['NOTIFY_CREATED_MAILBOX']);

/** Codes only the database can find, from its catalog or its directory; without a database validate cannot report them. */
export const DATABASE_CODES: ReadonlySet<string> = new Set([
  'UPN_UNKNOWN_DOMAIN',
  'LICENSE_UNKNOWN_SKU',
  'LICENSE_UNKNOWN_PLAN',
  'LICENSE_PLAN_NOT_IN_SKU',
  'LICENSE_DEPENDENCY',
  'LICENSE_LOCATION',
  ...DIRECTORY_CODES,
]);

/** Codes no file can produce, and why; each is tested on its own. */
export const NO_EXAMPLE_FILE: Readonly<Record<string, string>> = {
  CONFIG_NOT_FOUND: 'a path that does not exist cannot be a file',
  CONFIG_UNREADABLE: 'it needs file permissions that Git does not keep',
  CONFIG_GIVEN_TWICE: 'it is made by how -c is given, not by a file; test/config/config-files.test.ts gives paths twice',
  CONFIG_SUBFOLDER_NOT_READ: 'it is made by a folder, not a file, and a directory example lists only files; test/config/config-files.test.ts makes one',
  CONFIG_FILE_NOT_READ:
    'it names, without a line, a file of a directory example, and an example states a problem without a line only for the example as a whole; test/config/config-files.test.ts makes one',
  SCHEMA_INVALID: 'no rule of the current schema reports it; it is kept for rules a later schema adds',
  RENAME_BOTH_EXIST: 'it compares with the users in the database, which a file does not hold',
  RENAME_DONE: 'it compares with the users in the database, which a file does not hold',
  NOTIFY_DELETED_MAILBOX: 'it needs a user in the database that the file no longer declares; test/config/rules.test.ts has one',
  RENAMED_OUTSIDE: 'it reads the renames the database recorded, which a file does not hold; test/cli/lifecycle.test.ts makes one in SQL',
  RENAME_SOURCE_MISSING: 'it compares with the users in the database, which a file does not hold; test/cli/lifecycle.test.ts plans one',
  CONFIG_LINK_NOT_YAML: 'it needs a symbolic link, and examples/ holds none (a copy of the folder would follow it); test/config/config-files.test.ts makes them',
  CONFIG_LINK_OUTSIDE: 'a link out of the repository points at a different file on each machine; test/config/config-files.test.ts makes one',
  PLAN_REFUSED:
    'the planner finds it, comparing with the seats and users in the database, which a file does not hold; test/cli/plan-refusals.test.ts runs plan and apply on each that can reach them',
  CONFIG_NOT_A_FILE: 'Git keeps no devices, named pipes or sockets; test/config/hostile-input.test.ts gives -c /dev/zero and a FIFO',
  CONFIG_TOO_LARGE: 'a file over 64 MiB does not belong in the repository; test/config/hostile-input.test.ts writes one',
  DIAGNOSTICS_LIMIT: 'a file that shows it holds more than 1,000 problems; test/config/hostile-input.test.ts writes such files',
  SCHEMA_VALUE_TOO_LARGE: 'a user of more than 10,000 values does not belong in the repository; test/config/hostile-input.test.ts writes one',
  SCHEMA_CHECK_STOPPED: 'a file that shows it holds more than 10,000 problems; test/config/hostile-input.test.ts writes one',
};

