// An administrator at a terminal keeps a log of an apply with
// `tenantctl apply -c tenant | tee apply.log` (or `> apply.log`): input is
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
 * Runs `tenantctl ARGS > LOG` at a pseudo-terminal (util-linux `script`):
 * standard input and error are the terminal, standard output the file.
 * Answers each prompt as it appears on the terminal.
 */
function withOutputToFile(args: readonly string[], log: string, database: string, answers: readonly (readonly [string, string])[]): Promise<{ code: number | null; terminal: string }> {
  const command = `${[process.execPath, path.join(ROOT, 'dist/cmd/tenantctl.js'), ...args].map((part) => `'${part}'`).join(' ')} > '${log}'`;
  const { CI: _ci, ...inherited } = process.env;
  const child = spawn('script', ['-qfec', command, '/dev/null'], {
    cwd: ROOT,
    env: { ...inherited, TENANTCTL_DATABASE_URL: database, NO_COLOR: '', TENANTCTL_QUIET: '1' },
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

describe.skipIf(!hasScript && process.env.CI !== 'true')('apply at a terminal with its output sent to a file', () => {
  let dir: string;
  let database: string;

  beforeAll(async () => {
    dir = tempDir();
    database = await contosoDatabase('initialised', 'prompt-redirected', path.join(dir, 'db'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('Ctrl-D at the prompt shown on standard error cancels: exit 130, nothing changed', async () => {
    const log = path.join(dir, 'cancelled.log');
    const run = await withOutputToFile(['apply', '-c', 'examples/contoso'], log, database, [[PURCHASE, CTRL_D]]);
    expect(run.terminal).toContain(PURCHASE);
    expect(run.terminal).toContain('cancelled, nothing was changed');
    expect(run.code).toBe(130);
  });

  it('asks for each approval and "yes" on the terminal; the file gets the plan and the result, no prompt', async () => {
    const log = path.join(dir, 'apply.log');
    const run = await withOutputToFile(['apply', '-c', 'examples/contoso'], log, database, [
      [PURCHASE, 'purchase'],
      [PRIVILEGED, 'privileged'],
      [YES, 'yes'],
    ]);
    expect(run.terminal).not.toContain('run it at a terminal');
    expect(run.code).toBe(0);
    const written = fs.readFileSync(log, 'utf8');
    expect(written).toContain('tenantctl will perform the following actions');
    expect(written).toMatch(/^Apply #1 complete/m);
    expect(written).not.toContain(YES);
  });
});
