// deliver --pickup interrupted while it writes a message, as a real process:
// held inside writePrivateFile between creating the temporary file and
// renaming it (test/support/hold-pickup-write.cjs), then signalled. That
// temporary file holds a password in the clear; it must not outlive the run,
// and a run killed outright (SIGKILL) has the next deliver remove it.
import { spawn } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';
import { afterAll, describe, expect, it } from 'vitest';
import { QUIET, ROOT, tempDir } from '../support/cli.js';
import { contosoDatabase, contosoFolder } from '../support/contoso-database.js';
import { databaseRows } from '../support/database-rows.js';
import { hasScript } from '../support/pseudo-terminal.js';

const CLI = path.join(ROOT, 'dist', 'cmd', 'tenantctl.js');
const HOOK = path.join(ROOT, 'test', 'support', 'hold-pickup-write.cjs');

interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `tenantctl deliver --pickup` on `database`, held at its first message's write when `hold` names a folder; `smtp`: to that relay instead. */
function deliver(database: string, pickup: string, hold?: string, smtp?: string, extra: readonly string[] = []) {
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', TENANTCTL_DATABASE_URL: undefined, NODE_EXTRA_CA_CERTS: undefined, ...QUIET };
  const where = smtp ? ['--smtp-insecure-loopback'] : ['--pickup', pickup];
  if (smtp) env.TENANTCTL_SMTP_URL = smtp;
  if (hold) Object.assign(env, { NODE_OPTIONS: `--require ${HOOK}`, HOLD_PICKUP_DIR: hold });
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  const child = spawn(process.execPath, [CLI, 'deliver', ...where, '--database', database, ...extra], { cwd: ROOT, env: env as NodeJS.ProcessEnv });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exit = new Promise<Exit>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, exit };
}

