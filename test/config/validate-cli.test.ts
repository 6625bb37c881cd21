// `tenantctl validate` (and plan/apply on an invalid configuration), run as
// the built CLI, as a user or a CI job runs it.
import fs from 'node:fs';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/open-database.js';
import { runCli, tempDir, type CliResult } from '../support/cli.js';
import { contosoDatabase, contosoFolder } from '../support/contoso-database.js';
import { DATABASE_CODES, fromRoot, invalidExamples, type Expectation, type InvalidExample } from './expectations.js';

const CONTOSO = fromRoot('examples/contoso');
const SEVERAL = `${fromRoot('examples/invalid')}/several-mistakes`;
/**
 * Parallel validate runs: on PostgreSQL all on the one database, on the
 * embedded database each with its own copy (it admits one process at a time).
 */
const WORKERS = 3;

/** A stack frame (`    at fn (file:line:col)`) on stderr means an exception reached the user. */
const STACK_FRAME = /^\s+at .+[:(]/m;

/** No variable an example names may leak in from the environment the tests run in. */
const CLEAN_ENV = { EXAMPLE_UNSET_PASSWORD: undefined, EXAMPLE_WEAK_PASSWORD: undefined, MEGAN_INITIAL_PASSWORD: undefined };

const cli = (args: readonly string[], env: Record<string, string | undefined> = {}): Promise<CliResult> =>
  runCli(args, { cwd: process.cwd(), env: { ...CLEAN_ENV, ...env } });

function line(e: Expectation): string {
  const where = e.line === null ? e.file : `${e.file}:${e.line}:${e.column}`;
  return `${where}: ${e.code}: ${e.severity === 'warning' ? 'warning: ' : ''}`;
}

let dir: string;
/** The initialised contoso example, for each of the WORKERS. */
let databases: string[];

beforeAll(async () => {
  dir = tempDir('tenantctl-validate-');
  const first = await contosoDatabase('initialised', 'validate_cli', path.join(dir, 'db-0'));
  const embedded = first === path.join(dir, 'db-0');
  databases = Array.from({ length: WORKERS }, (_, i) => (i === 0 || !embedded ? first : contosoFolder('initialised', path.join(dir, `db-${i}`))));
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('tenantctl validate', () => {
  it('passes examples/contoso with the catalog: exit 0, nothing on stderr', async () => {
    const result = await cli(['validate', '-c', CONTOSO, '--database', databases[0] ?? '']);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('The configuration is valid.\n');
    expect(result.code).toBe(0);
  });

  it('without an initialised database it checks what it can and says so', async () => {
    const result = await cli(['validate', '-c', CONTOSO, '--database', 'memory://']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("The configuration is valid (without the tenant catalog: the tenant's domains, subscriptions and service plans were not checked).");
    expect(result.stderr).toMatch(/^note: checked only the schema and the rules that need no database: .* \(the database memory:\/\/ is not initialised/);
  });

  it('each file of examples/invalid fails with its code at its file:line:column, without a stack trace', async () => {
    const examples = invalidExamples();
    const results = new Map<string, CliResult>();
    // Opening the database takes a second; only the examples of catalog codes need it (the
    // loader's tests show the others report the same without it), the rest run without one.
    const needsCatalog = (example: InvalidExample): boolean => example.expectations.some((e) => DATABASE_CODES.has(e.code));
    const noDatabase = path.join(dir, 'none');
    const queue = [...examples];
    await Promise.all(
      databases.map(async (database) => {
        for (let example = queue.shift(); example; example = queue.shift()) {
          const args = ['validate', '-c', example.path, '--database', needsCatalog(example) ? database : noDatabase];
          results.set(example.name, await cli(args, example.env));
        }
      }),
    );
    for (const example of examples) {
      const result = results.get(example.name);
      const fails = example.expectations.some((e) => e.severity === 'error');
      expect({ example: example.name, code: result?.code }).toEqual({ example: example.name, code: fails ? 1 : 0 });
      const printed = (result?.stdout ?? '').split('\n');
      const problems = printed.filter((l) => /: [A-Z][A-Z0-9_]+: /.test(l));
      // `file:line:column: CODE: `, and `warning: ` after it for a warning.
      const head = (l: string) => {
        const end = l.indexOf(': ', l.search(/: [A-Z]/) + 2) + 2;
        return l.slice(0, end) + (l.startsWith('warning: ', end) ? 'warning: ' : '');
      };
      expect(problems.map(head), example.name).toEqual(example.expectations.map(line));
      expect(result?.stderr ?? '', example.name).not.toMatch(STACK_FRAME);
      expect(result?.stderr ?? '', example.name).not.toContain('internal error');
      if (needsCatalog(example)) expect(result?.stderr, example.name).toBe('');
    }
  }, 240_000);

  it('reports several mistakes in several files in one run, sorted by file and line, then a count', async () => {
    const result = await cli(['validate', '-c', SEVERAL, '--database', databases[0] ?? '']);
    expect(result.code).toBe(1);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines.at(-1)).toBe('9 errors, 0 warnings');
    const places = lines.slice(0, -1).map((l) => /^(.+?):(\d+):(\d+): ([A-Z_]+): /.exec(l)?.slice(1) ?? [l]);
    expect(places.map(([file, l, c, code]) => `${path.basename(file ?? '')}:${l}:${c} ${code}`)).toEqual([
      'a.yaml:9:18 USAGE_LOCATION_INVALID',
      'a.yaml:14:16 LICENSE_UNKNOWN_SKU',
      'a.yaml:15:24 UPN_UNKNOWN_DOMAIN',
      'a.yaml:17:5 SCHEMA_UNKNOWN_FIELD',
      'b.yaml:7:24 UPN_DUPLICATE',
      'b.yaml:9:13 ROLE_UNKNOWN',
      'b.yaml:10:5 PHOTO_NOT_ALLOWED',
      'b.yaml:11:14 NOTIFY_INVALID_EMAIL',
      'c.yaml:5:18 YAML_SYNTAX',
    ]);
    // Both places of the duplicate, each with line and column.
    expect(result.stdout).toMatch(/b\.yaml:7:24: UPN_DUPLICATE: .* \(see also .*several-mistakes\/a\.yaml:11:24\)/);
  });

  it('--format json prints the same diagnostics as data', async () => {
    const result = await cli(['validate', '-c', SEVERAL, '--database', databases[0] ?? '', '--format', 'json']);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as {
      formatVersion: string;
      catalogChecked: boolean;
      errors: number;
      warnings: number;
      diagnostics: { severity: string; code: string; message: string; file: string; line: number; column: number; related?: { file: string; line: number; column: number } }[];
    };
    expect(report).toMatchObject({ formatVersion: '1.0', catalogChecked: true, errors: 9, warnings: 0 });
    expect(report.diagnostics[0]).toEqual({
      severity: 'error',
      code: 'USAGE_LOCATION_INVALID',
      message: expect.stringContaining('usageLocation "UK"') as unknown as string,
      file: `${SEVERAL}/a.yaml`,
      line: 9,
      column: 18,
    });
    expect(report.diagnostics.find((d) => d.code === 'UPN_DUPLICATE')?.related).toEqual({ file: `${SEVERAL}/a.yaml`, line: 11, column: 24 });
    const ajv = new Ajv2020({ strict: true, allErrors: true });
    const validate = ajv.compile(JSON.parse(fs.readFileSync(fromRoot('schemas/diagnostics.schema.json'), 'utf8')) as object);
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
  });

  it('--format github prints one annotation per problem, on its line', async () => {
    const result = await cli(['validate', '-c', SEVERAL, '--database', databases[0] ?? '', '--format', 'github']);
    expect(result.code).toBe(1);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(9);
    for (const l of lines) expect(l).toMatch(/^::error file=[^,:]+,line=\d+,col=\d+::[A-Z_]+: \S/);
    expect(lines[0]).toMatch(new RegExp(`^::error file=${SEVERAL}/a\\.yaml,line=9,col=18::USAGE_LOCATION_INVALID: usageLocation "UK" is not`));
  });

  // A step with `working-directory: infra` gives -c relative to infra/; GitHub reads file= from the repository's root.
  it('--format github names files from GITHUB_WORKSPACE, whatever folder the step runs in', async () => {
    const workspace = path.join(dir, 'workspace');
    const infra = path.join(workspace, 'infra');
    fs.mkdirSync(path.join(infra, 'tenant'), { recursive: true });
    fs.copyFileSync(`${fromRoot('examples/invalid')}/user-no-access.yaml`, path.join(infra, 'tenant', 'users.yaml'));
    const run = (env: Record<string, string>) =>
      runCli(['validate', '-c', 'tenant', '--database', path.join(dir, 'none'), '--format', 'github'], { cwd: infra, env });
    expect((await run({ GITHUB_WORKSPACE: workspace })).stdout).toMatch(/^::warning file=infra\/tenant\/users\.yaml,line=10,col=5::USER_NO_ACCESS: /);
    expect((await run({ GITHUB_WORKSPACE: path.join(dir, 'elsewhere') })).stdout).toMatch(/^::warning file=tenant\/users\.yaml,line=10,col=5::/);
    expect((await run({})).stdout).toMatch(/^::warning file=tenant\/users\.yaml,line=10,col=5::/);
  });

  it('--format github marks warnings as warnings and does not fail', async () => {
    const example = `${fromRoot('examples/invalid')}/user-no-access.yaml`;
    const result = await cli(['validate', '-c', example, '--database', databases[0] ?? '', '--format', 'github']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^::warning file=${example},line=10,col=5::USER_NO_ACCESS: `));
  });

  it('a path that does not exist is a located error, not a crash', async () => {
    const result = await cli(['validate', '-c', 'no/such/config.yaml', '--database', path.join(dir, 'none')]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('no/such/config.yaml: CONFIG_NOT_FOUND: no/such/config.yaml does not exist');
    expect(result.stderr).not.toMatch(STACK_FRAME);
  });

  it('refuses an unknown --format', async () => {
    const result = await cli(['validate', '-c', CONTOSO, '--format', 'xml', '--database', 'memory://']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("option '--format <format>' argument 'xml' is invalid. Use text, json or github.");
  });
});

/** Every row of the tables a failed apply could have touched, in a stable order. */
async function snapshot(database: string): Promise<unknown[]> {
  const db = await openDatabase({ url: database, actor: 'test', lockTimeoutMs: 5_000 });
  try {
    return [
      await db.query('SELECT * FROM users ORDER BY id'),
      await db.query('SELECT * FROM applies'),
      await db.query('SELECT sku, seats FROM subscriptions ORDER BY sku'),
    ];
  } finally {
    await db.close();
  }
}

describe('plan and apply refuse an invalid configuration before changing anything', () => {
  let database: string;

  beforeAll(async () => {
    database = await contosoDatabase('applied', 'validate_cli_applied', path.join(dir, 'applied'));
  });

  it.each([
    ['plan', ['plan', '-c', SEVERAL]],
    ['apply', ['apply', '-c', SEVERAL, '--auto-approve', '--approve-purchases', '--approve-privileged']],
  ])('%s: exit 1, every problem listed, the database unchanged', async (_, args) => {
    const before = await snapshot(database);
    expect((before[0] as unknown[]).length).toBe(13);
    const result = await cli([...args, '--database', database]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('UPN_DUPLICATE');
    expect(result.stderr).toContain('9 errors, 0 warnings');
    expect(result.stderr).toContain('no plan was made: fix the problems above; nothing was changed');
    expect(result.stderr).not.toMatch(STACK_FRAME);
    expect(await snapshot(database)).toEqual(before);
  }, 60_000);

  it('a fromEnv variable that is not set is an error at apply when it is needed: for a user being created', async () => {
    const config = fs.mkdtempSync(path.join(dir, 'new-hire-'));
    fs.cpSync(fromRoot('examples/contoso'), config, { recursive: true });
    fs.writeFileSync(
      path.join(config, 'new-hire.yaml'),
      'users:\n  - userPrincipalName: new.hire@contoso.com\n    displayName: New Hire\n    password:\n      fromEnv: EXAMPLE_UNSET_PASSWORD\n',
    );
    const before = await snapshot(database);
    const result = await cli(['apply', '-c', config, '--auto-approve', '--approve-purchases', '--approve-privileged', '--database', database]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      // Where validate locates the same variable: the fromEnv value.
      `${config}/new-hire.yaml:5:16: PASSWORD_ENV_UNSET: new.hire@contoso.com is created with its temporary password from EXAMPLE_UNSET_PASSWORD (password.fromEnv), which is not set`,
    );
    expect(await snapshot(database)).toEqual(before);
    // An existing user does not need its variable any more.
    const existing = await cli(['plan', '-c', `${fromRoot('examples/invalid')}/password-env-unset.yaml`, '--database', database]);
    expect(existing.stderr).not.toContain('PASSWORD_ENV_UNSET');
  }, 60_000);
});

