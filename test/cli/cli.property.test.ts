// Property tests of the whole CLI (issue 10, item 5): generated and mutated
// configurations and catalogs, run through the built tenantctl as a process.
// Whatever the input: no crash, no stack trace, no hang (each process has a
// deadline); a located diagnostic, or a plan that apply carries out and
// export gives back, every text attribute unchanged.
//
// A fixed seed and a few runs here; TENANTCTL_LONG=1 (npm run test:long) runs
// many more. On PostgreSQL where the suite's server runs (the input, not the
// engine, is the subject: a process there costs a third of one that starts the
// embedded database), else on an embedded copy.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { escapeRawControls, HOSTILE_VALUES } from '../support/hostile-strings.js';
import { ROOT, tempDir } from '../support/cli.js';
import { contosoDatabase } from '../support/contoso-database.js';

const LONG = process.env.TENANTCTL_LONG === '1';
const SEED = 20_261_201;
const runs = (normal: number, long: number): fc.Parameters<unknown> => ({ seed: SEED, numRuns: LONG ? long : normal, endOnFailure: true });
/** Far beyond what any of these inputs needs; reaching it means a hang. */
const PROCESS_DEADLINE_MS = 90_000;

const CLI = path.join(ROOT, 'dist', 'cmd', 'tenantctl.js');
const scratch = tempDir('tenantctl-cli-property-');
/** The contoso example's database as init leaves it (its catalog loaded, no user yet). */
let database: string;
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** tenantctl as a process, killed (and the test failed) if it outlives the deadline. */
function tenantctl(args: readonly string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, NO_COLOR: '1', TENANTCTL_QUIET: '1' };
    delete env.TENANTCTL_DATABASE_URL;
    const child = spawn(process.execPath, [CLI, ...args, '--database', database], { cwd: scratch, env });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`tenantctl ${args.join(' ')} did not finish in ${PROCESS_DEADLINE_MS} ms: a hang`));
    }, PROCESS_DEADLINE_MS);
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end('');
  });
}

/** What a user must never see: a stack trace or an internal error. */
function expectNoCrash(run: Run, what: string): void {
  const output = `${run.stdout}\n${run.stderr}`;
  expect(output, what).not.toMatch(/internal error/i);
  expect(output, what).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
  expect([0, 1, 2, 3], `${what}: exit ${run.code}\n${run.stderr}`).toContain(run.code);
}

const LOCATED = /^.+:\d+:\d+: [A-Z][A-Z0-9_]+(?: \(warning\))?: /m;

/** A failed check names the file, line and column of at least one problem. */
function expectLocated(run: Run, what: string): void {
  expect(run.stdout + run.stderr, what).toMatch(LOCATED);
}

let counter = 0;
function writeConfig(files: Readonly<Record<string, string | Uint8Array>>): string {
  const dir = path.join(scratch, `config-${++counter}`);
  fs.mkdirSync(dir);
  for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), content);
  return dir;
}

/** Text fields without a pattern, and the most characters each may hold. */
const TEXT_FIELDS = {
  displayName: 256,
  givenName: 64,
  surname: 64,
  jobTitle: 128,
  department: 64,
  streetAddress: 1024,
  city: 128,
  state: 128,
  postalCode: 40,
  country: 128,
} as const;
type TextField = keyof typeof TEXT_FIELDS;

/** No NUL, no lone surrogate: what the database can store (the rest is validate's business, tested elsewhere). */
const storable = (text: string): boolean => !/\0/.test(text) && text.isWellFormed();

/** Text a pull request could carry: SQL and YAML metacharacters, control and bidi characters, any code point. */
function hostileText(maxLength: number): fc.Arbitrary<string> {
  return fc
    .oneof(
      fc.string({ unit: 'binary', minLength: 1, maxLength }),
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: Math.min(maxLength, 40) }),
      fc.constantFrom(
        ...HOSTILE_VALUES,
        "Robert'); DROP TABLE users;--",
        "O'Brien \\ \" ; -- /* */ $1 %s",
        '*alias &anchor !tag %YAML ? : - # | > { } [ ] ,',
        'null',
        '~',
        'true',
        '0x1F',
        '1e3',
        ' leading and trailing ',
        '\t\ttabs\t',
        'line\nbreak\r\nand\rreturn',
        'é e\u0301 ﬁ Å Å',
        '😀👩‍👩‍👧‍👦🇳🇱',
        '\u00a0\u2007\u202f',
        '\u0085\u2028\u2029',
      ),
    )
    .filter((text) => storable(text) && [...text].length <= maxLength && text.length > 0);
}

