// A CI commit variable (GITHUB_SHA, CI_COMMIT_SHA, …) that is not a commit id
// was passed over silently. It is still never recorded as the configuration's
// commit, but said now, on stderr, its value escaped, with what is recorded.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { copyContoso, runCli, tempDir } from '../support/cli.js';
import { contosoFolder } from '../support/contoso-database.js';

const dir = tempDir('tenantctl-commit-variable-');
// Outside any git work tree: the commit comes from the variables or nowhere.
const config = copyContoso();
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(config, { recursive: true, force: true });
});

const HOSTILE = 'main\u001b[2J\n::error::forged';
const SHOWN = '"main\\u001b[2J\\n::error::forged"';
const NOT_AN_ID = 'not a git commit id (7 to 64 hexadecimal digits), so not recorded as the configuration\'s commit';

it('plan warns of a malformed GITHUB_SHA, escaped, and records the next variable\'s commit or none', async () => {
  const database = contosoFolder('applied', path.join(dir, 'plan'));
  const plan = (env: Record<string, string>) => runCli(['plan', '-c', config, '--format', 'json', '--database', database], { env });

  const alone = await plan({ GITHUB_SHA: HOSTILE });
  expect(alone.code, alone.stderr).toBe(0);
  expect(JSON.parse(alone.stdout).gitCommit).toBeNull();
  expect(alone.stderr).toBe(`warning: GITHUB_SHA is ${SHOWN}: ${NOT_AN_ID}; no commit is recorded: pass --commit SHA to record one\n`);

  const next = await plan({ GITHUB_SHA: HOSTILE, CI_COMMIT_SHA: 'TFVC123', GIT_COMMIT: 'ABCDEF12' });
  expect(next.code, next.stderr).toBe(0);
  expect(JSON.parse(next.stdout).gitCommit).toBe('abcdef12');
  expect(next.stderr).toBe(`warning: GITHUB_SHA is ${SHOWN}, CI_COMMIT_SHA is "TFVC123": ${NOT_AN_ID}; the commit recorded is abcdef12\n`);

  // --commit wins: the variables are not read.
  const flagged = await runCli(['plan', '-c', config, '--format', 'json', '--database', database, '--commit', 'abcdef1'], { env: { GITHUB_SHA: HOSTILE } });
  expect(flagged.stderr).toBe('');
  expect(JSON.parse(flagged.stdout).gitCommit).toBe('abcdef1');
}, 120_000);

it('apply records no commit for a malformed CI_COMMIT_SHA, and says so', async () => {
  const database = contosoFolder('initialised', path.join(dir, 'apply'));
  const apply = await runCli(['apply', '-c', config, '--database', database, '--auto-approve', '--approve-purchases', '--approve-privileged'], {
    env: { CI_COMMIT_SHA: HOSTILE },
  });
  expect(apply.code, apply.stderr).toBe(0);
  expect(apply.stderr).toBe(`warning: CI_COMMIT_SHA is ${SHOWN}: ${NOT_AN_ID}; no commit is recorded: pass --commit SHA to record one\n`);
  const history = await runCli(['history', '--format', 'json', '--database', database]);
  expect(JSON.parse(history.stdout).applies.map((a: { gitCommit: unknown }) => a.gitCommit)).toEqual([null]);
}, 120_000);
