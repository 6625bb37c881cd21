import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyContoso, ROOT, runCli, tempDir } from '../support/cli.js';
import { contosoDatabase } from '../support/contoso-database.js';
import { hasScript } from '../support/pseudo-terminal.js';

interface Exchange {
  readonly prompt: string;
  /** Typed and followed by Enter, unless it is a control key (Ctrl-C, Ctrl-D). */
  readonly answer: string;
}

const CTRL_C = '\u0003';
const CTRL_D = '\u0004';

/**
 * Runs tenantctl at a pseudo-terminal (util-linux `script`), answering each
 * prompt as it appears, as an administrator at a keyboard would.
 */
function atTerminal(args: readonly string[], database: string, exchanges: readonly Exchange[], env: Record<string, string> = {}): Promise<{ code: number | null; output: string }> {
  const command = [process.execPath, path.join(ROOT, 'dist/cmd/tenantctl.js'), ...args].map((part) => `'${part}'`).join(' ');
  // The suite's own CI=true (.ci/run) is not the terminal's: a test that wants it passes it.
  const { CI: _ci, ...inherited } = process.env;
  const child = spawn('script', ['-qfec', command, '/dev/null'], {
    cwd: ROOT,
    env: { ...inherited, TENANTCTL_DATABASE_URL: database, NO_COLOR: '', TENANTCTL_QUIET: '1', ...env },
  });
  let output = '';
  let next = 0;
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    const exchange = exchanges[next];
    if (exchange && output.includes(exchange.prompt)) {
      next++;
      child.stdin.write(/^[\u0000-\u001f]$/.test(exchange.answer) ? exchange.answer : `${exchange.answer}\r`);
    }
  });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, output })));
}

