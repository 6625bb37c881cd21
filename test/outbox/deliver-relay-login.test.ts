// deliver warns when the relay logs in as a mailbox that is also sent
// temporary passwords: whoever holds TENANTCTL_SMTP_URL can read them there.
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { SMTPServer } from 'smtp-server';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerDeliver } from '../../cmd/commands/deliver.js';
import { addDatabaseOptions } from '../../cmd/database-option.js';
import { migrate } from '../../src/db/migrate.js';
import { openDatabase } from '../../src/db/open-database.js';
import { sealSecret } from '../../src/outbox/seal.js';
import { installTestOutboxKey, TEST_OUTBOX_RECIPIENT } from '../support/outbox-key.js';

const QUEUED = [
  { local: 'joep', recipients: ['manager@fabrikam.com', 'IT-Desk@contoso.com'] },
  { local: 'anna', recipients: ['office@fabrikam.com'] },
  { local: 'femke', recipients: ['lead@fabrikam.com', 'it-desk@contoso.com'] },
];

describe('deliver through a relay that logs in as a recipient', { timeout: 60_000 }, () => {
  let root: string;
  let relay: SMTPServer;
  let port: number;
  let stderr: string[];

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantctl-relay-login-'));
    relay = new SMTPServer({
      allowInsecureAuth: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onAuth: (auth, _session, callback) => callback(null, { user: auth.username }),
      onData: (stream, _session, callback) => {
        stream.resume();
        stream.on('end', () => callback());
      },
    });
    await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
    port = (relay.server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => relay.close(() => resolve()));
    fs.rmSync(root, { recursive: true, force: true });
  });
  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
    process.exitCode = undefined;
  });

  async function deliverAs(login: string, folder: string): Promise<string> {
    const databaseDir = path.join(root, folder);
    const db = await openDatabase({ url: databaseDir, actor: 'test', lockTimeoutMs: 1000, create: true });
    try {
      await migrate(db);
      await installTestOutboxKey(db);
      await db.query(`INSERT INTO domains (name, verified, is_default) VALUES ('contoso.com', true, true) ON CONFLICT DO NOTHING`);
      const [apply] = await db.query<{ id: string }>(
        `INSERT INTO applies (actor, host, plan_hash, tool_version, summary, changes) VALUES ('test', 'test-host', 'plan-hash', '0.0.0', '{}'::jsonb, '[]'::jsonb) RETURNING id`,
      );
      for (const { local, recipients } of QUEUED) {
        const upn = `${local}@contoso.com`;
        const [user] = await db.query<{ id: string }>(`INSERT INTO users (user_principal_name, display_name, mail_nickname) VALUES ($1, $2, $2) RETURNING id::text AS id`, [upn, local]);
        await db.query(
          `INSERT INTO credential_notifications (apply_id, user_id, user_principal_name, recipients, sealed_password)
           VALUES ($1, $2, $3, ARRAY(SELECT jsonb_array_elements_text($4::jsonb)), $5)`,
          [Number(apply?.id), user?.id, upn, JSON.stringify(recipients), await sealSecret(TEST_OUTBOX_RECIPIENT, 'Tq7#vR2=pLm9')],
        );
      }
    } finally {
      await db.close();
    }
    stderr = [];
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stderr.push(String(chunk));
      return true;
    });
    vi.stubEnv('TENANTCTL_SMTP_URL', `smtp://${encodeURIComponent(login)}:relay-password-long-enough@127.0.0.1:${port}`);
    const program = new Command('tenantctl').exitOverride();
    registerDeliver(program);
    for (const command of program.commands) addDatabaseOptions(command);
    await program.parseAsync(['deliver', '--database', databaseDir, '--actor', 'test', '--smtp-insecure-loopback'], { from: 'user' });
    return stderr.join('');
  }

  it("says once, after the summary, how many passwords the login's own mailbox received, and never the relay password", async () => {
    const printed = await deliverAs('it-desk@contoso.com', 'as-recipient');
    expect(process.exitCode ?? 0).toBe(0);
    expect(printed).toContain(
      "tenantctl: warning: the relay's login it-desk@contoso.com is also a recipient of 2 of these temporary password(s): whoever holds TENANTCTL_SMTP_URL can read them in that mailbox",
    );
    expect(printed.match(/the relay's login/g)).toHaveLength(1);
    expect(printed).not.toContain('relay-password-long-enough');
  });

  it('is quiet for a send-only login that receives none', async () => {
    const printed = await deliverAs('tenantctl-mailer@contoso.com', 'send-only');
    expect(process.exitCode ?? 0).toBe(0);
    expect(printed).not.toContain("the relay's login");
  });
});
