// The hostile inputs of issue 10, each reproduced exactly and run through the
// built CLI: every one ends quickly with a located error, never a hang, a
// blow-up or a raw database error. (How quickly is the benchmark's business;
// here a case only has to finish within the normal test timeout.)
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../support/cli.js';
import { contosoDatabase } from '../support/contoso-database.js';
import { readCatalogFile } from '../../src/catalog/catalog-file.js';

const scratch = tempDir('tenantctl-hostile-');
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

const LONG = process.env.TENANTCTL_LONG === '1';

function write(name: string, content: string | Buffer): string {
  const file = path.join(scratch, name);
  fs.writeFileSync(file, content);
  return file;
}

/**
 * A folder that holds no database: validate finds none there at once, as it
 * finds none uninitialised at memory://, which would start PGlite in every
 * process for nothing (1.5 against 0.3 s of CPU a run).
 */
const NO_DATABASE = path.join(scratch, 'no-database');

/** validate with no database to reach (the checks that need none still run). */
const validate = (...args: string[]) => runCli(['validate', '--database', NO_DATABASE, ...args]);

const LOCATED = /^[^\n:]+:\d+:\d+: [A-Z][A-Z0-9_]+/;

function expectNoCrash(result: { stdout: string; stderr: string }): void {
  expect(result.stderr).not.toMatch(/internal error|\n\s+at [^\n]+:\d+:\d+\)?\n/);
}

/** One user followed by `count` unknown keys. */
function unknownKeys(count: number): string {
  const keys = Array.from({ length: count }, (_, i) => `    k${i}: v\n`).join('');
  return `users:\n  - userPrincipalName: a@contoso.com\n    displayName: A\n${keys}`;
}

