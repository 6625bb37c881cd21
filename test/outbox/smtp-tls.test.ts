// SMTP requires TLS (issue 9, finding 6): a relay that offers no STARTTLS is
// refused, nothing is sent in the clear and nothing is marked delivered; the
// only way around it is an explicit flag, for a relay on this machine.
import type { AddressInfo } from 'node:net';
import fs from 'node:fs';
import path from 'node:path';
import { startPGlite } from '../../src/db/embedded-database.js';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { credentialForms, isLoopbackHost, relayRedactor } from '../../src/outbox/smtp-transport.js';
import { runCli, tempDir } from '../support/cli.js';
import { contosoFolder } from '../support/contoso-database.js';

/** A relay without STARTTLS on a free loopback port, and a copy of the applied example's database beside it. */
async function startRelay(prefix: string, options: SMTPServerOptions): Promise<{ dir: string; port: number; stop: () => Promise<void> }> {
  const dir = tempDir(prefix);
  const server = new SMTPServer({ disabledCommands: ['STARTTLS'], allowInsecureAuth: true, logger: false, ...options });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  contosoFolder('applied', path.join(dir, 'db'));
  const stop = async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    fs.rmSync(dir, { recursive: true, force: true });
  };
  return { dir, port: (server.server.address() as AddressInfo).port, stop };
}

describe('deliver over SMTP without TLS', { timeout: 120_000 }, () => {
  let dir: string;
  let port: number;
  const received: string[] = [];
  const env = () => ({ TENANTCTL_DATABASE_URL: path.join(dir, 'db'), TENANTCTL_SMTP_URL: `smtp://tenantctl:hunter2@127.0.0.1:${port}` });

  async function pending(): Promise<number> {
    const db = startPGlite(path.join(dir, 'db'));
    try {
      return (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM tenantctl.credential_notifications WHERE delivered_at IS NULL AND sealed_password IS NOT NULL')).rows[0]?.n ?? -1;
    } finally {
      await db.close();
    }
  }

  let stop: () => Promise<void>;
  beforeAll(async () => {
    ({ dir, port, stop } = await startRelay('tenantctl-smtp-tls-', {
      authOptional: true,
      onData(stream, _session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          received.push(Buffer.concat(chunks).toString('utf8'));
          callback();
        });
      },
    }));
  });
  afterAll(() => stop());

  it('fails clearly when the relay offers no STARTTLS, sends nothing and keeps everything queued', async () => {
    const run = await runCli(['deliver'], { env: env() });
    expect(run.code).toBe(1);
    // Said once, in tenantctl's words with the way out; the other 12 would only fail the same way.
    const failed = run.stdout.split('\n').filter((line) => line.startsWith('failed: '));
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatch(
      new RegExp(`^failed: credentials of \\S+ to .*: the relay 127\\.0\\.0\\.1:${port} does not offer TLS \\(STARTTLS: .*\\), so nothing was sent: .* with deliver --smtp-insecure-loopback \\(will retry on the next deliver\\)$`),
    );
    expect(run.stdout).toContain(`Delivered 0 of 13 notification(s) via smtp://tenantctl:****@127.0.0.1:${port}. 1 failed and 12 more were not tried, as the relay itself failed (above); all 13 stay queued for the next deliver.`);
    expect(run.stdout + run.stderr).not.toContain('hunter2');
    expect(received).toEqual([]);
    expect(await pending()).toBe(13);
  });

  it('refuses --smtp-insecure-loopback for a relay on another host, and URL parameters that would weaken TLS', async () => {
    const remote = await runCli(['deliver', '--smtp-insecure-loopback'], { env: { ...env(), TENANTCTL_SMTP_URL: 'smtp://tenantctl:hunter2@mail.contoso.com:25' } });
    expect(remote.code).toBe(1);
    expect(remote.stderr).toContain('--smtp-insecure-loopback is only for a relay on this machine (127.0.0.1, ::1, localhost), not mail.contoso.com');
    const weakened = await runCli(['deliver'], { env: { ...env(), TENANTCTL_SMTP_URL: `smtp://127.0.0.1:${port}?ignoreTLS=true` } });
    expect(weakened.code).toBe(1);
    expect(weakened.stderr).toContain('has parameters (ignoreTLS); tenantctl takes none');
    expect(received).toEqual([]);
    expect(await pending()).toBe(13);
  });

  it('delivers to a loopback relay without TLS only when told to', async () => {
    // This test relay takes no AUTH, so the URL names no user.
    const run = await runCli(['deliver', '--smtp-insecure-loopback'], { env: { ...env(), TENANTCTL_SMTP_URL: `smtp://127.0.0.1:${port}` } });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(received).toHaveLength(13);
    expect(await pending()).toBe(0);
  });

  it('knows which hosts are this machine', () => {
    expect(['127.0.0.1', '127.1.2.3', 'localhost', '[::1]', '::1'].every(isLoopbackHost)).toBe(true);
    expect(['10.0.0.1', 'mail.contoso.com', '127.0.0.1.evil.example', 'localhost.evil.example'].some(isLoopbackHost)).toBe(false);
  });
});

