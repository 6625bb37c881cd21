// A typo on the command line must not print the database's password: commander and
// the options' own checks quote what they refuse.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { commandLineSecretsHider } from '../../cmd/command-line-secrets.js';
import { ROOT, runCli, tempDir } from '../support/cli.js';

const URL = 'postgres://owner:S3cretPW@127.0.0.1:1/tenant';

describe('arguments refused on the command line are quoted with their passwords masked', () => {
  it.each([
    { args: [URL, 'history'], shown: "error: unknown command 'postgres://owner:****@127.0.0.1:1/tenant'" },
    { args: ['help', URL], shown: "error: unknown command 'postgres://owner:****@127.0.0.1:1/tenant'" },
    { args: [`--databse=${URL}`, 'history'], shown: "error: unknown option '--databse=postgres://owner:****@127.0.0.1:1/tenant'" },
    { args: ['history', `--database-url=${URL}`], shown: "error: unknown option '--database-url=postgres://owner:****@127.0.0.1:1/tenant'" },
    { args: ['history', '-downer:S3cretPW@db/tenant'], shown: "error: unknown option '****@db/tenant (what comes before its last @ is not shown" },
    { args: ['history', `--format=${URL}`], shown: "argument 'postgres://owner:****@127.0.0.1:1/tenant' is invalid" },
    { args: ['history', '--lock-timeout', URL], shown: '(got postgres://owner:****@127.0.0.1:1/tenant)' },
  ])('$shown', async ({ args, shown }) => {
    // `help` takes no --format; the others print the failure as JSON on stdout too.
    for (const format of args[0] === 'help' ? [[]] : [[], ['--format', 'json']]) {
      const run = await runCli([...args, ...format]);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(shown);
      expect(`${run.stdout}${run.stderr}`).not.toContain('S3cretPW');
    }
  });
});

describe('arguments an option quotes escaped are masked too', () => {
  // JSON.stringify and terminalText write a tab, a quote or a backslash escaped: the argument as given was not found in the message.
  const escaped = ['postgres://owner:S3cret\tPW@db/tenant', 'postgres://owner:S3cret"PW@db/tenant', 'postgres://owner:S3cret\\PW@db/tenant', 'postgres://owner:S3cret\u001bPW@db/tenant'];
  it.each(escaped.flatMap((url) => [
    { args: ['history', '--since', url] },
    { args: ['history', '--limit', url] },
    { args: ['history', '--user', url] },
    { args: ['plan', '-c', path.join(ROOT, 'examples/contoso'), '--database', 'memory://', '--commit', url] },
  ]))('$args', async ({ args }) => {
    for (const format of [[], ['--format', 'json']]) {
      const run = await runCli([...args, ...format]);
      expect(run.code).toBe(1);
      expect(`${run.stdout}${run.stderr}`).toContain('postgres://owner:****@db/tenant');
      expect(`${run.stdout}${run.stderr}`).not.toContain('S3cret');
    }
  });
});

describe('names with a : and an @ in them', () => {
  it('are taken as --actor', async () => {
    const cwd = tempDir();
    try {
      const run = await runCli(['history', '--actor', 'ci:jan@contoso.com'], { cwd, env: { TENANTCTL_DATABASE_URL: path.join(cwd, 'db') } });
      expect(run.stderr).not.toContain('--actor takes a name');
      expect(run.stderr).toContain('there is no database at');
    } finally {
      fs.rmSync(cwd, { recursive: true, force: true });
    }
  });
});