describe('hostile configurations: bounded work, located errors', () => {
  it('a file with one user and 9,000 unknown keys: one problem at that user, the file checked no further', async () => {
    const file = write('keys.yaml', unknownKeys(9_000));
    const result = await validate('-c', file);
    expect(result.code).toBe(1);
    expectNoCrash(result);
    expect(result.stdout.trimEnd().split('\n')).toEqual([
      `${file}:2:5: SCHEMA_VALUE_TOO_LARGE: user 1 of this file holds more than 10,000 values (keys, list items and scalars), which no tenantctl configuration needs: remove what does not belong there`,
      '1 error, 0 warnings',
    ]);
  }, 120_000);

  const WIDE = (max: string) =>
    `CONFIG_TOO_LARGE: this mapping has more than ${max} keys, the limit for one mapping (no configuration or catalog needs as many: a user has a few dozen fields, spareSeats one per subscription), so the file's values were not checked: remove what does not belong there`;

  // 4,000,000 such keys (44 MB) cost 36 s and 3 GB before the limit, every later stage walking them.
  it('one user of 100,000 unknown keys (1.5 MB): refused at the mapping\'s 10,001st key, as plain block YAML and as any other', async () => {
    const text = unknownKeys(100_000);
    expect(text.length).toBeGreaterThan(1_300_000);
    // The first is read by the block reader, the second (a tab in a comment) by js-yaml: both stop at the same key.
    for (const [name, content] of [['wide.yaml', text], ['wide-tab.yaml', `#\ta tab\n${text}`]] as const) {
      const file = write(name, content);
      const result = await validate('-c', file);
      expect(result.code).toBe(1);
      expectNoCrash(result);
      // The user's two fields and 9,999 unknown keys come first: its 10,001st key is k9998, on line 4 + 9,998.
      const line = name === 'wide.yaml' ? 10_002 : 10_003;
      expect(result.stdout.trimEnd().split('\n')).toEqual([`${file}:${line}:5: ${WIDE('10,000')}`, '1 error, 0 warnings']);
    }
  }, 120_000);

  it('a top level of 1,000,000 keys on one line, in flow style: refused at its 10,001st key', async () => {
    const keys = Array.from({ length: 1_000_000 }, (_, i) => `k${i}: 1`).join(', ');
    const file = write('wide-top.yaml', `{${keys}}\n`);
    const result = await validate('-c', file);
    expect(result.code).toBe(1);
    expectNoCrash(result);
    const column = `{${keys}`.indexOf('k10000:') + 1;
    expect(result.stdout.trimEnd().split('\n')).toEqual([`${file}:1:${column}: ${WIDE('10,000')}`, '1 error, 0 warnings']);
  }, 120_000);

  // Locating the section re-read it: a second parse and index of 4.5 MB took the heap past 250 MB (a 20 MB one: 1.45 GB in all).
  it('a section of 500,000 list items (4.5 MB): one problem at its key, located without reading the section again', async () => {
    const file = write('big-section.yaml', `users: []\njunk:\n${'  - k: 1\n'.repeat(500_000)}`);
    const result = await runCli(['validate', '--database', NO_DATABASE, '-c', file], { env: { NODE_OPTIONS: '--max-old-space-size=150' } });
    expect(result.code).toBe(1);
    expectNoCrash(result);
    expect(result.stdout.trimEnd().split('\n')).toEqual([
      `${file}:2:1: SCHEMA_VALUE_TOO_LARGE: the section "junk" holds more than 10,000 values (keys, list items and scalars), which no tenantctl configuration needs: remove what does not belong there`,
      '1 error, 0 warnings',
    ]);
  }, 120_000);

  it('--format json counts every problem and lists 1,000 of them and the notice', async () => {
    const file = write('keys-json.yaml', unknownKeys(4_000));
    const result = await validate('-c', file, '--format', 'json');
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as { errors: number; warnings: number; diagnostics: { code: string; line: number }[] };
    expect(report.errors).toBe(4_000);
    expect(report.diagnostics).toHaveLength(1_001);
    expect(report.diagnostics.at(-1)).toMatchObject({ code: 'DIAGNOSTICS_LIMIT', line: 1004 });
  }, 120_000);

  it('60,000 one-line users that are all wrong: the check stops past 10,000 problems and says so first', async () => {
    const file = write('wrong-users.yaml', `users:\n${'  - {userPrincipalName: 1}\n'.repeat(60_000)}`);
    const result = await validate('-c', file);
    expect(result.code).toBe(1);
    expectNoCrash(result);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: SCHEMA_CHECK_STOPPED: the schema check of this file stopped before user [\\d,]+, after [\\d,]+ problems`));
    // 1,000 problems listed (the notice among them), the limit's line, the count.
    expect(lines).toHaveLength(1_002);
    const errors = Number(/^(\d+) errors, 0 warnings$/.exec(lines.at(-1)!)![1]);
    expect(errors).toBeGreaterThan(10_000);
    expect(errors).toBeLessThan(60_000);
  }, 120_000);

  it.runIf(LONG)('1,000,000 unknown keys (15 MB): the same, without gigabytes', async () => {
    const file = write('keys-1m.yaml', unknownKeys(1_000_000));
    const result = await validate('-c', file);
    expect(result.code).toBe(1);
    expect(result.stdout.trimEnd().split('\n').at(-1)).toBe('1 error, 0 warnings');
  }, 300_000);

  // 20 s of parsing on this kind of machine: with the long tests. parseYamlSource's budget is tested on its own.
  it.runIf(LONG)('files of more than 10,000,000 values together: the file that passes it is refused, unbuilt', async () => {
    // 2 × 5,200,000 one-character items: 21 MB each, far below the size limits.
    const items = '  - 1\n'.repeat(5_200_000);
    const dir = path.join(scratch, 'many-values');
    fs.mkdirSync(dir);
    for (const name of ['a.yaml', 'b.yaml']) fs.writeFileSync(path.join(dir, name), `junk:\n${items}`);
    const result = await validate('-c', dir);
    expect(result.code).toBe(1);
    expectNoCrash(result);
    expect(result.stdout).toContain(`${path.join(dir, 'a.yaml')}:1:1: SCHEMA_VALUE_TOO_LARGE: the section "junk" holds more than 10,000 values`);
    expect(result.stdout).toContain(`${path.join(dir, 'b.yaml')}: CONFIG_TOO_LARGE: the configuration's files hold more than 10,000,000 values (keys, list items and scalars) together, the limit for one configuration (about 300,000 users); ${path.join(dir, 'b.yaml')} goes past it: split the tenant into several configurations`);
    // Not built, so not checked either: nothing else is said of it.
    expect(result.stdout).not.toMatch(/b\.yaml:\d/);
  }, 120_000);

  // V8 hashes a string of more than 16,383 characters by its length: 2,000 such keys of one length (33 MB) took 22 s.
  it('keys of more than 1,024 characters: refused at the first, written or through an alias; one of 1,024 is read', async () => {
    const long = (i: number) => `${'x'.repeat(16_400)}${String(i).padStart(5, '0')}`;
    const user = 'users:\n  - userPrincipalName: a@contoso.com\n    displayName: A\n';
    const keys = Array.from({ length: 200 }, (_, i) => `    ${long(i)}: v\n`).join('');
    const aliased = `defaults:\n  jobTitle: &t ${'y'.repeat(1_025)}\n${user}    *t : v\n`;
    for (const [name, content, line, column] of [['long-keys.yaml', `${user}${keys}`, 4, 5], ['alias-key.yaml', aliased, 6, 5]] as const) {
      const file = write(name, content);
      const result = await validate('-c', file);
      expect(result.code).toBe(1);
      expectNoCrash(result);
      expect(result.stdout.trimEnd().split('\n')).toEqual([
        `${file}:${line}:${column}: CONFIG_TOO_LARGE: this key is longer than 1,024 characters, the limit for a key (no configuration or catalog needs one as long: a field, a SKU or a domain name has a few dozen), so the file's values were not checked: shorten it or remove it`,
        '1 error, 0 warnings',
      ]);
    }
    // At the limit: read, and told as the unknown field it is.
    const file = write('key-1024.yaml', `${user}    ${'z'.repeat(1_024)}: v\n`);
    const result = await validate('-c', file);
    expect(result.stdout).toMatch(/:4:5: SCHEMA_UNKNOWN_FIELD: unknown field "z+… \(1,024 characters\)"/);
  }, 120_000);

  // V8 hashes them by their length: 2,000 licence or role names of 16,405 characters (33 MB) took the rules' Maps and Sets 9-10 s.
  it('list entries of more than 16,383 characters: told too long, and their list not given to the rules (as any list with an entry it cannot read)', async () => {
    const long = (i: number) => `${'x'.repeat(16_400)}${String(i).padStart(5, '0')}`;
    const roles = [long(0), 'Global administratr', long(1), long(2)].map((role) => `      - ${role}\n`).join('');
    const file = write('long-roles.yaml', `users:\n  - userPrincipalName: a@contoso.com\n    displayName: A\n    roles:\n${roles}`);
    const result = await validate('-c', file);
    expect(result.code).toBe(1);
    expectNoCrash(result);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines.map((line) => /^[^ ]+:(\d+):\d+: ([A-Z_]+):/.exec(line)?.slice(1, 3).join(' ') ?? line)).toEqual([
      '5 SCHEMA_LENGTH',
      '7 SCHEMA_LENGTH',
      '8 SCHEMA_LENGTH',
      '3 errors, 0 warnings',
    ]);
  }, 120_000);

  // js-yaml's events for all of it were 1.4 GB (and 4.5 GB for 64 MiB, 20 s) before it was refused for them.
  it('a one-line list of 10,000,001 items (20 MB): refused for its values once the block reader passes them, unparsed', async () => {
    const file = write('dense-list.yaml', `junk: [${'1,'.repeat(10_000_000)}1]\n`);
    const result = await runCli(['validate', '--database', NO_DATABASE, '-c', file], { env: { NODE_OPTIONS: '--max-old-space-size=200' } });
    expect(result.code).toBe(1);
    expectNoCrash(result);
    expect(result.stdout.trimEnd().split('\n')).toEqual([
      `${file}: CONFIG_TOO_LARGE: the configuration's files hold more than 10,000,000 values (keys, list items and scalars) together, the limit for one configuration (about 300,000 users); ${file} goes past it: split the tenant into several configurations`,
      '1 error, 0 warnings',
    ]);
  }, 120_000);

  // 66 MB to write and 1.7 GB to refuse: with the long tests.
  it.runIf(LONG)('a 66 MB one-line list that js-yaml reads (33 million items): js-yaml stops at the budget, within a 7 GB runner\'s heap', async () => {
    // Before the bound on js-yaml's events (scripts/js-yaml-event-limit.mjs): 18 s and 4.6 GB, out of memory here.
    const file = path.join(scratch, 'dense-66.yaml');
    const fd = fs.openSync(file, 'w');
    fs.writeSync(fd, 'y: {a: 1}\nx: [');
    const chunk = '1,'.repeat(1_000_000);
    for (let i = 0; i < 33; i++) fs.writeSync(fd, chunk);
    fs.writeSync(fd, '1]\n');
    fs.closeSync(fd);
    const result = await runCli(['validate', '--database', NO_DATABASE, '-c', file], { env: { NODE_OPTIONS: '--max-old-space-size=1750' } });
    expect(result.code).toBe(1);
    expectNoCrash(result);
    expect(result.stdout).toContain(`${file}: CONFIG_TOO_LARGE: the configuration's files hold more than 10,000,000 values`);
    fs.rmSync(file);
  }, 300_000);

  /** `users` users sharing one anchored list of `items` unknown roles: items × users problems from a small file. */
  const sharedRoles = (prefix: string, items: number, users: number): string =>
    `users:\n  - {userPrincipalName: ${prefix}0@contoso.com, displayName: U, roles: &r [${Array(items).fill('x').join(',')}]}\n` +
    Array.from({ length: users - 1 }, (_, i) => `  - {userPrincipalName: ${prefix}${i + 1}@contoso.com, displayName: U, roles: *r}\n`).join('');

  it('a 27 KB file that makes a million problems: all counted, 10,000 built, within 300 MB of heap', async () => {
    const file = write('shared-roles.yaml', sharedRoles('u', 9_990, 100));
    expect(fs.statSync(file).size).toBeLessThan(30_000);
    // One diagnostic object per problem was 1.5 GB here, and a dozen such files a crash.
    const result = await runCli(['validate', '--database', NO_DATABASE, '-c', file], { env: { NODE_OPTIONS: '--max-old-space-size=300' } });
    expect(result.code).toBe(1);
    expectNoCrash(result);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(1_002);
    expect(lines[0]).toMatch(/:2:\d+: ROLE_UNKNOWN: unknown admin role "x"/);
    expect(lines.at(-2)).toMatch(/DIAGNOSTICS_LIMIT: … and 998,001 more problems not shown \(limit 1,000\)/);
    expect(lines.at(-1)).toBe('999001 errors, 0 warnings');
  }, 120_000);

  it('files each within their own alias limit: the limit holds for all of them together', async () => {
    const dir = path.join(scratch, 'alias-files');
    fs.mkdirSync(dir);
    // 600,000 values each from 12 KB: one file passes, the second takes the configuration past 1,000,000.
    const junk = `users: []\njunk:\n  - &r [${Array(6_000).fill('x').join(',')}]\n${'  - *r\n'.repeat(99)}`;
    // c.yaml's directive sends it through the parser that finds every problem: its aliases count the same.
    for (const name of ['a', 'b', 'c']) fs.writeFileSync(path.join(dir, `${name}.yaml`), `${name === 'c' ? '%YAML 1.2\n---\n' : ''}${junk}`);
    const result = await validate('-c', dir);
    expect(result.code).toBe(1);
    expectNoCrash(result);
    const lines = result.stdout.trimEnd().split('\n');
    for (const name of ['b', 'c']) {
      const file = path.join(dir, `${name}.yaml`);
      expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^${file}: YAML_ALIAS_LIMIT: aliases expand the configuration's files to [\\d,]+ values together although they write only [\\d,]+`)));
    }
    expect(result.stdout).toContain('(the limit is 1,000,000, against "billion laughs" files split over several files)');
    // Not built, so not checked either.
    expect(result.stdout).not.toMatch(/[bc]\.yaml:\d+:\d+:/);
  }, 120_000);

  it('one anchored user and 20,000 "- *u" alias lines (140 KB): every duplicate located, the list capped', async () => {
    const text = `users:\n  - &u\n    userPrincipalName: a@contoso.com\n    displayName: A\n${'  - *u\n'.repeat(20_000)}`;
    expect(text.length).toBeGreaterThan(140_000);
    const file = write('aliases.yaml', text);
    const result = await validate('-c', file);
    expect(result.code).toBe(1);
    expectNoCrash(result);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines.slice(0, -1).every((line) => LOCATED.test(line))).toBe(true);
    // Each alias line is the place that declares the user again, the anchored user the place it was declared first.
    expect(lines[0]).toBe(`${file}:5:5: UPN_DUPLICATE: a@contoso.com is declared twice: this entry is an alias of the user declared before, so it declares that user again; remove the alias (see also ${file}:3:5)`);
    expect(lines.filter((line) => / UPN_DUPLICATE: a@contoso\.com is declared twice: this entry is an alias/.test(line)).length).toBeGreaterThan(900);
    expect(lines.at(-2)).toBe(`${file}:1005:5: DIAGNOSTICS_LIMIT: … and 39,002 more problems not shown (limit 1,000); fix the ones above and run validate again`);
    expect(lines.at(-1)).toBe('20001 errors, 20001 warnings');
  }, 120_000);
});