describe.skipIf(!hasScript && process.env.CI !== 'true')('apply at a terminal', () => {
  let dir: string;
  let database: string;
  const PURCHASE = 'Type "purchase" to approve the purchase';
  const YES = 'Apply these changes? Only "yes" is accepted';
  const PRIVILEGED = 'Type "privileged" to approve the privileged changes';

  beforeAll(async () => {
    dir = tempDir();
    database = await contosoDatabase('initialised', 'interactive', path.join(dir, 'db'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** What the audit trail recorded of the newest apply's approvals. */
  const newestApprovals = async () => {
    const history = await runCli(['history', '--limit', '1', '--format', 'json'], { env: { TENANTCTL_DATABASE_URL: database } });
    return (JSON.parse(history.stdout) as { applies: { approvals: unknown }[] }).applies[0]?.approvals;
  };

  it('colours the plan at a terminal, unless --no-color', async () => {
    const coloured = await atTerminal(['plan', '-c', 'examples/contoso'], database, []);
    expect(coloured.output).toMatch(/\u001b\[32m\+/);
    const plain = await atTerminal(['plan', '-c', 'examples/contoso', '--no-color'], database, []);
    expect(plain.output).not.toMatch(/\u001b\[/);
    const noColor = await atTerminal(['plan', '-c', 'examples/contoso'], database, [], { NO_COLOR: '1' });
    expect(noColor.output).not.toMatch(/\u001b\[/);
  });

  it('FORCE_COLOR=0 and TERM=dumb turn colours off at a terminal too', async () => {
    const forcedOff = await atTerminal(['plan', '-c', 'examples/contoso'], database, [], { FORCE_COLOR: '0' });
    expect(forcedOff.output).toContain('tenantctl will perform the following actions');
    expect(forcedOff.output).not.toMatch(/\u001b\[3\dm/);
    const dumb = await atTerminal(['plan', '-c', 'examples/contoso'], database, [], { TERM: 'dumb' });
    expect(dumb.output).toContain('tenantctl will perform the following actions');
    expect(dumb.output).not.toMatch(/\u001b\[3\dm/);
  });

  it('TERM=dumb at a terminal: progress as plain lines, no live bar drawn with cursor moves', async () => {
    // Each of the directory read's three statements sleeps 1 s (the test-only hook of README
    // "Guarantees"), so the command passes the two seconds after which progress shows. Any stage's
    // line will do (the first comes on the 0.5 s timer once the two seconds pass), so the read need
    // not outlast a second line, as in progress.test.ts: 3 s, where 2.5 s a statement slept 7.5.
    const run = await atTerminal(['plan', '-c', 'examples/contoso'], database, [], { TERM: 'dumb', TENANTCTL_QUIET: '', TENANTCTL_DEBUG_STATEMENT_DELAY_MS: '1000' });
    expect(run.code).toBe(0);
    expect(run.output).toMatch(/^tenantctl: [a-z ]+(: \d+\/\d+ \(\d+ %\))?, \d+ s\r?$/m);
    expect(run.output).toContain('tenantctl will perform the following actions');
    expect(run.output).not.toMatch(/\u001b\[/);
  }, 60_000);

  it.each([
    ['Ctrl-C', CTRL_C, 'purchase'],
    ['Ctrl-D', CTRL_D, 'purchase'],
    ['Ctrl-C', CTRL_C, 'privileged'],
    ['Ctrl-C', CTRL_C, 'yes'],
    ['Ctrl-D', CTRL_D, 'yes'],
  ])('%s at the "%s" prompt cancels with exit 130; nothing changes', async (_key, answer, prompt) => {
    const before = { purchase: [], privileged: [{ prompt: PURCHASE, answer: 'purchase' }], yes: [{ prompt: PURCHASE, answer: 'purchase' }, { prompt: PRIVILEGED, answer: 'privileged' }] }[prompt] ?? [];
    const at = { purchase: PURCHASE, privileged: PRIVILEGED, yes: YES }[prompt] ?? YES;
    const exchanges = [...before, { prompt: at, answer }];
    const run = await atTerminal(['apply', '-c', 'examples/contoso', '--no-color'], database, exchanges);
    expect(run.output).toContain('cancelled, nothing was changed');
    expect(run.output).not.toMatch(/internal error|This is a bug|Aborted/);
    expect(run.code).toBe(130);
    const plan = await runCli(['plan', '-c', 'examples/contoso', '--detailed-exitcode'], { env: { TENANTCTL_DATABASE_URL: database } });
    expect(plan.code).toBe(2);
  });

  it('in CI (CI=true) at a terminal apply asks nothing: a missing approval is exit 3 naming its flags, a missing --auto-approve exit 1', async () => {
    // Ctrl-C answers a prompt that should not be there: exit 130, not the 3 or 1 expected.
    const approvals = await atTerminal(['apply', '-c', 'examples/contoso', '--no-color'], database, [{ prompt: PURCHASE, answer: CTRL_C }], { CI: 'true' });
    expect(approvals.output).not.toContain(PURCHASE);
    expect(approvals.output).toContain('re-run with --approve-purchases --approve-privileged --auto-approve');
    expect(approvals.code).toBe(3);
    const confirmation = await atTerminal(
      ['apply', '-c', 'examples/contoso', '--no-color', '--approve-purchases', '--approve-privileged'],
      database,
      [{ prompt: YES, answer: CTRL_C }],
      { CI: 'true' },
    );
    expect(confirmation.output).not.toContain(YES);
    expect(confirmation.output).toContain('apply needs confirmation: CI is set, so apply asks nothing at this terminal; pass --auto-approve');
    expect(confirmation.code).toBe(1);
    // CI=false is no CI: the prompt is back.
    const local = await atTerminal(['apply', '-c', 'examples/contoso', '--no-color'], database, [{ prompt: PURCHASE, answer: CTRL_C }], { CI: 'false' });
    expect(local.code).toBe(130);
    const plan = await runCli(['plan', '-c', 'examples/contoso', '--detailed-exitcode'], { env: { TENANTCTL_DATABASE_URL: database } });
    expect(plan.code).toBe(2);
  });

  it('anything but "purchase" stops before changing anything (exit 3)', async () => {
    const run = await atTerminal(['apply', '-c', 'examples/contoso', '--no-color'], database, [{ prompt: PURCHASE, answer: 'yes' }]);
    expect(run.code).toBe(3);
    expect(run.output).toContain('+$35.00/month');
    const plan = await runCli(['plan', '-c', 'examples/contoso', '--detailed-exitcode'], { env: { TENANTCTL_DATABASE_URL: database } });
    expect(plan.code).toBe(2);
  });

  it('anything but "privileged" for the admin roles stops before changing anything (exit 3), naming them', async () => {
    const run = await atTerminal(['apply', '-c', 'examples/contoso', '--no-color'], database, [
      { prompt: PURCHASE, answer: 'purchase' },
      { prompt: PRIVILEGED, answer: 'yes' },
    ]);
    expect(run.code).toBe(3);
    expect(run.output).toContain('grants Global administrator to megan.bowen@contoso.com');
    expect(run.output).toContain('re-run with --approve-privileged');
    const plan = await runCli(['plan', '-c', 'examples/contoso', '--detailed-exitcode'], { env: { TENANTCTL_DATABASE_URL: database } });
    expect(plan.code).toBe(2);
  });

  it('"purchase", "privileged" then "no" cancels; nothing changes', async () => {
    const run = await atTerminal(['apply', '-c', 'examples/contoso', '--no-color'], database, [
      { prompt: PURCHASE, answer: 'purchase' },
      { prompt: PRIVILEGED, answer: 'privileged' },
      { prompt: YES, answer: 'no' },
    ]);
    expect(run.code).toBe(1);
    expect(run.output).toContain('apply cancelled; nothing was changed');
  });

  it('"purchase", "privileged" then "yes" applies, buying the seats', async () => {
    const run = await atTerminal(['apply', '-c', 'examples/contoso', '--no-color'], database, [
      { prompt: PURCHASE, answer: 'purchase' },
      { prompt: PRIVILEGED, answer: 'privileged' },
      { prompt: YES, answer: 'yes' },
    ]);
    expect(run.code).toBe(0);
    expect(run.output).toContain('bought 1 × ENTERPRISEPACK');
    const plan = await runCli(['plan', '-c', 'examples/contoso', '--detailed-exitcode'], { env: { TENANTCTL_DATABASE_URL: database } });
    expect(plan.code).toBe(0);
    expect(await newestApprovals()).toEqual({ confirmation: 'prompt', purchase: 'prompt', privileged: 'prompt' });
  });

  it('deletions above the threshold are approved by typing "deletions", as purchases and privileged changes are', async () => {
    // After the apply above: four of the 13 users leave, more than maxDeletionPercent (25 %) allows.
    const config = copyContoso();
    const users = path.join(config, 'users.yaml');
    const leaving = ['emma.dekker', 'fenna.deboer', 'isabella.janssen', 'joep.devries'];
    const blocks = fs.readFileSync(users, 'utf8').split('\n\n');
    fs.writeFileSync(users, blocks.filter((block) => !leaving.some((upn) => block.includes(`${upn}@`))).join('\n\n'));
    const DELETIONS = 'This plan deletes 4 users, more than the settings allow. Type "deletions" to approve the deletions';
    const unchanged = async () => {
      const plan = await runCli(['plan', '-c', config, '--detailed-exitcode'], { env: { TENANTCTL_DATABASE_URL: database } });
      expect(plan.code).toBe(2);
    };
    try {
      const refused = await atTerminal(['apply', '-c', config, '--no-color'], database, [{ prompt: DELETIONS, answer: 'yes' }]);
      expect(refused.code).toBe(3);
      expect(refused.output).toContain('re-run with --approve-deletions');
      await unchanged();
      const cancelled = await atTerminal(['apply', '-c', config, '--no-color'], database, [{ prompt: DELETIONS, answer: CTRL_D }]);
      expect(cancelled.code).toBe(130);
      await unchanged();
      const run = await atTerminal(['apply', '-c', config, '--no-color'], database, [
        { prompt: DELETIONS, answer: 'deletions' },
        { prompt: YES, answer: 'yes' },
      ]);
      expect(run.code).toBe(0);
      expect(await newestApprovals()).toEqual({ confirmation: 'prompt', deletions: 'prompt' });
      expect(run.output).toContain('deleted (4): emma.dekker@contoso.com, fenna.deboer@contoso.com, isabella.janssen@contoso.com, joep.devries@contoso.com');
    } finally {
      fs.rmSync(config, { recursive: true, force: true });
    }
  });
});
