import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

// A CI job gets an unreadable secret (a fork's pull request, a misspelt name) as a variable set to
// nothing: the message names the variable, which the job set, not an "empty URL" it never wrote.
describe('TENANTCTL_DATABASE_URL set but empty', () => {
  const EMPTY = 'TENANTCTL_DATABASE_URL is set but empty (a CI secret this job cannot read?)';

  it.each([[''], ['  ']])('%j is refused naming the variable, as one JSON failure under --format json', async (value) => {
    const plan = await runCli(['plan', '-c', 'examples/contoso', '--format', 'json'], { env: { TENANTCTL_DATABASE_URL: value } });
    expect(plan.code).toBe(1);
    expect(plan.stderr).toContain(`Error: ${EMPTY}`);
    expect(JSON.parse(plan.stdout)).toMatchObject({ diagnostics: [{ code: 'FAILED', message: expect.stringContaining(EMPTY) }] });
  });

  it('is the reason validate gives for checking without the catalog', async () => {
    const validate = await runCli(['validate', '-c', 'examples/contoso'], { env: { TENANTCTL_DATABASE_URL: '' } });
    expect(validate.code).toBe(0);
    expect(validate.stderr).toContain(`(${EMPTY}`);
  });

  it('gives way to --database', async () => {
    const plan = await runCli(['plan', '-c', 'examples/contoso', '--database', 'memory://'], { env: { TENANTCTL_DATABASE_URL: '' } });
    expect(plan.code).toBe(1);
    expect(plan.stderr).toBe('Error: the database memory:// is not initialised: run `tenantctl init --catalog FILE` first\n');
  });
});