/** `defaults.jobTitle` anchored as one long string, and `users` users each echoing it through `line(i)`. */
function longAnchor(length: number, users: number, line: string): string {
  const entries = Array.from({ length: users }, (_, i) => `  - userPrincipalName: u${i}@contoso.com\n    displayName: U${i}\n    ${line}\n`);
  return `defaults: {jobTitle: &a ${'x'.repeat(length)}}\nusers:\n${entries.join('')}`;
}

describe('one long anchored string, echoed through aliases: bounded work and output', () => {
  it('a 100 KB string as the key of 200 users: refused at the first alias, a key longer than 1,024 characters, in two lines', async () => {
    const file = write('long-key.yaml', longAnchor(100_000, 200, '*a : 1'));
    const result = await validate('-c', file);
    expect(result.code).toBe(1);
    expectNoCrash(result);
    expect(result.stdout).toBe(
      `${file}:5:5: CONFIG_TOO_LARGE: this key is longer than 1,024 characters, the limit for a key (no configuration or catalog needs one as long: a field, a SKU or a domain name has a few dozen), so the file's values were not checked: shorten it or remove it\n` +
        '1 error, 0 warnings\n',
    );
  }, 120_000);

  it('a 100 KB string as the job title of 200 users (120 KB written, 20 MB expanded): refused at the first alias, in two lines', async () => {
    const text = longAnchor(100_000, 200, 'jobTitle: *a');
    expect(text.length).toBeLessThan(120_000);
    const file = write('long-value.yaml', text);
    const result = await validate('-c', file);
    expect(result.code).toBe(1);
    expectNoCrash(result);
    expect(result.stdout).toBe(
      `${file}:5:15: YAML_ALIAS_LIMIT: aliases expand this file to 20,111,001 characters of text although it is only ${text.length.toLocaleString('en-US')} long` +
        ' (the limit is 16,777,216: twice its length, or 16 MiB if that is more); write long values out where they are needed instead of repeating them through aliases\n' +
        '1 error, 0 warnings\n',
    );
  }, 120_000);

  it('a 10 KB string as a role of 1,000 users (10 MB expanded, under the limit): every message quotes at most 200 characters of it', async () => {
    const file = write('long-role.yaml', longAnchor(10_000, 1_000, 'roles: [*a]'));
    const result = await validate('-c', file);
    expect(result.code).toBe(1);
    expectNoCrash(result);
    const lines = result.stdout.trimEnd().split('\n');
    const unknown = lines.filter((line) => line.includes(': ROLE_UNKNOWN: '));
    expect(unknown.length).toBeGreaterThan(400);
    expect(unknown[0]).toBe(
      `${file}:5:13: ROLE_UNKNOWN: unknown admin role "${'x'.repeat(200)}… (10,000 characters)"; use an admin center name such as "Global administrator" or a role template id`,
    );
    expect(Math.max(...lines.map((line) => line.length))).toBeLessThan(2_200 + file.length);
    expect(result.stdout.length).toBeLessThan(1_000_000);
  }, 120_000);

  it('an unknown key of 1,024 characters (the longest read) in 1,000 users: no suggestion worked out, every message short', async () => {
    const file = write('long-unknown-key.yaml', longAnchor(1_024, 1_000, '*a : 1'));
    const result = await validate('-c', file);
    expect(result.code).toBe(1);
    expectNoCrash(result);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[1]).toMatch(new RegExp(`^${file}:5:5: SCHEMA_UNKNOWN_FIELD: unknown field "x{200}… \\(1,024 characters\\)"; a user takes: userPrincipalName, `));
    expect(Math.max(...lines.map((line) => line.length))).toBeLessThan(2_200 + file.length);
  }, 120_000);
});

