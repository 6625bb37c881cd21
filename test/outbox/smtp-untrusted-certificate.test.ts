// A relay whose TLS certificate Node does not trust (a private CA's, as many internal relays have)
// fails the handshake before any message, the same way for every one: deliver stops at the first,
// as for a relay without TLS, and says how to make Node trust it rather than quoting Node alone.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../support/cli.js';
import { contosoFolder } from '../support/contoso-database.js';
import { TlsSmtpRelay } from '../workflow/tls-smtp-relay.js';

describe('deliver to a relay whose certificate is not trusted', { timeout: 120_000 }, () => {
  const dir = tempDir('tenantctl-smtp-cert-');
  const relay = new TlsSmtpRelay(dir);
  const env = () => ({ TENANTCTL_DATABASE_URL: path.join(dir, 'db'), TENANTCTL_SMTP_URL: relay.url });

  beforeAll(async () => {
    contosoFolder('applied', path.join(dir, 'db'));
    await relay.start();
  });
  afterAll(async () => {
    await relay.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('stops at the first notification, names NODE_EXTRA_CA_CERTS, sends nothing; trusted through it, every one goes', async () => {
    const refused = await runCli(['deliver'], { env: env() });
    expect(refused.code).toBe(1);
    const failed = refused.stdout.split('\n').filter((line) => line.startsWith('failed: '));
    expect(failed).toHaveLength(1);
    expect(failed[0]).toContain("the relay 127.0.0.1:");
    expect(failed[0]).toContain("'s TLS certificate was refused (self-signed certificate), so nothing was sent");
    expect(failed[0]).toContain('give Node that CA with NODE_EXTRA_CA_CERTS=FILE');
    expect(refused.stdout).toContain('1 failed and 12 more were not tried, as the relay itself failed (above); all 13 stay queued for the next deliver.');
    expect(refused.stdout + refused.stderr).not.toContain('relay-password');
    expect(relay.received).toEqual([]);

    const trusted = await runCli(['deliver'], { env: { ...env(), NODE_EXTRA_CA_CERTS: relay.caFile } });
    expect(trusted.code).toBe(0);
    expect(trusted.stdout).toContain('Delivered 13 of 13 notification(s)');
    expect(relay.received).toHaveLength(13);
  });
});
