// `-` as an output path: `plan --out -` and `drift --out -` each wrote a file
// named `-` in the working directory, exit 0. Where the option's output takes
// standard output's place (export, drift), `-` is standard output now; where
// there is none for it (plan's saved JSON plan beside the plan shown, the
// outbox's private key, the pickup folder), it is refused, saying what to use.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { copyContoso, runCli, tempDir } from '../support/cli.js';
import { contosoFolder } from '../support/contoso-database.js';

const root = tempDir('tenantctl-dash-output-');
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe('- as an output path', { timeout: 120_000 }, () => {
  const database = contosoFolder('applied', path.join(root, 'db'));
  const config = copyContoso();
  const cwd = path.join(root, 'work');
  fs.mkdirSync(cwd);
  const cli = (args: string[]) => runCli(args, { cwd, env: { TENANTCTL_DATABASE_URL: database } });
  const dash = path.join(cwd, '-');

  it('plan --out - is refused with how to print the JSON plan, in text and in JSON; ./- is a file named -', async () => {
    const refused = await cli(['plan', '-c', config, '--out', '-']);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toContain(
      'Error: --out - would write a file named -, not standard output: it saves the JSON plan to a file for `apply --plan`, besides the plan shown on standard output; to print the JSON plan there use --format json (and --out plan.json to save it as well); to name a file -, write ./-; nothing was written',
    );
    const json = await cli(['plan', '-c', config, '--out', '-', '--format', 'json']);
    expect(json.code).toBe(1);
    expect((JSON.parse(json.stdout) as { diagnostics: { message: string }[] }).diagnostics[0]?.message).toContain('use --format json');
    expect(fs.existsSync(dash)).toBe(false);

    const named = await cli(['plan', '-c', config, '--out', './-']);
    expect(named.code, named.stderr).toBe(0);
    expect((JSON.parse(fs.readFileSync(dash, 'utf8')) as { formatVersion: string }).formatVersion).toBe('2.2');
    fs.rmSync(dash);
  });

  it('drift --out - and export --out - print to standard output', async () => {
    const drift = await cli(['drift', '-c', config, '--out', '-', '--format', 'json']);
    expect(drift.code, drift.stderr).toBe(0);
    expect((JSON.parse(drift.stdout) as { drift: boolean }).drift).toBe(false);
    expect(drift.stderr).not.toContain('Wrote the drift report');
    const exported = await cli(['export', '--out', '-']);
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stdout).toContain('userPrincipalName: megan.bowen@contoso.com');
    expect(fs.existsSync(dash)).toBe(false);
  });

  it("init --outbox-key - and deliver --pickup - are refused: a private key is never printed, and the messages are files", async () => {
    const init = await cli(['init', '--outbox-key', '-']);
    expect(init.code).toBe(1);
    expect(init.stderr).toContain("Error: --outbox-key - would write a file named -, not standard output: it names the file of the outbox's private key, which is never printed");
    const deliver = await cli(['deliver', '--pickup', '-']);
    expect(deliver.code).toBe(1);
    expect(deliver.stderr).toContain('Error: --pickup - would write a folder named -, not standard output: it names the folder the .eml files are written into');
    expect(fs.readdirSync(cwd)).toEqual([]);
  });
});
