// An administrator at a terminal keeps a log of an apply with
// `tenantctl apply -c tenant | tee apply.log`: input is
// still typed at the terminal, which still shows standard error. apply asks
// there, as INTERFACE promises ("interactive confirmation unless
// --auto-approve"; each approval typed at a terminal), instead of refusing
// with "run it at a terminal" at one; the log keeps the plan and the result.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, tempDir } from '../support/cli.js';
import { contosoDatabase } from '../support/contoso-database.js';
import { hasScript } from '../support/pseudo-terminal.js';

const PURCHASE = 'Type "purchase" to approve the purchase';
const PRIVILEGED = 'Type "privileged" to approve the privileged changes';
const YES = 'Apply these changes? Only "yes" is accepted';
const CTRL_D = '\u0004';

/**
 * Runs `tenantctl ARGS | tee LOG` (or `> LOG`) at a pseudo-terminal
 * (util-linux `script`): standard input and error are the terminal, standard
 * output the pipe (or the file). Answers each prompt as it appears on the
 * terminal; the code is tenantctl's.
 */
function withOutputTo(how: 'tee' | 'file', args: readonly string[], log: string, database: string, answers: readonly (readonly [string, string])[]): Promise<{ code: number | null; terminal: string }> {
  const cli = [process.execPath, path.join(ROOT, 'dist/cmd/tenantctl.js'), ...args].map((part) => `'${part}'`).join(' ');
  const command = how === 'tee' ? `${cli} | tee '${log}'; exit \${PIPESTATUS[0]}` : `${cli} > '${log}'`;
  const { CI: _ci, ...inherited } = process.env;
  const child = spawn('script', ['-qfec', command, '/dev/null'], {
    cwd: ROOT,
    env: { ...inherited, SHELL: '/bin/bash', TENANTCTL_DATABASE_URL: database, NO_COLOR: '', TENANTCTL_QUIET: '1' },
  });
  let terminal = '';
  let next = 0;
  child.stdout.on('data', (chunk: Buffer) => {
    terminal += chunk.toString();
    const answer = answers[next];
    if (answer && terminal.includes(answer[0])) {
      next++;
      child.stdin.write(answer[1] === CTRL_D ? answer[1] : `${answer[1]}\r`);
    }
  });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, terminal })));
}

describe.skipIf(!hasScript && process.env.CI !== 'true')('apply at a terminal with its output sent through tee, or to a file', () => {
  let dir: string;
  let database: string;

  beforeAll(async () => {
    dir = tempDir();
    database = await contosoDatabase('initialised', 'prompt-redirected', path.join(dir, 'db'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('Ctrl-D at the prompt shown on standard error cancels: exit 130, nothing changed', async () => {
    const log = path.join(dir, 'cancelled.log');
    const run = await withOutputTo('tee', ['apply', '-c', 'examples/contoso'], log, database, [[PURCHASE, CTRL_D]]);
    expect(run.terminal).toContain(PURCHASE);
    expect(run.terminal).toContain('cancelled, nothing was changed');
    expect(run.code).toBe(130);
  });

  it('to a file, asks nothing: the terminal would show the question without the plan; exit 1, nothing changed', async () => {
    const log = path.join(dir, 'blind.log');
    const run = await withOutputTo('file', ['apply', '-c', 'examples/contoso', '--approve-purchases', '--approve-privileged'], log, database, [[YES, 'yes']]);
    expect(run.terminal).not.toContain(YES);
    expect(run.terminal).toContain('its output goes to a file, so the terminal would ask without showing the plan');
    expect(run.code).toBe(1);
    expect(fs.readFileSync(log, 'utf8')).toContain('tenantctl will perform the following actions');
  });

  it('asks for each approval and "yes" on the terminal; the log gets the plan and the result, no prompt', async () => {
    const log = path.join(dir, 'apply.log');
    const run = await withOutputTo('tee', ['apply', '-c', 'examples/contoso'], log, database, [
      [PURCHASE, 'purchase'],
      [PRIVILEGED, 'privileged'],
      [YES, 'yes'],
    ]);
    expect(run.terminal).not.toContain('run it at a terminal');
    // tee shows the plan before the question about it.
    expect(run.terminal.indexOf('tenantctl will perform the following actions')).toBeGreaterThan(-1);
    expect(run.terminal.indexOf('tenantctl will perform the following actions')).toBeLessThan(run.terminal.indexOf(YES));
    expect(run.code).toBe(0);
    const written = fs.readFileSync(log, 'utf8');
    expect(written).toContain('tenantctl will perform the following actions');
    expect(written).toMatch(/^Apply #1 complete/m);
    expect(written).not.toContain(YES);
  });
});
