// One line, `defaults: {accountEnabled: false}`, with the administrators kept
// enabled to pass the lockout guard, blocked everyone else's sign-in, applied
// on the merge alone: blocks now count toward the deletion threshold.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyContoso, ROOT, runCli, tempDir } from '../support/cli.js';
import { contosoDatabase } from '../support/contoso-database.js';
import { editFile } from '../support/edit-file.js';
import { hasScript } from '../support/pseudo-terminal.js';

describe('blocking sign-in of many users', { timeout: 120_000 }, () => {
  it('needs --approve-deletions above settings.maxDeletions, named by plan (text and JSON) and apply', async () => {
    const database = await contosoDatabase('applied', 'block_threshold', path.join(tempDir('tenantctl-block-threshold-'), 'db'));
    const config = copyContoso();
    fs.rmSync(path.join(config, 'catalog.yaml'));
    editFile(path.join(config, 'tenant.yaml'), '  country: Netherlands\n', '  country: Netherlands\n  accountEnabled: false\n');
    const users = path.join(config, 'users.yaml');
    fs.writeFileSync(users, fs.readFileSync(users, 'utf8').replace(/^( {4}roles: .*)$/gm, '$1\n    accountEnabled: true'));
    const cli = (args: string[]) => runCli(args, { env: { TENANTCTL_DATABASE_URL: database } });
    // examples/contoso has settings.maxDeletions: 5; six users hold no role and are enabled.
    const warning = '6 users would be blocked from signing in, more than settings.maxDeletions (5)';

    const plan = await cli(['plan', '-c', config]);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toContain(`! Applying this plan needs approval: deletions (--approve-deletions).\n`);
    expect(plan.stdout).toContain(`! DELETION_THRESHOLD: ${warning}; apply needs --approve-deletions\n`);
    const json = JSON.parse((await cli(['plan', '-c', config, '--format', 'json'])).stdout) as { approvals: string[]; summary: { byKind: Record<string, number> } };
    expect(json.approvals).toEqual(['deletions']);
    expect(json.summary.byKind['user.block']).toBe(6);

    const refused = await cli(['apply', '-c', config, '--auto-approve']);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain(`Error: ${warning}\n`);
    expect((await cli(['plan', '-c', config, '--detailed-exitcode'])).code).toBe(2);
    const applied = await cli(['apply', '-c', config, '--auto-approve', '--approve-deletions']);
    expect(applied.code, applied.stderr).toBe(0);
    const again = await cli(['plan', '-c', config, '--detailed-exitcode']);
    expect(again.code, again.stdout).toBe(0);
  });

  // At a terminal the approval was asked as "This plan deletes 0 users, more than the settings allow".
  it.runIf(hasScript)('at a terminal, the prompt for --approve-deletions says what the blocks and licence removals are', async () => {
    const database = await contosoDatabase('applied', 'block_threshold_prompt', path.join(tempDir('tenantctl-block-threshold-prompt-'), 'db'));
    const config = copyContoso();
    fs.rmSync(path.join(config, 'catalog.yaml'));
    const users = path.join(config, 'users.yaml');
    // Four of the 13 users, more than maxDeletionPercent (25 %): two blocked, two without their licence.
    let text = fs.readFileSync(users, 'utf8');
    for (const title of ['Sales Lead', 'Account Manager']) text = text.replace(`    jobTitle: ${title}\n`, `    jobTitle: ${title}\n    accountEnabled: false\n`);
    text = text.replace('    licenses:\n      - sku: STANDARDPACK\n        disabledPlans: [SWAY, YAMMER_ENTERPRISE]\n', '');
    text = text.replace('    licenses:\n      - O365_BUSINESS_ESSENTIALS\n', '');
    fs.writeFileSync(users, text);
    const prompt =
      'This plan takes access away from more users than the settings allow: 4 of 13 managed users (31%) would be blocked from signing in or left without any licence ' +
      '(2 blocked, 2 without a licence), more than settings.maxDeletionPercent (25%). Type "deletions" to approve: ';
    const command = [process.execPath, path.join(ROOT, 'dist/cmd/tenantctl.js'), 'apply', '-c', config, '--no-color'].map((part) => `'${part}'`).join(' ');
    const { CI: _ci, ...inherited } = process.env;
    const child = spawn('script', ['-qfec', command, '/dev/null'], { cwd: ROOT, env: { ...inherited, TENANTCTL_DATABASE_URL: database, NO_COLOR: '', TENANTCTL_QUIET: '1' } });
    let output = '';
    let answered = false;
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (!answered && output.includes('Type "deletions"')) {
        answered = true;
        child.stdin.write('no\r');
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code, output).toBe(3);
    expect(output).toContain(prompt);
    fs.rmSync(config, { recursive: true, force: true });
  });
});