/** A display name shows something: not only blank space, controls, format characters, marks or fillers (the schema's pattern). */
const VISIBLE = /[^\s\p{Cc}\p{Cf}\p{M}\u115F\u1160\u3164\uFFA0\u2800]/u;

interface GeneratedUser {
  readonly index: number;
  readonly fields: Partial<Record<TextField, string>>;
}

const generatedUser = (index: number): fc.Arbitrary<GeneratedUser> =>
  fc
    .record(
      Object.fromEntries(
        Object.entries(TEXT_FIELDS).map(([field, max]) => [field, field === 'displayName' ? hostileText(max).filter((text) => VISIBLE.test(text)) : hostileText(max)]),
      ) as Record<TextField, fc.Arbitrary<string>>,
      { requiredKeys: ['displayName'] },
    )
    .map((fields) => ({ index, fields }));

const ADMIN = { userPrincipalName: 'admin@contoso.com', displayName: 'Admin', roles: ['Global administrator'], usageLocation: 'NL' };
const upn = (index: number): string => `user${index}@contoso.com`;

/** A valid configuration of the generated users (and an admin, for the lockout guard), as YAML. */
function configurationOf(users: readonly GeneratedUser[], useAliases: boolean): string {
  const document = { settings: { adminEmail: 'it-desk@contoso.com' }, users: [ADMIN, ...users.map((u) => ({ userPrincipalName: upn(u.index), ...u.fields }))] };
  // yaml writes DEL and C1 controls raw (inside double quotes), which a YAML file may not hold.
  if (!useAliases) return escapeRawControls(stringify(document));
  // The same values again, written once and referred to by aliases.
  return escapeRawControls(stringify(document, { aliasDuplicateObjects: true }));
}

beforeAll(async () => {
  database = await contosoDatabase('initialised', 'cli_property', path.join(scratch, 'db'));
});