describe('paths with a : and an @ in them, written as paths', () => {
  // ./team:ops@2024/config was refused as "written like a URL with a password", and masked in every message.
  it.each(['./team:ops@2024/config', 'ABSOLUTE'])('are read by -c (%s), and named whole in diagnostics', async (given) => {
    const cwd = tempDir();
    try {
      const folder = path.join(cwd, 'team:ops@2024', 'config');
      fs.cpSync(path.join(ROOT, 'examples/contoso'), folder, { recursive: true });
      const config = given === 'ABSOLUTE' ? folder : given;
      const valid = await runCli(['validate', '-c', config], { cwd });
      expect(valid.stderr).not.toContain('takes a file or folder path');
      expect(valid.code).toBe(0);
      fs.writeFileSync(path.join(folder, 'broken.yaml'), 'users: [\n');
      const broken = await runCli(['validate', '-c', config], { cwd });
      expect(broken.code).toBe(1);
      expect(`${broken.stdout}${broken.stderr}`).toContain('team:ops@2024/config/broken.yaml:');
      expect(`${broken.stdout}${broken.stderr}`).not.toContain('****');
    } finally {
      fs.rmSync(cwd, { recursive: true, force: true });
    }
  });

  it('do not reach past a Windows drive, after which Windows allows no :', () => {
    const hide = commandLineSecretsHider(['-c', 'C:/u:S3cretPW@db/tenant', '-c', './team:ops@2024/config']);
    expect(hide('C:/u:S3cretPW@db/tenant ./team:ops@2024/config')).toBe(
      '****@db/tenant (what comes before its last @ is not shown: it may hold the password) ./team:ops@2024/config',
    );
  });

  it('do not include a URL that lost its scheme: (//user:password@host)', () => {
    const hide = commandLineSecretsHider(['--databse=//u:S3cretPW@db/tenant']);
    expect(hide("unknown option '--databse=//u:S3cretPW@db/tenant'")).not.toContain('S3cretPW');
  });

  it('are still refused when written short of a path, as user:password@host', async () => {
    const run = await runCli(['validate', '-c', 'team:S3cretPW@2024/config']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('./team:…@…');
    expect(run.stderr).not.toContain('S3cretPW');
  });
});

describe('an --actor with a : and an @ in it, quoted back', () => {
  it('is shown whole: names are masked only when a URL with a password', async () => {
    // A CI job run twice as ci:jan@contoso.com was told the database is in use by ****@contoso.com (…).
    const cwd = tempDir();
    try {
      const db = path.join(cwd, 'db');
      fs.writeFileSync(`${db}.lock`, JSON.stringify({ actor: 'ci:jan@contoso.com', host: 'runner-7', pid: process.pid, since: '2026-11-25T14:02:00.000Z' }));
      const run = await runCli(['init', '--catalog', path.join(ROOT, 'examples/contoso/catalog.yaml'), '--actor', 'ci:jan@contoso.com', '--lock-timeout', '0'], { cwd, env: { TENANTCTL_DATABASE_URL: db } });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('in use by ci:jan@contoso.com on runner-7');
      const named = commandLineSecretsHider(['history', '--actor=ci:jan@contoso.com', '--actor', `${URL}`, '--user', 'u:S3cretPW@db']);
      expect(named(`ci:jan@contoso.com and ${URL}, u:S3cretPW@db`)).toBe(
        'ci:jan@contoso.com and postgres://owner:****@127.0.0.1:1/tenant, ****@db (what comes before its last @ is not shown: it may hold the password)',
      );
    } finally {
      fs.rmSync(cwd, { recursive: true, force: true });
    }
  });
});

describe('commandLineSecretsHider', () => {
  it('leaves arguments that hold no password as they are', () => {
    const hide = commandLineSecretsHider(['plan', '-c', 'C:\\Users\\jan@contoso.com\\tenant', '--out=plan.json', 'jan@contoso.com']);
    const message = "cannot read C:\\Users\\jan@contoso.com\\tenant, plan.json or 'jan@contoso.com'";
    expect(hide(message)).toBe(message);
  });

  it('masks a key=value password and a URL given as an option=value, whole or as the value alone', () => {
    const hide = commandLineSecretsHider(['--database=host=db password=S3cretPW', `--url=${URL}`]);
    expect(hide("unknown option '--database=host=db password=S3cretPW'")).toBe("unknown option '--database=host=db password=****'");
    expect(hide(`argument '${URL}' is invalid`)).toBe("argument 'postgres://owner:****@127.0.0.1:1/tenant' is invalid");
  });
});

describe('a path option given a URL with a password is refused before anything is read or written', () => {
  const config = path.join(ROOT, 'examples/contoso');
  it.each([
    { args: ['validate', '-c', URL], flag: '-c' },
    { args: ['validate', '-c', config, '-c', URL, '--format', 'json'], flag: '-c' },
    { args: ['plan', '-c', config, '--out', URL], flag: '--out' },
    { args: ['drift', '-c', config, `--out=${URL}`], flag: '--out' },
    { args: ['export', '--out', URL], flag: '--out' },
    { args: ['apply', '-c', config, '--plan', URL], flag: '--plan' },
    { args: ['init', '--catalog', URL], flag: '--catalog' },
    { args: ['deliver', '--pickup', 'mailer:S3cretPW@relay.contoso.com'], flag: '--pickup' },
    { args: ['deliver', '--outbox-key', URL], flag: '--outbox-key' },
    // Kept in the audit trail, which nobody can edit.
    { args: ['init', '--actor', URL], flag: '--actor' },
    { args: ['--actor', URL, 'history'], flag: '--actor' },
    { args: ['history', '--user', URL], flag: '--user' },
  ])('$args', async ({ args, flag }) => {
    // Taken as a path, `postgres://owner:S3cretPW@…` was printed whole and made the folders postgres:/owner:S3cretPW@….
    const cwd = tempDir();
    try {
      const run = await runCli(args, { cwd, env: { TENANTCTL_DATABASE_URL: path.join(cwd, 'db') } });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`Error: ${flag} takes a ${flag === '--actor' || flag === '--user' ? 'name' : 'file or folder path'}, and `);
      expect(run.stderr).toContain('a URL with a password (shown masked)');
      expect(`${run.stdout}${run.stderr}`).not.toContain('S3cretPW');
      expect(fs.readdirSync(cwd)).toEqual([]);
    } finally {
      fs.rmSync(cwd, { recursive: true, force: true });
    }
  });
});

describe('a path option given an empty value (a variable that is not set)', () => {
  // `apply --plan "$PLAN_FILE"` with the variable empty applied what the configuration gives now instead of the reviewed plan, exit 0.
  it.each([
    { args: ['apply', '--plan', '', '-c', 'examples/contoso', '--auto-approve', '--approve-purchases', '--approve-privileged'], flag: '--plan' },
    { args: ['plan', '-c', 'examples/contoso', '--out', ''], flag: '--out' },
    { args: ['export', '--out', ' '], flag: '--out' },
    { args: ['deliver', '--pickup', ''], flag: '--pickup' },
  ])('is refused: $args', async ({ args, flag }) => {
    const cwd = tempDir();
    try {
      fs.cpSync(path.join(ROOT, 'examples'), path.join(cwd, 'examples'), { recursive: true });
      const run = await runCli(args, { cwd, env: { TENANTCTL_DATABASE_URL: 'memory://' } });
      expect(run.code, run.stderr).toBe(1);
      expect(run.stderr).toContain(`Error: ${flag} was given an empty path, which names no file or folder (a variable that is not set?): give the path; nothing was read or written`);
      expect(fs.readdirSync(cwd)).toEqual(['examples']);
    } finally {
      fs.rmSync(cwd, { recursive: true, force: true });
    }
  });
});
