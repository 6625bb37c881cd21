import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../support/cli.js';
import { contosoFolder } from '../support/contoso-database.js';

// export ends with the plan command to run next, to be copied: a path with a space, or one
// with a control character shown as \uXXXX, was printed as a shell would not read it back.
describe("export's next command names the path as a shell reads it", () => {
  const dir = tempDir('tenantctl-export-next-');
  const env = { TENANTCTL_DATABASE_URL: contosoFolder('applied', path.join(dir, 'db')) };
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('quotes a path with a space, and writes one with a control character as $\'…\'', async () => {
    const spaced = path.join(dir, 'my tenant.yaml');
    const plain = await runCli(['export', '--out', spaced], { env });
    expect(plain.code).toBe(0);
    expect(plain.stderr).toContain(`Next: tenantctl plan -c '${spaced}'   (it should change nothing`);

    const folder = path.join(dir, 'out\u001bx');
    const split = await runCli(['export', '--split', 'domain', '--out', folder], { env });
    expect(split.code).toBe(0);
    expect(split.stderr).toContain(`Next: tenantctl plan -c $'${path.join(dir, 'out')}\\u001bx'   (it should change nothing`);
    expect(split.stderr).not.toContain('\u001b');
  });
});