describe('the CLI on generated configurations', () => {
  it('valid ones: validate passes, plan shows them, apply makes them, export gives every text back unchanged', async () => {
    const configurations = fc.record({
      users: fc.uniqueArray(fc.nat({ max: 5 }), { minLength: 1, maxLength: 3 }).chain((indexes) => fc.tuple(...indexes.map(generatedUser))),
      aliases: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(configurations, async ({ users, aliases }) => {
        const dir = writeConfig({ 'tenant.yaml': configurationOf(users, aliases) });
        const validate = await tenantctl(['validate', '-c', dir]);
        expectNoCrash(validate, 'validate');
        expect(validate.code, validate.stdout).toBe(0);

        const plan = await tenantctl(['plan', '-c', dir, '--format', 'json']);
        expectNoCrash(plan, 'plan');
        expect(plan.code, plan.stderr).toBe(0);
        const planned = JSON.parse(plan.stdout) as { formatVersion: string; changes: { userPrincipalName: string }[] };
        expect(planned.formatVersion).toBeTruthy();

        const apply = await tenantctl(['apply', '-c', dir, '--auto-approve', '--approve-privileged', '--approve-deletions', '--approve-purchases']);
        expectNoCrash(apply, 'apply');
        expect(apply.code, apply.stderr).toBe(0);

        const exported = await tenantctl(['export']);
        expectNoCrash(exported, 'export');
        expect(exported.code, exported.stderr).toBe(0);
        const back = parse(exported.stdout) as { users: Record<string, unknown>[] };
        for (const user of users) {
          const found = back.users.find((u) => u.userPrincipalName === upn(user.index));
          expect(found, upn(user.index)).toBeDefined();
          for (const [field, value] of Object.entries(user.fields)) expect(found?.[field], `${upn(user.index)} ${field}`).toBe(value);
        }

        const again = await tenantctl(['plan', '-c', dir, '--detailed-exitcode']);
        expect(again.code, `plan after apply is not empty:\n${again.stdout}`).toBe(0);
      }),
      runs(2, 25),
    );
  }, LONG ? 3_600_000 : 600_000);

  it('hostile structures (deep nesting, huge strings, alias bombs, wrong types): a located error, never a crash', async () => {
    const hostile = fc.oneof(
      fc.integer({ min: 1, max: 5_000 }).map((depth) => `users:\n  - userPrincipalName: a@contoso.com\n    displayName: ${'['.repeat(depth)}x${']'.repeat(depth)}\n`),
      fc.integer({ min: 1, max: 3_000 }).map((depth) => `users:\n${'  - '.repeat(depth)}x\n`),
      fc.integer({ min: 257, max: 2_000_000 }).map((length) => `users:\n  - userPrincipalName: a@contoso.com\n    displayName: "${'x'.repeat(length)}"\n`),
      fc.integer({ min: 5, max: 30 }).map((levels) => {
        const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
        for (let i = 1; i < levels; i++) lines.push(`a${i}: &a${i} [${Array(10).fill(i === 1 ? '*a' : `*a${i - 1}`).join(', ')}]`);
        return `${lines.join('\n')}\nusers: []\n`;
      }),
      fc.constantFrom('users: *nothing\n', 'users: &x [*x]\n', 'users:\n  - {userPrincipalName: [1], displayName: {a: b}}\n', '%YAML 1.1\n---\nusers: []\n'),
    );
    await fc.assert(
      fc.asyncProperty(hostile, async (text) => {
        const dir = writeConfig({ 'tenant.yaml': text });
        const validate = await tenantctl(['validate', '-c', dir]);
        expectNoCrash(validate, 'validate');
        expect(validate.code, validate.stdout).toBe(1);
        expectLocated(validate, 'validate');
      }),
      runs(4, 40),
    );
  }, LONG ? 3_600_000 : 600_000);
});

describe('the CLI on mutated files', () => {
  const contoso = ['tenant.yaml', 'users.yaml'].map((name) => [name, fs.readFileSync(path.join(ROOT, 'examples/contoso', name))] as const);
  const catalog = fs.readFileSync(path.join(ROOT, 'examples/contoso/catalog.yaml'));

  /** Random byte flips, deletions and insertions in one file of a valid configuration. */
  const byteEdits = fc.array(fc.record({ at: fc.nat(), kind: fc.constantFrom('flip', 'delete', 'insert'), byte: fc.integer({ min: 0, max: 255 }) }), {
    minLength: 1,
    maxLength: 8,
  });
  function edit(bytes: Uint8Array, edits: readonly { at: number; kind: string; byte: number }[]): Uint8Array {
    let out = Buffer.from(bytes);
    for (const e of edits) {
      const at = e.at % (out.length + 1);
      if (e.kind === 'flip' && at < out.length) out[at] = (out[at] ?? 0) ^ (1 << e.byte % 8);
      else if (e.kind === 'delete') out = Buffer.concat([out.subarray(0, at), out.subarray(at + 1)]);
      else out = Buffer.concat([out.subarray(0, at), Buffer.from([e.byte]), out.subarray(at)]);
    }
    return out;
  }

  it('a configuration with random byte edits: validate and plan end in a located error or a plan', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: 1 }), byteEdits, async (which, edits) => {
        const files = Object.fromEntries(contoso.map(([name, bytes], i) => [name, i === which ? edit(bytes, edits) : bytes]));
        const dir = writeConfig(files);
        const validate = await tenantctl(['validate', '-c', dir]);
        expectNoCrash(validate, 'validate');
        if (validate.code === 1) expectLocated(validate, 'validate');
        const plan = await tenantctl(['plan', '-c', dir, '--format', 'json']);
        expectNoCrash(plan, 'plan');
        // plan's JSON is always JSON, errors included.
        const document = JSON.parse(plan.stdout) as { formatVersion?: string; diagnostics?: unknown[]; changes?: unknown[] };
        expect(document.formatVersion).toBeTruthy();
        if (validate.code === 1) expect(plan.code).toBe(1);
      }),
      runs(3, 60),
    );
  }, LONG ? 3_600_000 : 600_000);

  it('a catalog with random byte edits: init refuses it with a located error, or loads it', async () => {
    await fc.assert(
      fc.asyncProperty(byteEdits, async (edits) => {
        const file = path.join(writeConfig({ 'catalog.yaml': edit(catalog, edits) }), 'catalog.yaml');
        const init = await tenantctl(['init', '--catalog', file]);
        expectNoCrash(init, 'init');
        if (init.code !== 0) expectLocated(init, 'init');
      }),
      runs(3, 60),
    );
  }, LONG ? 3_600_000 : 600_000);
});
