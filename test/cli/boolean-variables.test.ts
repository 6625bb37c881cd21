// tenantctl's switches in the environment took only `1`: TENANTCTL_QUIET=true
// was ignored (progress shown), and any other value silently meant no. The
// usual spellings are taken now, in any case, and a value that is neither yes
// nor no is refused before the command starts, naming the variable.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../support/cli.js';
import { contosoFolder } from '../support/contoso-database.js';

const dir = tempDir('tenantctl-boolean-variables-');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe.concurrent('boolean environment variables', () => {
  it('TENANTCTL_QUIET=true keeps a slow plan quiet', async () => {
    const database = contosoFolder('applied', path.join(dir, 'quiet'));
    // Each statement of the directory's read sleeps: the plan passes the two seconds after which progress shows.
    const env = { TENANTCTL_DATABASE_URL: database, TENANTCTL_DEBUG_STATEMENT_DELAY_MS: '2500', TENANTCTL_QUIET: 'true' };
    const run = await runCli(['plan', '-c', 'examples/contoso'], { env });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).not.toMatch(/^tenantctl: /m);
  }, 60_000);

  it('TENANTCTL_DEBUG_TRACE=Yes traces', async () => {
    const database = contosoFolder('applied', path.join(dir, 'trace'));
    const run = await runCli(['history', '--limit', '1'], { env: { TENANTCTL_DATABASE_URL: database, TENANTCTL_DEBUG_TRACE: 'Yes' } });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/^tenantctl debug: /m);
  }, 60_000);

  it.each([
    ['TENANTCTL_QUIET', 'ture', '"ture"'],
    ['TENANTCTL_DEBUG', '\u001b[2J', '"\\u001b[2J"'],
    ['TENANTCTL_DEBUG_TRACE', '2', '"2"'],
  ])('%s=%j is refused before anything is read, naming the variable and the values it takes', async (name, value, shown) => {
    const database = path.join(dir, `never-made-${name}`);
    const run = await runCli(['plan', '-c', 'examples/contoso', '--database', database], { env: { [name]: value } });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      `Error: ${name} is ${shown}, which is neither yes nor no: set it to 1, true, yes or on (any case), or to 0, false, no, off or nothing, or unset it\n`,
    );
    expect(fs.existsSync(database)).toBe(false);
  }, 60_000);
});