describe('hostile input files: only regular files, within the limits', () => {
  const fifo = path.join(scratch, 'pipe.yaml');
  const NOT_A_FILE = 'not a regular file; tenantctl reads only regular files (save the content to a file and give its path)';

  it('-c /dev/zero: refused before reading, not 12 GB later', async () => {
    const result = await validate('-c', '/dev/zero');
    expect(result.code).toBe(1);
    expect(result.stdout).toBe(`/dev/zero: CONFIG_NOT_A_FILE: /dev/zero is a character device, ${NOT_A_FILE}\n1 error, 0 warnings\n`);
  });

  it('-c on a FIFO: refused, not a hang', async () => {
    execFileSync('mkfifo', [fifo]);
    const result = await validate('-c', fifo);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`${fifo}: CONFIG_NOT_A_FILE: ${fifo} is a named pipe (FIFO), ${NOT_A_FILE}`);
  });

  it('init --catalog and apply --plan refuse devices and FIFOs the same way', async () => {
    if (!fs.existsSync(fifo)) execFileSync('mkfifo', [fifo]);
    const init = await runCli(['init', '--database', 'memory://', '--catalog', '/dev/zero']);
    expect(init.code).toBe(1);
    expect(init.stderr).toContain(`/dev/zero: CONFIG_NOT_A_FILE: /dev/zero is a character device, ${NOT_A_FILE}`);
    const apply = await runCli(['apply', '--database', 'memory://', '--plan', fifo, '--auto-approve']);
    expect(apply.code).toBe(1);
    expect(apply.stderr).toContain(`cannot read the plan: ${fifo} is a named pipe (FIFO), ${NOT_A_FILE}`);
    const missing = path.join(scratch, 'no-such-plan.json');
    const absent = await runCli(['apply', '--database', 'memory://', '--plan', missing, '-c', 'examples/contoso', '--auto-approve']);
    expect(absent).toMatchObject({ code: 1, stderr: `Error: cannot read the plan ${missing}: no such file or folder (ENOENT)\n` });
  });

  it('apply --plan refuses a plan nested deeper than any plan before JSON.parse spends seconds and gigabytes on it', async () => {
    // 20 MB of `[`: JSON.parse alone takes 6.5 s and 1.4 GB here; the 256 MiB a plan may be, 65 s and 11 GB.
    const deep = path.join(scratch, 'deep-plan.json');
    fs.writeFileSync(deep, '['.repeat(20_000_000));
    const apply = await runCli(['apply', '--database', 'memory://', '--plan', deep, '-c', 'examples/contoso', '--auto-approve'], { env: { NODE_OPTIONS: '--max-old-space-size=300' } });
    expect(apply).toMatchObject({
      code: 1,
      stderr: `Error: cannot read the plan ${deep}: ${deep}:1:65: nested more than 64 levels deep, which no plan is; it is not a plan tenantctl wrote: make it again with \`tenantctl plan --out\`\n`,
    });
  }, 60_000);

  it('apply --plan refuses a plan with more arrays, objects or values for its size than any plan, before JSON.parse', async () => {
    // A 256 MiB file of `[],` cost JSON.parse 215 s and 7 GB; these are small copies of such files.
    const wide = path.join(scratch, 'wide-plan.json');
    fs.writeFileSync(wide, `[${'[],'.repeat(1_000_000)}[]]`);
    const containers = await runCli(['apply', '--database', 'memory://', '--plan', wide, '-c', 'examples/contoso', '--auto-approve'], { env: { NODE_OPTIONS: '--max-old-space-size=300' } });
    // 3,000,003 bytes allow 100,000 + 62,500 arrays: the one after them opens at column 3 × 162,500 − 1.
    expect(containers).toMatchObject({
      code: 1,
      stderr: `Error: cannot read the plan ${wide}: ${wide}:1:487499: more than 162,500 arrays and objects, far more for its size than any plan holds; it is not a plan tenantctl wrote: make it again with \`tenantctl plan --out\`\n`,
    });
    const many = path.join(scratch, 'many-values.json');
    fs.writeFileSync(many, `[${'0,'.repeat(2_000_000)}0]`);
    const values = await runCli(['apply', '--database', 'memory://', '--plan', many, '-c', 'examples/contoso', '--auto-approve'], { env: { NODE_OPTIONS: '--max-old-space-size=300' } });
    // 4,000,003 bytes allow 100,000 + 500,000 values: the array is one, each comma one more.
    expect(values).toMatchObject({
      code: 1,
      stderr: `Error: cannot read the plan ${many}: ${many}:1:1200001: more than 600,000 values, far more for its size than any plan holds; it is not a plan tenantctl wrote: make it again with \`tenantctl plan --out\`\n`,
    });
  }, 60_000);

  it('apply --plan refuses more fields of objects for its size than any plan, in all or in one object, before JSON.parse', async () => {
    // 64 MiB of `"k":0,` (8 million names in one object) cost JSON.parse 13 s and 1.5 GB; 256 MiB would pass the 4 GB heap.
    const plan = (file: string, text: string) => {
      fs.writeFileSync(file, text);
      return { size: fs.statSync(file).size, run: () => runCli(['apply', '--database', 'memory://', '--plan', file, '-c', 'examples/contoso', '--auto-approve'], { env: { NODE_OPTIONS: '--max-old-space-size=300' } }) };
    };
    const refused = (file: string, problem: string) => new RegExp(`^Error: cannot read the plan ${file}: ${file}:1:\\d+: ${problem}, far more for its size than any plan holds; it is not a plan tenantctl wrote`);
    const one = path.join(scratch, 'one-wide-object.json');
    const wide = plan(one, `{${Array.from({ length: 1_000_000 }, (_, i) => `"${i.toString(36)}":0`).join(',')}}`);
    const inOne = await wide.run();
    expect(inOne.code).toBe(1);
    expect(inOne.stderr).toMatch(refused(one, `more than ${(100_000 + Math.floor(wide.size / 128)).toLocaleString('en-US')} different field names and short texts`));
    const same = path.join(scratch, 'one-name-repeated.json');
    const repeated = plan(same, `{${Array(1_000_000).fill('"k":0').join(',')}}`);
    const sameName = await repeated.run();
    expect(sameName.code).toBe(1);
    expect(sameName.stderr).toMatch(refused(same, `an object of more than ${(100_000 + Math.floor(repeated.size / 128)).toLocaleString('en-US')} fields`));
    const many = path.join(scratch, 'many-fields.json');
    const object = `{${Array.from({ length: 100 }, (_, i) => `"a${i}":0`).join(',')}}`;
    const manyFields = plan(many, `[${Array(10_000).fill(object).join(',')}]`);
    const inAll = await manyFields.run();
    expect(inAll.code).toBe(1);
    expect(inAll.stderr).toMatch(refused(many, `more than ${(100_000 + Math.floor(manyFields.size / 16)).toLocaleString('en-US')} fields in objects`));
  }, 60_000);

  it('apply --plan refuses small objects of more shapes for their size than any plan, before JSON.parse builds a class for each', async () => {
    // V8 builds a hidden class for each new list of names: 30 MB of small objects whose 3.2 million names all differed cost JSON.parse 47 s and 2.4 GB.
    const run = (file: string) => runCli(['apply', '--database', 'memory://', '--plan', file, '-c', 'examples/contoso', '--auto-approve'], { env: { NODE_OPTIONS: '--max-old-space-size=300' } });
    const refused = (file: string, size: number) =>
      new RegExp(`^Error: cannot read the plan ${file}: ${file}:1:\\d+: objects of more than ${(10_000 + Math.floor(size / 1024)).toLocaleString('en-US')} different shapes, far more for its size than any plan holds; it is not a plan tenantctl wrote`);
    let n = 0;
    const distinct = path.join(scratch, 'distinct-names.json');
    fs.writeFileSync(distinct, `[${Array.from({ length: 100_000 }, () => `{${Array.from({ length: 32 }, () => `"${(n++).toString(36)}":0`).join(',')}}`).join(',')}]`);
    const allDistinct = await run(distinct);
    expect(allDistinct.code).toBe(1);
    expect(allDistinct.stderr).toMatch(refused(distinct, fs.statSync(distinct).size));
    // 16 of the same 64 names in another order in each object: as many classes, though no name is new.
    let seed = 1;
    const random = (below: number) => (seed = (seed * 48_271) % 2_147_483_647) % below;
    const names = Array.from({ length: 64 }, (_, i) => `"a_field_name_${i}":0`);
    const shuffled = () => {
      const pool = [...names];
      for (let i = pool.length - 1; i > 0; i--) {
        const j = random(i + 1);
        [pool[i], pool[j]] = [pool[j]!, pool[i]!];
      }
      return pool.slice(0, 16);
    };
    const reordered = path.join(scratch, 'reordered-names.json');
    fs.writeFileSync(reordered, `[${Array.from({ length: 10_000 }, () => `{${shuffled().join(',')}}`).join(',')}]`);
    const inOrders = await run(reordered);
    expect(inOrders.code).toBe(1);
    expect(inOrders.stderr).toMatch(refused(reordered, fs.statSync(reordered).size));
    // 128 index fields ("0") in front of each: elements to V8, so the names after them still build a class each.
    const indexed = path.join(scratch, 'index-prefixed.json');
    fs.writeFileSync(indexed, `[${Array.from({ length: 1_000 }, () => `{${'"0":0,'.repeat(128)}${Array.from({ length: 127 }, () => `"${(n++).toString(36)}":0`).join(',')}}`).join(',')}]`);
    const behindIndexes = await run(indexed);
    expect(behindIndexes.code).toBe(1);
    expect(behindIndexes.stderr).toMatch(refused(indexed, fs.statSync(indexed).size));
    // The same names in objects of 1 to 128 fields: V8 starts each size from a class of its own, so they share no shapes.
    const shared = Array.from({ length: 128 }, (_, i) => `"n${i}":0`);
    const sizes = path.join(scratch, 'every-size.json');
    fs.writeFileSync(sizes, `[${Array.from({ length: 20 * 128 }, (_, k) => `{${[`"c${Math.floor(k / 128)}":0`, ...shared.slice(1, (k % 128) + 1)].join(',')}}`).join(',')}]`);
    const ofEverySize = await run(sizes);
    expect(ofEverySize.code).toBe(1);
    expect(ofEverySize.stderr).toMatch(refused(sizes, fs.statSync(sizes).size));
  }, 60_000);

  it('apply --plan refuses a field name longer than any plan\'s, before JSON.parse hashes it by its length alone', async () => {
    // Names of more than 16,383 characters of one length all collide in V8's string table: 80 MB of them cost the scan 36 s and JSON.parse 33 s.
    const file = path.join(scratch, 'long-names.json');
    fs.writeFileSync(file, `[${Array.from({ length: 50 }, (_, i) => `{"${'a'.repeat(20_000)}${i.toString(36).padStart(5, '0')}":1}`).join(',')}]`);
    const apply = await runCli(['apply', '--database', 'memory://', '--plan', file, '-c', 'examples/contoso', '--auto-approve']);
    expect(apply).toMatchObject({
      code: 1,
      stderr: `Error: cannot read the plan ${file}: ${file}:1:3: a field name of more than 1,024 bytes, far longer than any plan's; it is not a plan tenantctl wrote: make it again with \`tenantctl plan --out\`\n`,
    });
  }, 60_000);

  it('apply --plan refuses more different short texts for its size than any plan, before JSON.parse interns each', async () => {
    // V8 interns every string of at most 10 characters: 256 MiB of 33.5 million different ones cost JSON.parse 33 s and 3.1 GB.
    const file = path.join(scratch, 'short-texts.json');
    fs.writeFileSync(file, `[${Array.from({ length: 1_000_000 }, (_, i) => `"${i.toString(36)}"`).join(',')}]`);
    const size = fs.statSync(file).size;
    const apply = await runCli(['apply', '--database', 'memory://', '--plan', file, '-c', 'examples/contoso', '--auto-approve'], { env: { NODE_OPTIONS: '--max-old-space-size=300' } });
    expect(apply.code).toBe(1);
    expect(apply.stderr).toMatch(
      new RegExp(`^Error: cannot read the plan ${file}: ${file}:1:\\d+: more than ${(100_000 + Math.floor(size / 128)).toLocaleString('en-US')} different field names and short texts, far more for its size than any plan holds; it is not a plan tenantctl wrote`),
    );
  }, 60_000);

  it('apply --plan names the first schema problem of a plan of 10,000 empty changes, not all 1.2 million', async () => {
    // 32 KB: every change's 119 errors, each list concatenated onto the last, took ajv four minutes and 1.3 GB.
    const plan = JSON.parse(fs.readFileSync('test/render/__snapshots__/mixed.json', 'utf8')) as Record<string, unknown>;
    const empty = path.join(scratch, 'empty-changes.json');
    fs.writeFileSync(empty, JSON.stringify({ ...plan, changes: [] }, null, 2).replace('"changes": []', `"changes": [${Array(10_000).fill('{}').join(',')}]`));
    const apply = await runCli(['apply', '--database', 'memory://', '--plan', empty, '-c', 'examples/contoso', '--auto-approve'], { env: { NODE_OPTIONS: '--max-old-space-size=200' } });
    // At the first change, where the file names it.
    const text = fs.readFileSync(empty, 'utf8');
    const first = text.indexOf('"changes": [') + '"changes": ['.length;
    const line = text.slice(0, first).split('\n').length;
    const column = first - text.lastIndexOf('\n', first - 1);
    expect(apply).toMatchObject({ code: 1, stderr: `Error: ${empty} is not a valid plan:\n${empty}:${line}:${column}: PLAN_FILE: missing required field "kind"\n` });
  }, 60_000);

  it('init --catalog names --catalog for a path that is not there, and refuses a directory rather than read its first file', async () => {
    const missing = path.join(scratch, 'no-such-catalog.yaml');
    const absent = await runCli(['init', '--database', 'memory://', '--catalog', missing]);
    expect(absent).toMatchObject({
      code: 1,
      stderr: `Error: the catalog ${missing} is invalid:\n${missing}: CONFIG_NOT_FOUND: ${missing} does not exist; check the path given with --catalog\n1 error, 0 warnings\n`,
    });
    // examples/contoso holds catalog.yaml, but -c would read its first file, tenant.yaml.
    const folder = await runCli(['init', '--database', 'memory://', '--catalog', 'examples/contoso']);
    expect(folder).toMatchObject({
      code: 1,
      stderr: 'Error: the catalog examples/contoso is invalid:\nexamples/contoso: CONFIG_NOT_A_FILE: examples/contoso is a directory; --catalog takes one YAML file, such as catalog.yaml\n1 error, 0 warnings\n',
    });
  });

  it('a configuration file over 64 MiB is refused with the limit named', async () => {
    const file = path.join(scratch, 'huge.yaml');
    fs.writeFileSync(file, 'users: []\n');
    fs.truncateSync(file, 64 * 1024 * 1024 + 1);
    const result = await validate('-c', file);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`${file}: CONFIG_TOO_LARGE: ${file} is larger than 64 MiB, the limit for one configuration file; split it into several files`);
  });
});

