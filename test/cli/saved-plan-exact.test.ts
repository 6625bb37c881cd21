import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { dumpEmbedded, dumpPostgres, type DirectoryDump } from '../reliability/support/directory-dump.js';
import { copyContoso, QUIET, ROOT, runCli, tempDir } from '../support/cli.js';
import { describePostgres } from '../support/postgres.js';
import { contosoFolder, contosoPostgres } from '../support/contoso-database.js';
import { CI_COMMIT_VARIABLES } from '../../src/workflow/git-commit.js';

/**
 * apply --plan takes a file that is byte for byte what `plan --out` writes for
 * the recomputed plan without parsing it (TENANTCTL_DEBUG_TRACE says which
 * check it went through); any other file is checked in full, and refused
 * with the message it got before the quick check existed.
 */

const EXACT = 'tenantctl debug: saved plan: exactly the recomputed plan';
const IN_FULL = 'tenantctl debug: saved plan: checked in full';
/** What apply says once a saved plan passed every check, run without --auto-approve and without a terminal. */
// Reached the confirmation (worded for CI when the suite runs with CI set).
const ACCEPTED = 'pass --auto-approve in automation; nothing was changed';
const NOT_THE_PLAN = 'is not the plan the configuration and the tenant give, so it was not applied:';

/** `text` with `from` replaced once, at its first occurrence after `after` (which must be there too). */
function replaceAfter(text: string, after: string, from: string, to: string): string {
  const start = text.indexOf(after);
  expect(start, `the plan holds ${after}`).toBeGreaterThanOrEqual(0);
  const at = text.indexOf(from, start);
  expect(at, `the plan holds ${from} after ${after}`).toBeGreaterThanOrEqual(0);
  return text.slice(0, at) + to + text.slice(at + from.length);
}

/** Where a change of `kind` to `upn` starts in the plan's text. */
const change = (kind: string, upn: string) => `"kind": "${kind}",\n      "userPrincipalName": "${upn}"`;
const FENNA = change('user.update', 'fenna.deboer@contoso.com');

interface Edit {
  readonly name: string;
  readonly edit: (text: string) => string;
  /** What stderr must hold; ACCEPTED for an edit that changes nothing the plan says. */
  readonly expected: readonly string[];
}