describe('deliver to a relay that echoes the login it refuses', { timeout: 120_000 }, () => {
  let dir: string;
  let port: number;
  const password = 'p@ss wörd';
  const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
  const forms = [password, encodeURIComponent(password), base64(`\u0000tenantctl\u0000${password}`), base64(password)];

  let stop: () => Promise<void>;
  beforeAll(async () => {
    ({ dir, port, stop } = await startRelay('tenantctl-smtp-echo-', {
      onAuth(auth, _session, callback) {
        // A hostile or careless relay quoting back what it was sent, in every encoding a client uses.
        callback(new Error(`refused AUTH ${auth.method} ${base64(`\u0000${auth.username}\u0000${auth.password}`)} (${base64(auth.password ?? '')}) for ${auth.password}`));
      },
    }));
  });
  afterAll(() => stop());

  // Blotted out of "535 Authentication failed", "a" would leave `535 Authentic****tion f****iled`: the blots spell it.
  it('shows none of what the relay said when the password is too short to blot out, and all of it when the password is not in it', () => {
    const short = relayRedactor(credentialForms('tenantctl', 'a'));
    expect(short('535 Authentication failed')).toBe(
      '(what the relay said is not shown: the SMTP password is shorter than 8 characters, too short to blot out of it without showing where it was; use a longer one)',
    );
    expect(short('connect ECONNREFUSED 127.0.0.1:587')).toBe('connect ECONNREFUSED 127.0.0.1:587');
    const long = relayRedactor(credentialForms('tenantctl', 'correct horse'));
    expect(long('535 refused correct horse, Y29ycmVjdCBob3JzZQ==')).toBe('535 refused ****, ****');
  });

  it('keeps the password out of the report and the outbox in every form the relay echoes', async () => {
    const url = `smtp://tenantctl:${encodeURIComponent(password)}@127.0.0.1:${port}`;
    const run = await runCli(['deliver', '--smtp-insecure-loopback'], { env: { TENANTCTL_DATABASE_URL: path.join(dir, 'db'), TENANTCTL_SMTP_URL: url } });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/failed: credentials of \S+ to .*refused AUTH PLAIN \*\*\*\* \(\*\*\*\*\) for \*\*\*\*/);
    const db = startPGlite(path.join(dir, 'db'));
    try {
      const { rows } = await db.query<{ last_error: string }>('SELECT last_error FROM tenantctl.credential_notifications WHERE last_error IS NOT NULL');
      expect(rows.length).toBeGreaterThan(0);
      for (const form of forms) {
        expect(run.stdout + run.stderr).not.toContain(form);
        for (const row of rows) expect(row.last_error).not.toContain(form);
      }
    } finally {
      await db.close();
    }
  });
});
