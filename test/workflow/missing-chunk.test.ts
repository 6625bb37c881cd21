import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUIET, ROOT, tempDir } from '../support/cli.js';
import { contosoFolder } from '../support/contoso-database.js';

/**
 * nodemailer, age-encryption, each database's driver and the commands' own
 * modules are bundled into chunks that the CLI imports only when a command
 * needs them (scripts/bundle.mjs, cmd/command-modules.ts). An installation that
 * lacks one must say so in words, never as a stack trace or "a bug in
 * tenantctl", and change nothing. The CLI runs from a copy of dist/cmd in
 * ROOT/dist (so that its own files and node_modules are found as installed)
 * with one chunk left out.
 */
const CHUNKS = path.join(ROOT, 'dist', 'cmd', 'chunks');

/** The one chunk holding `text`: a text only that library's or module's own code has. */
function chunkHolding(text: string): string {
  const found = fs.readdirSync(CHUNKS).filter((name) => fs.readFileSync(path.join(CHUNKS, name), 'utf8').includes(text));
  expect(found).toHaveLength(1);
  return found[0]!;
}

describe('a tenantctl whose on-demand chunk is missing', () => {
  let copies: string;
  let work: string;
  let config: string;
  const env = () => ({ ...process.env, ...QUIET, NO_COLOR: '1', TENANTCTL_DATABASE_URL: path.join(work, 'db'), XDG_CONFIG_HOME: path.join(work, 'xdg'), TENANTCTL_SMTP_URL: undefined });

  /** The CLI copied without the chunk that holds `text` (or whole), run with `args`. */
  const cliWithout = (text: string | null) => {
    const dir = fs.mkdtempSync(path.join(copies, 'cmd-'));
    fs.copyFileSync(path.join(ROOT, 'dist', 'cmd', 'tenantctl.js'), path.join(dir, 'tenantctl.js'));
    fs.cpSync(CHUNKS, path.join(dir, 'chunks'), { recursive: true });
    if (text !== null) fs.rmSync(path.join(dir, 'chunks', chunkHolding(text)));
    return (args: readonly string[], extra: Record<string, string> = {}) => {
      const run = spawnSync(process.execPath, [path.join(dir, 'tenantctl.js'), ...args], { cwd: work, encoding: 'utf8', env: { ...env(), ...extra } as NodeJS.ProcessEnv });
      return { code: run.status, output: `${run.stdout}${run.stderr}` };
    };
  };
  const unclear = /internal error|a bug in tenantctl|\n\s+at |ERR_MODULE_NOT_FOUND \{|Node\.js v/;

  beforeAll(() => {
    copies = fs.mkdtempSync(path.join(ROOT, 'dist', 'test-copies-'));
    work = tempDir('tenantctl-missing-chunk-');
    config = path.join(work, 'tenant');
    fs.cpSync(path.join(ROOT, 'examples', 'contoso'), config, { recursive: true });
    fs.rmSync(path.join(config, 'catalog.yaml'));
    // The contoso example after its first apply (13 passwords queued), as the global setup's
    // whole CLI made it: a copy, not another init and apply (some 4 s of CPU on this engine).
    // Embedded: the last test is about the embedded engine's chunk.
    contosoFolder('applied', path.join(work, 'db'));
  });
  afterAll(() => {
    fs.rmSync(copies, { recursive: true, force: true });
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('without the mailer, deliver to a pickup folder or by SMTP says what is missing, keeps every password queued, and prints no stack', () => {
    const deliver = cliWithout('Nodemailer');
    const pickup = path.join(work, 'pickup');
    fs.mkdirSync(pickup, { mode: 0o700 });
    const toFolder = deliver(['deliver', '--pickup', pickup]);
    expect(toFolder.code).toBe(1);
    expect(toFolder.output).toContain('tenantctl could not load nodemailer, which it needs to write mail');
    expect(toFolder.output).toContain('install tenantctl again; nothing was sent, and all 13 notification(s) stay queued');
    // Said once, not once per notification.
    expect(toFolder.output.split('could not load nodemailer')).toHaveLength(2);
    expect(toFolder.output).not.toMatch(unclear);
    expect(fs.readdirSync(pickup)).toEqual([]);
    // Nothing listens there: the mailer's absence is found before any connection.
    const bySmtp = deliver(['deliver', '--smtp-insecure-loopback'], { TENANTCTL_SMTP_URL: 'smtp://tenantctl:s3cret-relay@127.0.0.1:9' });
    expect(bySmtp.code).toBe(1);
    expect(bySmtp.output).toContain('tenantctl could not load nodemailer');
    expect(bySmtp.output).toContain('nothing was sent, and all 13 notification(s) stay queued');
    expect(bySmtp.output.split('could not load nodemailer')).toHaveLength(2);
    expect(bySmtp.output).not.toMatch(unclear);
    expect(bySmtp.output).not.toContain('s3cret-relay');
    // With its chunk back, the same installation delivers every one.
    const whole = cliWithout(null)(['deliver', '--pickup', pickup]);
    expect(whole.code, whole.output).toBe(0);
    expect(fs.readdirSync(pickup)).toHaveLength(13);
  });

  it('without age, apply refuses to create a user whose password it cannot seal, says why, and changes nothing', () => {
    fs.appendFileSync(path.join(config, 'users.yaml'), '  - userPrincipalName: new.hire@contoso.com\n    displayName: New Hire\n');
    const cli = cliWithout('function identityToRecipient');
    const apply = cli(['apply', '-c', config, '--auto-approve', '--approve-purchases', '--approve-privileged']);
    expect(apply.code).toBe(1);
    expect(apply.output).toContain('tenantctl could not load age-encryption, which it needs to seal and open temporary passwords');
    expect(apply.output).not.toMatch(unclear);
    const plan = cliWithout(null)(['plan', '-c', config, '--detailed-exitcode']);
    expect(plan.code, plan.output).toBe(2);
    expect(plan.output).toContain('1 to create');
  });

  it('without PGlite, a command on the embedded database says what is missing and changes nothing', () => {
    const cli = cliWithout('new PGlite(');
    for (const args of [['plan', '-c', config], ['drift', '-c', config]]) {
      const run = cli(args);
      expect(run.code).toBe(1);
      expect(run.output).toContain('tenantctl could not load PGlite, which it needs to open the embedded database');
      expect(run.output).not.toMatch(unclear);
    }
    const plan = cliWithout(null)(['plan', '-c', config, '--detailed-exitcode']);
    expect(plan.code, plan.output).toBe(2);
  });

  it("without the plan, apply and drift commands' module, they say the installation is incomplete; validate, which never loads it, still checks", () => {
    const cli = cliWithout('function registerPlan(');
    for (const args of [['plan', '-c', config], ['apply', '-c', config, '--auto-approve'], ['drift', '-c', config, '--format', 'json']]) {
      const run = cli(args);
      expect(run.code).toBe(1);
      expect(run.output).toContain('tenantctl could not load its plan, apply and drift commands, which it needs to run this command');
      expect(run.output).toContain('install tenantctl again');
      expect(run.output).not.toMatch(unclear);
    }
    const validate = cli(['validate', '-c', config]);
    expect(validate.code, validate.output).toBe(0);
    expect(validate.output).toContain('The configuration is valid.');
    expect(cli(['--version']).output).toMatch(/^\d+\.\d+\.\d+\n$/);
  });
});