/** Resolves once the held process has created `held` (the temporary file's name), or rejects if it ended first. */
async function held(hold: string, exit: Promise<Exit>): Promise<string> {
  let ended: Exit | null = null;
  void exit.then((e) => (ended = e));
  const marker = path.join(hold, 'held');
  while (!fs.existsSync(marker)) {
    if (ended) throw new Error(`deliver ended before it wrote a message: ${JSON.stringify(ended)}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return fs.readFileSync(marker, 'utf8');
}

const queued = async (database: string) =>
  (await databaseRows<{ n: number }>(database, 'SELECT count(*)::int AS n FROM tenantctl.credential_notifications WHERE delivered_at IS NULL'))[0]?.n;

describe.runIf(process.platform === 'linux')('deliver interrupted while writing a pickup message', () => {
  const dir = tempDir('tenantctl-interrupted-');
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  // SIGHUP: the terminal or ssh session deliver ran in closed; by default it ended deliver mid-write.
  it.each([
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const)('%s mid-write: the message is finished and recorded, the rest stay queued, no temporary file is left, exit %i', async (signal, status) => {
    const name = signal.toLowerCase();
    const database = await contosoDatabase('applied', `deliver_${name}`, path.join(dir, `db-${name}`));
    const before = await queued(database);
    expect(before).toBeGreaterThan(1);
    const pickup = path.join(dir, `pickup-${name}`);
    const hold = fs.mkdtempSync(path.join(dir, 'hold-'));
    const run = deliver(database, pickup, hold);
    const temporary = await held(hold, run.exit);
    expect(fs.readdirSync(pickup)).toEqual([temporary]);
    run.child.kill(signal);
    fs.writeFileSync(path.join(hold, 'release'), '');
    const result = await run.exit;
    expect(result.signal).toBeNull();
    expect(result.code).toBe(status);
    expect(result.stderr).toContain(`tenantctl: ${signal}: stopping once the notification being sent is recorded; the rest stay queued`);
    expect(result.stdout).toMatch(/^delivered credentials of /);
    expect(result.stdout).toContain(`Delivered 1 of ${before} notification(s) via the pickup folder ${pickup}. 0 failed and ${before! - 1} more were not tried, as deliver was stopped by ${signal}`);
    const files = fs.readdirSync(pickup);
    expect(files).toHaveLength(1);
    expect(files[0]).toBe(temporary.replace(/^\./, '').replace(/\.[0-9a-f]{24}\.tmp$/, ''));
    expect(await queued(database)).toBe(before! - 1);
  }, 60_000);

  // The terminal itself goes away (not a SIGHUP sent by hand): deliver runs at a pseudo-terminal (util-linux `script`),
  // which is killed, closing it. The kernel sends SIGHUP, and every write to the terminal fails (EIO) from then on:
  // that failure ended deliver (exit 1) before it recorded the message it had finished writing.
  // On both engines: with PGlite the message is recorded before SIGHUP is handled, and the failed write comes first.
  it.runIf(hasScript).each(['server', 'embedded'] as const)('its terminal closed mid-write: the message is finished and recorded, the rest stay queued, no temporary file is left (%s database)', async (engine) => {
    const folder = path.join(dir, `db-hangup-${engine}`);
    const database = engine === 'embedded' ? contosoFolder('applied', folder) : await contosoDatabase('applied', 'deliver_hangup', folder);
    const before = await queued(database);
    const pickup = path.join(dir, `pickup-hangup-${engine}`);
    const hold = fs.mkdtempSync(path.join(dir, 'hold-'));
    const command = [process.execPath, CLI, 'deliver', '--pickup', pickup, '--database', database].map((part) => `'${part}'`).join(' ');
    const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', TENANTCTL_DATABASE_URL: undefined, ...QUIET, NODE_OPTIONS: `--require ${HOOK}`, HOLD_PICKUP_DIR: hold };
    for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
    const terminal = spawn('script', ['-qfec', command, '/dev/null'], { cwd: ROOT, env: env as NodeJS.ProcessEnv, stdio: 'ignore' });
    const exit = new Promise<Exit>((resolve) => terminal.on('close', (code, signal) => resolve({ code, signal, stdout: '', stderr: '' })));
    const temporary = await held(hold, exit);
    const pid = Number(fs.readFileSync(path.join(hold, 'pid'), 'utf8'));
    terminal.kill('SIGKILL');
    await exit;
    fs.writeFileSync(path.join(hold, 'release'), '');
    // Not this test's child: ended once /proc has no such process (reaped), or only its zombie, whose
    // last field is its wait status; in a container whose first process reaps no orphans, it stays.
    const ended = (): { status: number | null } | null => {
      let stat: string;
      try {
        stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      } catch {
        return { status: null };
      }
      return /^\d+ \(.*\) Z /.test(stat) ? { status: Number(stat.trim().split(' ').at(-1)) } : null;
    };
    let end = ended();
    while (end === null) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      end = ended();
    }
    // Killed by SIGHUP (a shell shows 129), not aborted by Node restoring the terminal's settings (134, a core dump).
    if (end.status !== null) expect(end.status).toBe(os.constants.signals.SIGHUP);
    // The one being written is finished, and recorded with any sent before the SIGHUP was handled.
    const files = fs.readdirSync(pickup);
    expect(files).toContain(temporary.replace(/^\./, '').replace(/\.[0-9a-f]{24}\.tmp$/, ''));
    expect(files.every((name) => name.endsWith('.eml'))).toBe(true);
    expect(await queued(database)).toBe(before! - files.length);
    expect(files.length).toBeLessThan(before!);
  }, 60_000);

  // On both engines: the sweep locks each leftover's row (SKIP LOCKED) to tell a running deliver's file from a dead one's.
  it.each(['server', 'embedded'] as const)('SIGKILL mid-write leaves the temporary file; the next deliver removes it, says so without the password, and sends everything (%s database)', async (engine) => {
    const folder = path.join(dir, `db-kill-${engine}`);
    const database = engine === 'embedded' ? contosoFolder('applied', folder) : await contosoDatabase('applied', 'deliver_sigkill', folder);
    const before = await queued(database);
    const pickup = path.join(dir, `pickup-kill-${engine}`);
    const hold = fs.mkdtempSync(path.join(dir, 'hold-'));
    const run = deliver(database, pickup, hold);
    const temporary = await held(hold, run.exit);
    run.child.kill('SIGKILL');
    expect((await run.exit).signal).toBe('SIGKILL');
    // What the operator had before: a 0600 file holding a password in the clear, nothing recorded.
    expect(fs.readdirSync(pickup)).toEqual([temporary]);
    const secret = /^Temporary password: (.+)$/m.exec(fs.readFileSync(path.join(pickup, temporary), 'utf8'))?.[1];
    expect(secret).toBeTruthy();
    expect(await queued(database)).toBe(before);
    // A file named like a leftover that is a symlink, or that names another database's notification, is left alone.
    const outside = path.join(dir, `outside-kill-${engine}`);
    fs.writeFileSync(outside, 'keep me');
    const link = `.credentials-1.00000000-0000-4000-8000-000000000000.eml.${'a'.repeat(24)}.tmp`;
    fs.symlinkSync(outside, path.join(pickup, link));
    const foreign = `.credentials-999999.00000000-0000-4000-8000-000000000001.eml.${'b'.repeat(24)}.tmp`;
    fs.writeFileSync(path.join(pickup, foreign), 'another database', { mode: 0o600 });

    const again = deliver(database, pickup);
    const result = await again.exit;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(`tenantctl: removed ${temporary} from the pickup folder ${pickup}: the half-written message of notification `);
    expect(result.stderr).toContain(`tenantctl: warning: left ${foreign} in the pickup folder ${pickup}: a temporary message file that names no notification of this database`);
    expect(result.stderr).not.toContain(link);
    expect(result.stdout + result.stderr).not.toContain(secret);
    const files = fs.readdirSync(pickup).sort();
    expect(files.filter((f) => f.endsWith('.tmp')).sort()).toEqual([link, foreign].sort());
    expect(files.filter((f) => f.endsWith('.eml'))).toHaveLength(before!);
    expect(fs.readFileSync(outside, 'utf8')).toBe('keep me');
    expect(await queued(database)).toBe(0);
  }, 60_000);

  it('SIGTERM while waiting for the embedded database another process holds stops at once, exit 143, everything queued', async () => {
    const folder = path.join(dir, 'db-waiting');
    const database = contosoFolder('applied', folder);
    const before = await queued(database);
    // Held by this (live) process, as another tenantctl would hold it.
    const lock = `${database}.lock`;
    const holder = JSON.stringify({ actor: 'holder', host: os.hostname(), pid: process.pid, since: new Date().toISOString() });
    fs.writeFileSync(lock, holder, { mode: 0o600 });
    try {
      const run = deliver(database, path.join(dir, 'pickup-waiting'), undefined, undefined, ['--lock-timeout', '30']);
      // It tries the lock (after its handlers are in place) through a staging file beside it, named with its pid.
      const tried = `${path.basename(lock)}.${run.child.pid}.`;
      const watcher = fs.watch(path.dirname(lock));
      await new Promise<void>((resolve, reject) => {
        watcher.on('change', (_event, name) => {
          if (String(name).startsWith(tried)) resolve();
        });
        void run.exit.then((e) => reject(new Error(`deliver ended before it waited: ${JSON.stringify(e)}`)));
      }).finally(() => watcher.close());
      run.child.kill('SIGTERM');
      const result = await run.exit;
      // Before: the first SIGTERM said it would stop after the notification being sent, waited out the lock timeout, and failed with exit 1.
      expect(result.stderr).toContain('tenantctl: SIGTERM: stopped before sending any notification; all stay queued');
      expect(result.stderr).not.toContain('in use by');
      expect(result.code).toBe(143);
      expect(fs.readFileSync(lock, 'utf8')).toBe(holder);
    } finally {
      fs.rmSync(lock, { force: true });
    }
    expect(await queued(database)).toBe(before);
  }, 60_000);

  // On both engines: on the embedded one the second SIGTERM exits with PGlite open mid-transaction; its lock file must go, and the folder open again.
  it.each(['server', 'embedded'] as const)('SIGTERM while the relay hangs after DATA: a second SIGTERM stops at once, the message stays queued, with a warning that it may come twice (%s database)', async (engine) => {
    const folder = path.join(dir, `db-hang-${engine}`);
    const database = engine === 'embedded' ? contosoFolder('applied', folder) : await contosoDatabase('applied', 'deliver_smtp_hang', folder);
    const before = await queued(database);
    let dataStarted: () => void = () => undefined;
    const inData = new Promise<void>((resolve) => (dataStarted = resolve));
    // A relay that takes the message and then never answers: the window where it may or may not have accepted it.
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream) {
        stream.resume();
        stream.on('end', () => dataStarted());
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.server.address() as AddressInfo;
      const run = deliver(database, '', undefined, `smtp://127.0.0.1:${port}`);
      let stderr = '';
      const warned = new Promise<void>((resolve) =>
        run.child.stderr.on('data', (chunk: string) => {
          stderr += chunk;
          if (stderr.includes('tenantctl: SIGTERM: stopping')) resolve();
        }),
      );
      await Promise.race([inData, run.exit.then((e) => Promise.reject(new Error(`deliver ended before it sent: ${JSON.stringify(e)}`)))]);
      run.child.kill('SIGTERM');
      await Promise.race([warned, run.exit.then((e) => Promise.reject(new Error(`deliver ended at the first SIGTERM: ${JSON.stringify(e)}`)))]);
      run.child.kill('SIGTERM');
      const result = await run.exit;
      expect(result.code).toBe(143);
      expect(result.stderr).toContain(
        'tenantctl: SIGTERM again: stopped at once; the notification being sent stays queued, and if the relay had accepted it already the next deliver sends it again (with the same Message-ID)',
      );
      expect(result.stdout).toBe('');
      expect(await queued(database)).toBe(before);
      const sealed = await databaseRows<{ n: number }>(database, 'SELECT count(*)::int AS n FROM tenantctl.credential_notifications WHERE sealed_password IS NOT NULL');
      expect(sealed[0]?.n).toBe(before);
      if (engine === 'embedded') expect(fs.existsSync(`${database}.lock`)).toBe(false);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }, 60_000);
});