/** A catalog of `subscriptions` subscriptions of `plans` plans each; in each, the first `dependents` plans need the plans from `from` on. */
function catalogOf(subscriptions: number, plans: number, dependents = 0, from = 0): string {
  const names = Array.from({ length: plans }, (_, i) => `P${String(i).padStart(4, '0')}`);
  const needs = `[${names.slice(from).join(', ')}]`;
  const dependencies = dependents === 0 ? '' : `    planDependencies:\n${names.slice(0, dependents).map((plan) => `      ${plan}: ${needs}\n`).join('')}`;
  const entries = Array.from(
    { length: subscriptions },
    (_, i) => `  - sku: PACK_${i}\n    productName: Pack ${i}\n    seats: 10\n    unitPrice: 1.00\n    currency: USD\n    servicePlans: [${names.join(', ')}]\n${dependencies}`,
  );
  return `domains:\n  - { name: contoso.com, verified: true, default: true }\nsubscriptions:\n${entries.join('')}`;
}

describe('hostile catalogs: refused by init before the database is touched, located', () => {
  const init = (file: string) => runCli(['init', '--database', path.join(scratch, 'never-made'), '--catalog', file]);

  it('the reported 216 KB catalog (600 plans, 100 of them needing 300): refused by the limit of 500 plans per subscription', async () => {
    const file = write('catalog-600-plans.yaml', catalogOf(1, 600, 100, 300));
    const result = await init(file);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`Error: the catalog ${file} is invalid:\n${file}:9:19: CATALOG_SCHEMA: "servicePlans" must NOT have more than 500 items\n1 error, 0 warnings\n`);
    expect(fs.existsSync(path.join(scratch, 'never-made'))).toBe(false);
  });

  it('20,000 dependencies in one subscription (100 plans each needing 200): CATALOG_TOO_LARGE at its planDependencies', async () => {
    const file = write('catalog-dependencies.yaml', catalogOf(1, 500, 100, 300));
    const result = await init(file);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `${file}:10:5: CATALOG_TOO_LARGE: PACK_0 states 20,000 plan dependencies, more than the 1,000 a subscription may; state only the dependencies Entra enforces\n1 error, 0 warnings\n`,
    );
  });

  it('a million unknown keys in 125 subscriptions (13 MB): one CATALOG_TOO_LARGE where the catalog passes 250,000 values, not a million schema problems', async () => {
    const subscription = (s: number) => `  - {${Array.from({ length: 8_000 }, (_, i) => `k${s}_${i}: 1`).join(', ')}}\n`;
    const file = write('catalog-unknown-keys.yaml', `domains:\n  - { name: contoso.com, verified: true, default: true }\nsubscriptions:\n${Array.from({ length: 125 }, (_, s) => subscription(s)).join('')}`);
    const result = await init(file);
    expectNoCrash(result);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `Error: the catalog ${file} is invalid:\n${file}:19:5: CATALOG_TOO_LARGE: here the catalog passes 250,000 values (keys, list items and scalars), more than a catalog at every limit holds (about 200,000); remove what does not belong in a catalog\n1 error, 0 warnings\n`,
    );
    expect(fs.existsSync(path.join(scratch, 'never-made'))).toBe(false);
  });

  it('a catalog of 3,000,001 one-character items (6 MB): parsed no further than 2,500,000 values, and told so as a catalog', async () => {
    // Parsed to the configuration's 10,000,000 values, a 22 MB one cost 1.8 s and 345 MB and was told to split the tenant.
    const file = write('catalog-dense.yaml', `domains: [${'1,'.repeat(3_000_000)}1]\n`);
    const result = await init(file);
    expectNoCrash(result);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `Error: the catalog ${file} is invalid:\n${file}: CATALOG_TOO_LARGE: the catalog holds more than 2,500,000 values (keys, list items and scalars), far more than a catalog at every limit holds (about 200,000), and was not read further: remove what does not belong in a catalog\n1 error, 0 warnings\n`,
    );
    expect(fs.existsSync(path.join(scratch, 'never-made'))).toBe(false);
  });

  it('a subscription of a million unknown keys (13 MB): refused by the parse at its 10,001st key', async () => {
    const keys = Array.from({ length: 1_000_000 }, (_, i) => `k${i}: 1`).join(', ');
    const file = write('catalog-wide.yaml', `domains:\n  - { name: contoso.com, verified: true, default: true }\nsubscriptions:\n  - {${keys}}\n`);
    const result = await init(file);
    expectNoCrash(result);
    expect(result.code).toBe(1);
    const column = `  - {${keys}`.indexOf('k10000:') + 1;
    expect(result.stderr).toBe(
      `Error: the catalog ${file} is invalid:\n${file}:4:${column}: CONFIG_TOO_LARGE: this mapping has more than 10,000 keys, the limit for one mapping (no configuration or catalog needs as many: a user has a few dozen fields, spareSeats one per subscription), so the file's values were not checked: remove what does not belong there\n1 error, 0 warnings\n`,
    );
  });

  it('a catalog at every limit (5,000 domains, 1,000 subscriptions, 20,000 plans, dependencies and countries) is within the bound on values', () => {
    const domains = Array.from({ length: 5_000 }, (_, i) => `  - { name: d${i}.contoso.com, verified: true, default: ${i === 0} }\n`).join('');
    const subscription = (i: number, plans: number, extra: number): string => {
      const names = Array.from({ length: plans }, (_, p) => `P${i}_${p}`);
      const needs = (p: number) => (p < extra ? [names[(p + 1) % plans], names[(p + 2) % plans]] : [names[(p + 1) % plans]]);
      const lists = plans < 2 ? '' : `    planDependencies: {${names.map((n, p) => `${n}: [${needs(p).join(', ')}]`).join(', ')}}\n    unavailableIn: {${names.map((n, p) => `${n}: [${p < extra ? 'US, NL' : 'US'}]`).join(', ')}}\n`;
      return `  - sku: S${i}\n    productName: Product ${i}\n    seats: 10\n    unitPrice: 1.00\n    currency: USD\n    purchasable: true\n    servicePlans: [${names.join(', ')}]\n${lists}`;
    };
    // 38 subscriptions of 500 plans, each plan needing one (two for the first 27) and missing from one country (two for the first 27); 962 of one plan.
    const subscriptions = Array.from({ length: 1_000 }, (_, i) => (i < 38 ? subscription(i, 500, i < 37 ? 27 : 1) : subscription(i, 1, 0))).join('');
    const file = write('catalog-at-every-limit.yaml', `domains:\n${domains}subscriptions:\n${subscriptions}`);
    const { diagnostics } = readCatalogFile(file);
    expect(diagnostics).toEqual([]);
  });

  it('41 subscriptions of 500 plans: CATALOG_TOO_LARGE at the subscription that passes 20,000 plans, once', async () => {
    const file = write('catalog-plans.yaml', catalogOf(41, 500));
    const result = await init(file);
    expect(result.code).toBe(1);
    const line = 3 + 40 * 6 + 6;
    expect(result.stderr).toContain(
      `${file}:${line}:19: CATALOG_TOO_LARGE: with PACK_40, the catalog states more than 20,000 service plans, the limit for one catalog; load only the subscriptions the tenant has\n1 error, 0 warnings\n`,
    );
  });
});

