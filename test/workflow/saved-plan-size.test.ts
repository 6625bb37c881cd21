// A saved plan has a size limit (README "Limits on input"). A plan past it
// must be refused where it is made, not first on merge, and both refusals say
// what to do instead: apply without a saved plan, or in smaller steps.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { INPUT_LIMITS } from '../../src/config/read-input-file.js';
import { TenantctlError } from '../../src/diagnostics/tenantctl-error.js';
import { writePrivateFile } from '../../src/files/write-private-file.js';
import { withinPlanLimit } from '../../src/workflow/saved-plan.js';
import { runCli, tempDir } from '../support/cli.js';

const ADVICE = 'make the change in smaller steps (adopt or create the users over several pull requests), or apply it without a saved plan: `tenantctl apply -c PATH` plans afresh and asks for the same approvals';

const dirs: string[] = [];
const newDir = () => {
  const dir = tempDir('tenantctl-plan-size-');
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe('withinPlanLimit', () => {
  it('passes every piece through up to the limit, counting bytes, not characters', () => {
    const pieces = ['ab', Buffer.from('cd'), 'é'];
    expect([...withinPlanLimit('plan.json', pieces, 6)]).toEqual(pieces);
    expect(() => [...withinPlanLimit('plan.json', pieces, 5)]).toThrow(TenantctlError);
  });

  it('refuses the piece that passes the limit, saying what to do, and writePrivateFile leaves nothing behind', () => {
    const dir = newDir();
    const file = path.join(dir, 'plan.json');
    fs.writeFileSync(file, 'the plan saved before\n');
    let yielded = 0;
    const pieces = (function* () {
      for (let i = 0; i < 10; i++) {
        yielded++;
        yield Buffer.alloc(100, 0x20);
      }
    })();
    expect(() => writePrivateFile(file, withinPlanLimit(file, pieces, 250))).toThrow(
      `the plan is larger than 250 bytes, the limit for a saved plan, so it was not saved to ${file}; ${ADVICE}`,
    );
    // Stopped at the third piece, not after reading them all.
    expect(yielded).toBe(3);
    expect(fs.readdirSync(dir)).toEqual(['plan.json']);
    expect(fs.readFileSync(file, 'utf8')).toBe('the plan saved before\n');
  });
});

describe('apply --plan of a file larger than the limit', () => {
  it('is refused before it is read, with what to do instead', async () => {
    const dir = newDir();
    const file = path.join(dir, 'plan.json');
    // Sparse: a file of the limit plus one byte, without writing 256 MiB.
    fs.writeFileSync(file, '');
    fs.truncateSync(file, INPUT_LIMITS.plan + 1);
    const run = await runCli(['apply', '--plan', file, '-c', 'examples/contoso', '--auto-approve'], {
      env: { TENANTCTL_DATABASE_URL: path.join(dir, 'db') },
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`cannot read the plan: ${file} is larger than 256 MiB, the limit for a saved plan; ${ADVICE}`);
    expect(run.stderr).not.toContain('split it into several files');
    expect(run.stderr).not.toMatch(/^\s+at /m);
  });
});