const EDITS: readonly Edit[] = [
  {
    name: "one byte of a user's state before the change (inside a multi-byte address)",
    edit: (text) => replaceAfter(text, `${FENNA}`, 'Bâtiment', 'Bátiment'),
    expected: [NOT_THE_PLAN, 'the saved plan updates fenna.deboer@contoso.com with different before than the configuration'],
  },
  {
    name: "one byte of a user's state after the change",
    edit: (text) => replaceAfter(text, `${FENNA}`, '"jobTitle": "Head of Marketing"', '"jobTitle": "Head of Marketinf"'),
    expected: [NOT_THE_PLAN, 'the saved plan updates fenna.deboer@contoso.com with different after than the configuration'],
  },
  {
    name: 'one byte of a user hash in the fingerprint',
    edit: (text) => replaceAfter(text, '"lotte.smit@contoso.com": "sha256:', 'sha256:', 'sha256:X'),
    expected: ['the tenant changed since this plan was made, so it was not applied:', 'lotte.smit@contoso.com was modified'],
  },
  {
    name: 'one byte of planHash',
    edit: (text) => text.replace(/("planHash": "sha256:)([0-9a-f])/, (_, head: string, digit: string) => `${head}${digit === '0' ? '1' : '0'}`),
    expected: ['was edited after `tenantctl plan --out` wrote it: its planHash does not match its changes and purchases, so it was not applied'],
  },
  {
    name: 'the restorable-until date of the deletion (planHash left as it was)',
    edit: (text) => replaceAfter(text, change('user.delete', 'noah.hendriks@contoso.com'), '"restorableUntil": "2', '"restorableUntil": "3'),
    expected: ['was edited after `tenantctl plan --out` wrote it'],
  },
  {
    name: 'settings.adminEmail in the envelope',
    edit: (text) => replaceAfter(text, '"settings": {', '"adminEmail": "it-desk@contoso.com"', '"adminEmail": "it-desk@evil.example"'),
    expected: [NOT_THE_PLAN, 'the saved plan has settings.adminEmail "it-desk@evil.example", the configuration "it-desk@contoso.com"'],
  },
  {
    name: 'configHash in the envelope',
    edit: (text) => text.replace(/("configHash": "sha256:)([0-9a-f])/, (_, head: string, digit: string) => `${head}${digit === '0' ? '1' : '0'}`),
    expected: ['the configuration given with -c is not the one this plan was made from: a file changed since, or -c names other files, or the same files by other paths or in another order, than when planning; give -c as it was given to `tenantctl plan --out`, or plan again'],
  },
  {
    name: 'a tenantctlVersion the schema refuses (empty)',
    edit: (text) => text.replace(/"tenantctlVersion": "[^"]*"/, '"tenantctlVersion": ""'),
    expected: ['is not a valid plan:', 'PLAN_FILE'],
  },
  {
    name: 'a gitCommit the schema refuses (100 characters)',
    edit: (text) => text.replace(/"gitCommit": (null|"[^"]*")/, `"gitCommit": "${'a'.repeat(100)}"`),
    expected: ['is not a valid plan:', 'PLAN_FILE'],
  },
  {
    // The audit trail records it as the plan's commit when apply finds none itself: only a commit id gets there.
    name: 'a gitCommit that is not a commit id',
    edit: (text) => text.replace(/"gitCommit": (null|"[^"]*")/, '"gitCommit": "reviewed-in-PR-42 by security team"'),
    expected: ['is not a valid plan:', 'PLAN_FILE'],
  },
  {
    name: 'text after the document',
    edit: (text) => `${text}{}\n`,
    expected: ['cannot read the plan', ': not valid JSON: expected the end of the file after the document, found "{"', 'make it again with `tenantctl plan --out`'],
  },
  {
    name: 'a byte-order mark',
    edit: (text) => `\uFEFF${text}`,
    expected: ['cannot read the plan', ':1:1: not valid JSON: expected a value, found U+FEFF'],
  },
  {
    name: 'one space more after a colon (the same document)',
    edit: (text) => replaceAfter(text, FENNA, '"jobTitle": ', '"jobTitle":  '),
    expected: [ACCEPTED],
  },
  {
    name: 'CRLF line ends (the same document)',
    edit: (text) => text.replace(/\n/g, '\r\n'),
    expected: [ACCEPTED],
  },
  {
    name: 'no final newline (the same document)',
    edit: (text) => text.slice(0, -1),
    expected: [ACCEPTED],
  },
  {
    name: 'non-ASCII written raw rather than escaped, and back (the same document)',
    edit: (text) => text.replace('Bâtiment', 'B\\u00e2timent'),
    expected: [ACCEPTED],
  },
];

interface Backend {
  readonly env: () => Record<string, string>;
  readonly dump: () => Promise<DirectoryDump>;
  /**
   * Whether to run every case, or only the one that shows the quick check
   * holds on this engine: that the plan it recomputes is byte for byte the one
   * `plan --out` wrote. Each case after that is about the plan file, not the
   * engine, and a run on the embedded database costs three times the CPU.
   */
  readonly allCases: boolean;
}

/** Tests in order, inside a suite that runs beside the other database's. */
function exactSuite(backend: Backend) {
  let dir: string;
  let config: string;
  let planFile: string;
  let text: string;
  /**
   * The directory as the last dump saw it. Only the last test applies, so it is
   * the state each edit's run starts from: dumped once after each run (before
   * its assertions, so a test that fails leaves the next one its true start),
   * not once before and once after.
   */
  let lastDump: DirectoryDump;
  const dumpAfterRun = async (): Promise<{ before: DirectoryDump; after: DirectoryDump }> => {
    const before = lastDump;
    lastDump = await backend.dump();
    return { before, after: lastDump };
  };
  const env = () => ({ ...backend.env(), TENANTCTL_DEBUG_TRACE: '1' });
  const apply = (file: string, extra: readonly string[] = []) =>
    runCli(['apply', '--plan', file, '-c', config, '--approve-privileged', ...extra], { env: env() });

  beforeAll(async () => {
    dir = tempDir();
    // A role for Joep, a new user, Fenna (whose address is not ASCII) updated, Noah deleted.
    config = copyContoso();
    const usersFile = path.join(config, 'users.yaml');
    const users = fs.readFileSync(usersFile, 'utf8');
    const noah = users.indexOf('  - userPrincipalName: noah.hendriks@contoso.com');
    const fenna = users.indexOf('  - userPrincipalName: fenna.deboer@contoso.com');
    expect(noah).toBeGreaterThan(0);
    expect(fenna).toBeGreaterThan(noah);
    fs.writeFileSync(
      usersFile,
      (users.slice(0, noah) + users.slice(fenna))
        .replace('    jobTitle: Sales Lead\n', '    jobTitle: Sales Lead\n    roles: [Exchange administrator]\n')
        .replace('    jobTitle: Marketing Manager\n', '    jobTitle: Head of Marketing\n') +
        '\n  - userPrincipalName: tim.dewit@contoso.com\n    displayName: Tim de Wit\n    notify: [tim.dewit@example.org]\n',
    );
    planFile = path.join(dir, 'reviewed.json');
    expect((await runCli(['plan', '-c', config, '--out', planFile], { env: backend.env() })).code).toBe(0);
    text = fs.readFileSync(planFile, 'utf8');
    for (const kind of ['"kind": "user.delete"', '"kind": "user.create"', '"kind": "role.grant"', FENNA, 'Bâtiment']) expect(text).toContain(kind);
    if (backend.allCases) lastDump = await backend.dump();
  });
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(config, { recursive: true, force: true });
  });

  it.sequential('the file plan --out wrote is taken without a full check', async () => {
    const run = await apply(planFile);
    expect(run.stderr).toContain(EXACT);
    expect(run.stderr).not.toContain(IN_FULL);
    expect(run.stderr).toContain(ACCEPTED);
    expect(run.code).toBe(1);
  });

  if (!backend.allCases) return;

  it.sequential('the same folder given relative where plan was given it absolute is taken; an identical copy of it is not', async () => {
    const relative = path.relative(ROOT, config);
    expect(path.isAbsolute(relative)).toBe(false);
    const applyWith = (file: string, configPath: string) =>
      runCli(['apply', '--plan', file, '-c', configPath, '--approve-privileged'], { env: env() });
    const same = await applyWith(planFile, relative);
    expect(same.stderr).toContain(EXACT);
    expect(same.stderr).toContain(ACCEPTED);
    // A file not laid out as plan --out writes it is checked in full, with the folder as planned too.
    const crlf = path.join(dir, 'crlf.json');
    fs.writeFileSync(crlf, text.replace(/\n/g, '\r\n'));
    const full = await applyWith(crlf, relative);
    expect(full.stderr).toContain(IN_FULL);
    expect(full.stderr).toContain(ACCEPTED);
    const copy = tempDir('tenantctl-config-copy-');
    fs.cpSync(config, copy, { recursive: true });
    for (const other of [copy, path.relative(ROOT, copy)]) {
      const refused = await applyWith(planFile, other);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('the configuration given with -c is not the one this plan was made from');
    }
    fs.rmSync(copy, { recursive: true, force: true });
  });

  it.sequential('so is the JSON plan --format json prints, saved with a redirection: the same bytes as --out', async () => {
    const file = path.join(dir, 'stdout.json');
    const saved = path.join(dir, 'saved-too.json');
    const out = fs.openSync(file, 'w');
    try {
      // One run, so one planning time: a deletion's restorable-until date is in the plan.
      // Not spawnSync: the other database's suite runs meanwhile.
      const plan = spawn(process.execPath, [path.join(ROOT, 'dist', 'cmd', 'tenantctl.js'), 'plan', '-c', config, '--format', 'json', '--out', saved], {
        cwd: ROOT,
        env: { ...process.env, NO_COLOR: '1', ...QUIET, ...backend.env() },
        stdio: ['ignore', out, 'pipe'],
      });
      let stderr = '';
      plan.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const status = await new Promise<number | null>((resolve, reject) => {
        plan.on('error', reject);
        plan.on('close', resolve);
      });
      expect(status, stderr).toBe(0);
    } finally {
      fs.closeSync(out);
    }
    expect(fs.readFileSync(file).equals(fs.readFileSync(saved))).toBe(true);
    const run = await apply(file);
    expect(run.stderr).toContain(EXACT);
    expect(run.stderr).toContain(ACCEPTED);
  });

  for (const edit of EDITS) {
    it.sequential(`${edit.name}: checked in full, ${edit.expected[0] === ACCEPTED ? 'and taken' : 'and refused'} as before, nothing changed`, async () => {
      const file = path.join(dir, 'edited.json');
      const edited = edit.edit(text);
      expect(edited).not.toBe(text);
      fs.writeFileSync(file, edited);
      const run = await apply(file);
      const { before, after } = await dumpAfterRun();
      expect(run.code).toBe(1);
      expect(run.stderr.split('\n').filter((l) => !l.includes('statement') && !l.includes('transaction')).join('\n')).toContain(IN_FULL);
      expect(run.stderr).not.toContain(EXACT);
      for (const line of edit.expected) expect(run.stderr).toContain(line);
      if (edit.expected[0] !== ACCEPTED) expect(run.stderr).not.toContain(ACCEPTED);
      expect(run.stderr).not.toMatch(/\n\s+at /);
      expect(after).toEqual(before);
    });
  }

  it.sequential('a tampered file made from a configuration changed since is named tampered first, as before', async () => {
    const other = copyContoso();
    try {
      fs.cpSync(config, other, { recursive: true });
      fs.appendFileSync(path.join(other, 'users.yaml'), '\n  - userPrincipalName: late.comer@contoso.com\n    displayName: Late Comer\n');
      const file = path.join(dir, 'tampered.json');
      fs.writeFileSync(file, EDITS.find((e) => e.name === 'one byte of planHash')!.edit(text));
      const run = await runCli(['apply', '--plan', file, '-c', other, '--approve-privileged'], { env: env() });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('was edited after `tenantctl plan --out` wrote it');
      expect(run.stderr).not.toContain('the configuration given with -c is not the one');
    } finally {
      fs.rmSync(other, { recursive: true, force: true });
    }
  });

  it.sequential('with no commit of its own, apply says it would record the saved plan\'s, unchecked', async () => {
    const file = path.join(dir, 'file-commit.json');
    fs.writeFileSync(file, text.replace(/"gitCommit": (null|"[^"]*")/, '"gitCommit": "3333333333333333333333333333333333333333"'));
    const noCi = Object.fromEntries(CI_COMMIT_VARIABLES.map((name) => [name, '']));
    // Stops for confirmation (no --auto-approve): nothing is applied, the note comes first.
    const run = await runCli(['apply', '--plan', file, '-c', config, '--approve-privileged'], { env: { ...env(), ...noCi } });
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toContain('nothing was changed');
    expect(run.stderr).toContain('the audit trail records 3333333333333333333333333333333333333333 as the saved plan names it, unchecked: pass --commit SHA');
    const own = await runCli(['apply', '--plan', file, '-c', config, '--approve-privileged', '--commit', '4444444444444444444444444444444444444444'], { env: { ...env(), ...noCi } });
    expect(own.code, own.stderr).toBe(1);
    expect(own.stderr).not.toContain('as the saved plan names it');
  });

  it.sequential('another tool version and another commit of the same plan: taken without a full check, the commit of -c recorded', async () => {
    const file = path.join(dir, 'other-origin.json');
    const edited = text.replace(/"tenantctlVersion": "[^"]*"/, '"tenantctlVersion": "0.0.1-older"').replace(/"gitCommit": (null|"[^"]*")/, '"gitCommit": "1111111111111111111111111111111111111111"');
    expect(edited).toContain('0.0.1-older');
    expect(edited).toContain('"gitCommit": "1111111111111111111111111111111111111111"');
    fs.writeFileSync(file, edited);
    const commit = '2222222222222222222222222222222222222222';
    const run = await apply(file, ['--auto-approve', '--approve-deletions', '--commit', commit]);
    expect(run.stderr).toContain(EXACT);
    expect(run.code, run.stderr).toBe(0);
    const history = JSON.parse((await runCli(['history', '--format', 'json', '--limit', '1'], { env: backend.env() })).stdout) as { applies: Record<string, unknown>[] };
    expect(JSON.stringify(history.applies[0])).toContain(commit);
    // Applied: the same file now differs from the plan the tenant gives, and is found in the audit trail.
    const again = await apply(file);
    expect(again.stderr).toContain(IN_FULL);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^Nothing to apply: .* was applied already, as apply #\d+ at /m);
  });
}

/**
 * The two databases' suites run side by side (each its own database, its tests
 * in order): one waits on PostgreSQL while the other runs PGlite.
 */
const SIDE_BY_SIDE = { concurrent: true } as const;

/**
 * The embedded database runs the first case only (Backend.allCases): the file
 * plan --out wrote is taken without a full check. The edits, each refused or
 * taken as before, are checked on PostgreSQL, or here when no server runs.
 */
describe('apply --plan of an exact file (embedded database)', SIDE_BY_SIDE, () => {
  const dir = tempDir();
  const database = path.join(dir, 'db');
  beforeAll(() => {
    contosoFolder('applied', database);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  exactSuite({ env: () => ({ TENANTCTL_DATABASE_URL: database }), dump: () => dumpEmbedded(database), allCases: inject('postgresUrl') === null });
});

describePostgres('apply --plan of an exact file (PostgreSQL)', SIDE_BY_SIDE, () => {
  let url = '';
  beforeAll(async () => {
    url = await contosoPostgres('applied', 'saved_plan_exact');
  });
  exactSuite({ env: () => ({ TENANTCTL_DATABASE_URL: url }), dump: () => dumpPostgres(url), allCases: true });
});