describe('values the database cannot store: refused by validate, located, never a raw database error at apply', () => {
  const user = (displayName: string) =>
    `users:\n  - userPrincipalName: megan.bowen@contoso.com\n    displayName: "${displayName}"\n    roles: [Global administrator]\n`;

  it.each([
    ['a NUL character', 'a\\0b', 'holds a NUL character (\\0), which the database cannot store; remove it'],
    ['a lone surrogate', '\\uDC00', 'holds half of a character (a lone surrogate, \\uDC00), which cannot be stored as UTF-8; remove it or write the whole character'],
  ])('displayName with %s: validate and apply fail with TEXT_NOT_STORABLE, nothing is changed', async (_, value, reason) => {
    const file = write(`unstorable-${value.length}.yaml`, user(value));
    const result = await validate('-c', file);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe(`${file}:3:18: TEXT_NOT_STORABLE: "displayName" ${reason}\n1 error, 0 warnings\n`);
    // validate refuses the value before any database is read: the engine is not the subject (PostgreSQL when the test server runs).
    const database = await contosoDatabase('initialised', `hostile_unstorable_${value.length}`, path.join(scratch, `db-${value.length}`));
    const apply = await runCli(['apply', '--database', database, '-c', file, '--auto-approve', '--approve-privileged']);
    expect(apply.code).toBe(1);
    expect(apply.stderr).toContain(`${file}:3:18: TEXT_NOT_STORABLE`);
    expectNoCrash(apply);
    const exported = await runCli(['export', '--database', database]);
    expect(exported.stdout).not.toContain('megan.bowen');
  }, 180_000);

  it('a catalog price with a third decimal and the currency XXX are refused at init, located', async () => {
    const catalog = fs.readFileSync('examples/contoso/catalog.yaml', 'utf8').replace('unitPrice: 5.00', 'unitPrice: 0.004').replace(/currency: USD/g, 'currency: XXX');
    const file = write('catalog.yaml', catalog);
    const result = await runCli(['init', '--database', 'memory://', '--catalog', file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${file}:13:16: CATALOG_INVALID: unitPrice 0.004 of O365_BUSINESS_ESSENTIALS has more than two decimals, which would be stored as 0.00; write the price in whole cents`);
    expect(result.stderr).toContain(`${file}:14:15: CATALOG_INVALID: currency XXX of O365_BUSINESS_ESSENTIALS is not an ISO 4217 currency in use`);
  });

  it('a catalog text with a NUL character is refused at init, located', async () => {
    const catalog = fs.readFileSync('examples/contoso/catalog.yaml', 'utf8').replace('productName: Office 365 Business Essentials', 'productName: "Office\\0 365"');
    const file = write('catalog-nul.yaml', catalog);
    const result = await runCli(['init', '--database', 'memory://', '--catalog', file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${file}:11:18: TEXT_NOT_STORABLE: "productName" holds a NUL character`);
  });
});
