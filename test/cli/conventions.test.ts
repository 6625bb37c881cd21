import fs from 'node:fs';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli, tempDir } from '../support/cli.js';
import { contosoDatabase } from '../support/contoso-database.js';

const diagnosticsSchema = JSON.parse(fs.readFileSync(path.join(ROOT, 'schemas/diagnostics.schema.json'), 'utf8')) as object;
const validDiagnostics = new Ajv2020({ strict: true, allowUnionTypes: true }).compile(diagnosticsSchema);

interface DiagnosticsDocument {
  readonly formatVersion: string;
  readonly errors: number;
  readonly diagnostics: readonly { code: string; message: string; file: string | null; line: number | null }[];
}

/** Standard output parsed as the diagnostics document, checked against its schema. */
function diagnosticsOf(stdout: string): DiagnosticsDocument {
  const document = JSON.parse(stdout) as DiagnosticsDocument;
  expect(validDiagnostics(document), JSON.stringify(validDiagnostics.errors)).toBe(true);
  return document;
}

describe('tenantctl follows the command-line conventions', () => {
  let dir: string;
  let database: string;
  const env = () => ({ TENANTCTL_DATABASE_URL: database });

  beforeAll(async () => {
    dir = tempDir();
    database = await contosoDatabase('initialised', 'conventions', path.join(dir, 'db'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('colours piped output when FORCE_COLOR asks (1, 2, 3), not when it is 0, nor under NO_COLOR alone', async () => {
    for (const level of ['1', '2', '3']) {
      const forced = await runCli(['plan', '-c', 'examples/contoso'], { env: { ...env(), NO_COLOR: undefined, FORCE_COLOR: level } });
      expect(forced.stdout, `FORCE_COLOR=${level}`).toMatch(/\u001b\[32m\+/);
    }
    const off = await runCli(['plan', '-c', 'examples/contoso'], { env: { ...env(), NO_COLOR: undefined, FORCE_COLOR: '0' } });
    expect(off.stdout).toContain('tenantctl will perform the following actions');
    expect(off.stdout).not.toMatch(/\u001b\[/);
    const forcedNoFlag = await runCli(['plan', '-c', 'examples/contoso', '--no-color'], { env: { ...env(), FORCE_COLOR: '1' } });
    expect(forcedNoFlag.stdout).not.toMatch(/\u001b\[/);
    const noColor = await runCli(['plan', '-c', 'examples/contoso'], { env: { ...env(), NO_COLOR: '1', FORCE_COLOR: undefined } });
    expect(noColor.stdout).not.toMatch(/\u001b\[/);
  });

  it.each([
    [['plan', '-c', 'examples/contoso', '--format', 'jsno'], /argument 'jsno' is invalid\. Did you mean json\? Use text, json, markdown or html\./],
    [['drift', '-c', 'examples/contoso', '--format', 'markdwn'], /Did you mean markdown\?/],
    [['validate', '-c', 'examples/contoso', '--format', 'gihub'], /Did you mean github\? Use text, json or github\./],
    [['history', '--format', 'josn'], /Did you mean json\? Use text or json\./],
    [['drift', '--confg', 'examples/contoso'], /unknown option '--confg'\n\(Did you mean --config\?\)/],
    [['plan', '--config', 'examples/contoso', '--detailed-exitcod'], /Did you mean --detailed-exitcode\?/],
  ])('%j names the closest valid choice', async (args, expected) => {
    const run = await runCli(args, { env: env() });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(expected);
    expect(run.stderr).not.toContain('required option');
  });

  it('help with a command it does not know names that command and the closest one, as any unknown command is', async () => {
    const typo = await runCli(['help', 'aply'], { env: env() });
    expect(typo.code).toBe(1);
    expect(typo.stdout).toBe('');
    expect(typo.stderr).toMatch(/^error: unknown command 'aply'\n\(Did you mean apply\?\)\n/);
    expect(typo.stderr).not.toContain('Usage:');
    const far = await runCli(['help', 'frobnicate'], { env: env() });
    expect(far.code).toBe(1);
    expect(far.stderr).toMatch(/^error: unknown command 'frobnicate'\n/);
    // The known ones still show their help on stdout, exit 0.
    for (const args of [['help'], ['help', 'help'], ['help', 'apply']]) {
      const known = await runCli(args, { env: env() });
      expect(known.code, args.join(' ')).toBe(0);
      expect(known.stdout, args.join(' ')).toMatch(/^Usage: tenantctl /);
    }
  });

  it.each([['export'], ['init'], ['deliver'], ['apply', '-c', 'examples/contoso']])(
    '%j --format json says the command has no --format, not the nearest option (export: --force)',
    async (...args) => {
      const run = await runCli([...args, '--format', 'json'], { env: env() });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`${args[0]} has one output and takes no --format (validate, plan, drift and history do).`);
      expect(run.stderr).not.toContain('Did you mean');
      // Asked for JSON, the refusal is JSON too.
      expect(diagnosticsOf(run.stdout).diagnostics[0]?.code).toBe('USAGE');
    },
  );

  it.each([['validate', '-c', 'examples/contoso'], ['history', '--limit', '1'], ['export'], ['help'], ['help', 'plan']])(
    '%j takes --no-color, as plan, apply and drift do, though it prints no colours',
    async (...args) => {
      const run = await runCli([...args, '--no-color'], { env: env() });
      expect(run.stderr).not.toContain('unknown option');
      expect(run.code).toBe(0);
    },
  );

  it('still says a required option is missing when nothing is misspelt', async () => {
    const run = await runCli(['drift'], { env: env() });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("required option '-c, --config <path...>' not specified");
  });

  it('takes --database before the command name as well as after it', async () => {
    const other = path.join(dir, 'other-db');
    const before = await runCli(['--database', other, 'init', '--catalog', 'examples/contoso/catalog.yaml']);
    expect(before.stderr).toBe('');
    expect(before.code).toBe(0);
    expect(before.stdout).toContain(`in ${other}`);
    const after = await runCli(['plan', '-c', 'examples/contoso', '--detailed-exitcode', '--database', other]);
    expect(after.code).toBe(2);
    const beforePlan = await runCli(['--database', other, 'plan', '-c', 'examples/contoso', '--detailed-exitcode']);
    expect(beforePlan.code).toBe(2);
    expect(beforePlan.stdout).toContain('13 to create');
    // The command's own --database wins over one given before it.
    const both = await runCli(['--database', path.join(dir, 'never'), 'init', '--database', other]);
    expect(both.stdout).toContain(`in ${other}`);
    expect(fs.existsSync(path.join(dir, 'never'))).toBe(false);
  });

  it.each([['plan'], ['drift'], ['validate']])('%s --format json on an invalid configuration prints the diagnostics as JSON', async (command) => {
    const run = await runCli([command, '-c', 'examples/invalid/several-mistakes', '--format', 'json'], { env: env() });
    expect(run.code).toBe(1);
    const document = diagnosticsOf(run.stdout);
    expect(document.errors).toBeGreaterThan(1);
    expect(document.diagnostics[0]?.file).toMatch(/^examples\/invalid\/several-mistakes\//);
    expect(document.diagnostics[0]?.line).toBeGreaterThan(0);
  });

  it.each([
    ['plan', ['plan', '-c', 'examples/contoso', '--format', 'json']],
    ['drift', ['drift', '-c', 'examples/contoso', '--format', 'json']],
    ['history', ['history', '--format=json']],
  ])('%s --format json prints the failure as JSON when the database is unreachable', async (_name, args) => {
    const run = await runCli([...args, '--database', 'postgres://tenantctl@127.0.0.1:1/none']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('cannot connect to postgres://tenantctl@127.0.0.1:1/none');
    const document = diagnosticsOf(run.stdout);
    expect(document.diagnostics).toEqual([expect.objectContaining({ code: 'FAILED', message: expect.stringContaining('cannot connect'), file: null })]);
  });

  it('--format json after a -- is two operands: a refusal of them is not printed as JSON', async () => {
    const run = await runCli(['validate', '-c', 'examples/contoso', '--', '--format', 'json'], { env: env() });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("too many arguments for 'validate'");
    expect(run.stdout).toBe('');
  });

  it('--format json with a command line commander refuses prints it as JSON too', async () => {
    const run = await runCli(['plan', '--format', 'json'], { env: env() });
    expect(run.code).toBe(1);
    expect(diagnosticsOf(run.stdout).diagnostics).toEqual([expect.objectContaining({ code: 'USAGE', message: "required option '-c, --config <path...>' not specified" })]);
  });
});
