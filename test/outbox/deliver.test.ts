// Delivery of queued credential notifications against a real SMTP server
// (smtp-server on 127.0.0.1) and a real database: embedded PGlite and PostgreSQL.
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { SMTPServer } from 'smtp-server';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { registerDeliver } from '../../cmd/commands/deliver.js';
import { addDatabaseOptions } from '../../cmd/database-option.js';
import type { Database } from '../../src/db/database.js';
import { migrate } from '../../src/db/migrate.js';
import { openDatabase } from '../../src/db/open-database.js';
import { composeMessage, credentialMessageId, defaultSender, mailOptions } from '../../src/outbox/compose-message.js';
import { deliverPending, type Transport } from '../../src/outbox/deliver.js';
import { notificationAddressProblem } from '../../src/outbox/notification-addresses.js';
import { RelayUnusable } from '../../src/outbox/relay-failure.js';
import { sweepPickupLeftovers } from '../../src/outbox/pickup-leftovers.js';
import { createPickupTransport, pickupFileName } from '../../src/outbox/pickup-transport.js';
import { openSealed, sealSecret } from '../../src/outbox/seal.js';
import { createSmtpTransport } from '../../src/outbox/smtp-transport.js';
import { installTestOutboxKey, TEST_OUTBOX_IDENTITY, TEST_OUTBOX_RECIPIENT } from '../support/outbox-key.js';
import { describePostgres, postgresTestUrl } from '../support/postgres.js';

// ---------------------------------------------------------------- SMTP server

interface ReceivedMail {
  readonly mailFrom: string;
  readonly rcptTo: readonly string[];
  readonly raw: string;
}

interface MailServer {
  readonly port: number;
  readonly received: ReceivedMail[];
  /** How many connections clients opened. */
  readonly connections: () => number;
  /** Addresses whose RCPT TO the server answers with 550. */
  readonly refuse: Set<string>;
  /** Whether the server refuses each message, quoting its body as it came (a content filter that says what it saw). */
  readonly quoteBody: { value: boolean };
  close(): Promise<void>;
}

async function startMailServer(): Promise<MailServer> {
  const received: ReceivedMail[] = [];
  const refuse = new Set<string>();
  const quoteBody = { value: false };
  let connections = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onConnect(_session, callback) {
      connections += 1;
      callback();
    },
    onRcptTo(address, _session, callback) {
      if (!refuse.has(address.address.toLowerCase())) return callback();
      const error = Object.assign(new Error(`5.1.1 <${address.address}>: no such user`), { responseCode: 550 });
      callback(error);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (quoteBody.value) {
          const body = Buffer.concat(chunks).toString('utf8').split(/\r?\n\r?\n/).slice(1).join(' ');
          return callback(Object.assign(new Error(`5.7.1 content refused: ${body}`), { responseCode: 554 }));
        }
        const mailFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        received.push({ mailFrom, rcptTo: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    port,
    received,
    connections: () => connections,
    refuse,
    quoteBody,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function smtpTo(port: number) {
  return createSmtpTransport(`smtp://127.0.0.1:${port}`, { insecureLoopback: true, timeoutMs: 5000 });
}

/**
 * A port nothing listens on: the server is down. Port 1 (tcpmux, privileged),
 * as elsewhere in the suite: a port freed after listening could be taken again
 * meanwhile by a server of another test file running alongside.
 */
const CLOSED_PORT = 1;

function header(raw: string, name: string): string | undefined {
  const head = raw.split(/\r?\n\r?\n/)[0] ?? '';
  const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
  const line = unfolded.split(/\r?\n/).find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  return line?.slice(name.length + 1).trim();
}

function sorted(addresses: readonly string[]): string[] {
  return addresses.map((a) => a.toLowerCase()).sort();
}

// ---------------------------------------------------------------- seed data

interface Seeded {
  readonly id: number;
  readonly userId: string;
  readonly upn: string;
  readonly recipients: readonly string[];
  readonly password: string;
}

const FIVE_AND_ADMIN = ['manager@fabrikam.com', 'hr@fabrikam.com', 'it@fabrikam.com', 'desk@fabrikam.com', 'boss@fabrikam.com', 'admin@contoso.com'];

/** Queues one notification per entry, sealed for the test key as apply would, with plain SQL. */
async function seed(db: Database, entries: ReadonlyArray<{ local: string; recipients: readonly string[]; password: string }>): Promise<Seeded[]> {
  await db.query(`INSERT INTO domains (name, verified, is_default) VALUES ('contoso.com', true, true) ON CONFLICT DO NOTHING`);
  const [apply] = await db.query<{ id: string }>(
    `INSERT INTO applies (actor, host, plan_hash, tool_version, summary, changes)
     VALUES ('test', 'test-host', 'plan-hash', '0.0.0', '{}'::jsonb, '[]'::jsonb) RETURNING id`,
  );
  const seeded: Seeded[] = [];
  for (const entry of entries) {
    const upn = `${entry.local}@contoso.com`;
    const [user] = await db.query<{ id: string }>(
      `INSERT INTO users (user_principal_name, display_name, mail_nickname) VALUES ($1, $2, $3) RETURNING id::text AS id`,
      [upn, entry.local, entry.local],
    );
    const [row] = await db.query<{ id: string }>(
      `INSERT INTO credential_notifications (apply_id, user_id, user_principal_name, recipients, sealed_password)
       VALUES ($1, $2, $3, ARRAY(SELECT jsonb_array_elements_text($4::jsonb)), $5) RETURNING id`,
      [Number(apply?.id), user?.id, upn, JSON.stringify(entry.recipients), await sealSecret(TEST_OUTBOX_RECIPIENT, entry.password)],
    );
    seeded.push({ id: Number(row?.id), userId: String(user?.id), upn, recipients: entry.recipients, password: entry.password });
  }
  return seeded;
}

const THREE = [
  { local: 'joep', recipients: FIVE_AND_ADMIN, password: 'Tq7#vR2=pLm9' },
  { local: 'anna', recipients: ['office@fabrikam.com'], password: 'Zx4$Kd8!wQe1' },
  { local: 'femke', recipients: ['lead@fabrikam.com', 'admin@contoso.com'], password: 'Hn3^Yb6&cVr5' },
] as const;

interface OutboxRow {
  id: number;
  /** The password, opened from its sealed form; null once erased. */
  temporary_password: string | null;
  delivered: boolean;
  attempts: number;
  last_error: string | null;
  attempted: boolean;
}

async function outbox(db: Database): Promise<OutboxRow[]> {
  const rows = await db.query<OutboxRow & { sealed_password: string | null }>(
    `SELECT id::int AS id, sealed_password, delivered_at IS NOT NULL AS delivered, attempts, last_error,
            last_attempt_at IS NOT NULL AS attempted
       FROM credential_notifications ORDER BY id`,
  );
  return Promise.all(
    rows.map(async ({ sealed_password, ...row }) => ({
      ...row,
      temporary_password: sealed_password === null ? null : await openSealed([TEST_OUTBOX_IDENTITY], sealed_password),
    })),
  );
}

const KEY = { identities: [TEST_OUTBOX_IDENTITY] };

function expectReceivedOnce(server: MailServer, notification: Seeded, expectedRecipients = notification.recipients): ReceivedMail {
  const copies = server.received.filter((m) => header(m.raw, 'Message-ID') === credentialMessageId(notification));
  expect(copies).toHaveLength(1);
  const mail = copies[0] as ReceivedMail;
  expect(sorted(mail.rcptTo)).toEqual(sorted(expectedRecipients));
  expect(mail.mailFrom).toBe('tenantctl@contoso.com');
  expect(header(mail.raw, 'Subject')).toBe(`Your new Office 365 account: ${notification.upn}`);
  expect(mail.raw).toContain(`User ID: ${notification.upn}`);
  expect(mail.raw).toContain(`Temporary password: ${notification.password}`);
  expect(mail.raw).toContain('https://portal.office.com');
  return mail;
}

// ---------------------------------------------------------------- the suite, on both databases

function outboxSuite(open: () => Promise<Database>): void {
  let db: Database;
  let server: MailServer;

  beforeAll(async () => {
    db = await open();
    await migrate(db);
    await installTestOutboxKey(db);
  });
  afterAll(async () => {
    await db?.close();
  });
  beforeEach(async () => {
    await db.query('TRUNCATE credential_notifications, users, applies, domains CASCADE');
    server = await startMailServer();
  });
  afterEach(async () => {
    await server.close();
  });

  it('delivers each notification once, to exactly its recipients, and erases its password', async () => {
    const seeded = await seed(db, THREE);
    const transport = smtpTo(server.port);
    const report = await deliverPending(db, transport, KEY);
    transport.close();

    expect(report.notifications).toEqual(
      seeded.map((n) => ({ id: n.id, userPrincipalName: n.upn, recipients: n.recipients, status: 'delivered' })),
    );
    expect(server.received).toHaveLength(3);
    // One connection for the run, not a handshake per message.
    expect(server.connections()).toBe(1);
    for (const notification of seeded) expectReceivedOnce(server, notification);
    const joep = expectReceivedOnce(server, seeded[0] as Seeded);
    expect(sorted((header(joep.raw, 'To') ?? '').split(/,\s*/))).toEqual(sorted(FIVE_AND_ADMIN));

    expect(await outbox(db)).toEqual(
      seeded.map((n) => ({ id: n.id, temporary_password: null, delivered: true, attempts: 1, last_error: null, attempted: true })),
    );
    for (const notification of seeded) expect(JSON.stringify(report)).not.toContain(notification.password);
  });

  it('sends nothing on a second deliver', async () => {
    await seed(db, THREE);
    const transport = smtpTo(server.port);
    await deliverPending(db, transport, KEY);
    const again = await deliverPending(db, transport, KEY);
    transport.close();
    expect(again).toEqual({ notifications: [], counts: { delivered: 0, failed: 0, partial: 0 }, heldBack: 0, notTried: 0, stopped: false });
    expect(server.received).toHaveLength(3);
  });

  it('reads the schema version in one statement per notification: an outbox of 500 pays 500 more, not 1,000', async () => {
    const seeded = await seed(db, THREE);
    const statements: string[] = [];
    const counted: Database = {
      ...db,
      transaction: (work) =>
        db.transaction((tx) =>
          work({
            query: (sql, params) => (statements.push(sql), tx.query(sql, params)),
            exec: (sql) => (statements.push(sql), tx.exec(sql)),
          })),
    };
    const transport = smtpTo(server.port);
    const report = await deliverPending(counted, transport, KEY);
    transport.close();
    expect(report.counts.delivered).toBe(seeded.length);
    expect(statements.filter((sql) => /schema_migrations|to_regclass/.test(sql))).toHaveLength(seeded.length);
  });

  it('keeps no outcome in memory with keepDeliveries false (an outbox of 100,000): each goes to onResult, the report counts them', async () => {
    const seeded = await seed(db, THREE);
    server.refuse.add((seeded[0] as Seeded).recipients[0] as string);
    const transport = smtpTo(server.port);
    const seen: number[] = [];
    const report = await deliverPending(db, transport, { ...KEY, keepDeliveries: false, onResult: (d) => seen.push(d.id) });
    transport.close();
    expect(seen).toEqual(seeded.map((n) => n.id));
    expect(report).toEqual({ notifications: [], counts: { delivered: 3, failed: 0, partial: 1 }, heldBack: 0, notTried: 0, stopped: false });
  });

  it('stops before the next notification once stopRequested says so, and counts the rest as not tried', async () => {
    const seeded = await seed(db, THREE);
    const transport = smtpTo(server.port);
    const report = await deliverPending(db, transport, { ...KEY, stopRequested: () => server.received.length > 0 });
    transport.close();
    expect(report.notifications.map((n) => n.id)).toEqual([(seeded[0] as Seeded).id]);
    expect(report).toMatchObject({ counts: { delivered: 1, failed: 0, partial: 0 }, notTried: 2, stopped: true });
    expect((await outbox(db)).map((r) => r.delivered)).toEqual([true, false, false]);
  });

  it('keeps a refused notification queued with its password, and delivers it on the next deliver', async () => {
    const seeded = await seed(db, THREE);
    const [joep, anna, femke] = seeded as [Seeded, Seeded, Seeded];
    server.refuse.add('office@fabrikam.com'); // anna's only recipient
    const transport = smtpTo(server.port);
    const report = await deliverPending(db, transport, KEY);

    const statuses = report.notifications.map((n) => [n.userPrincipalName, n.status]);
    expect(statuses).toEqual([
      [joep.upn, 'delivered'],
      [anna.upn, 'failed'],
      [femke.upn, 'delivered'],
    ]);
    const failed = report.notifications[1];
    expect(failed?.error).toMatch(/550/);
    expect(failed?.error).not.toContain(anna.password);

    const rows = await outbox(db);
    expect(rows[1]).toMatchObject({ id: anna.id, temporary_password: anna.password, delivered: false, attempts: 1, attempted: true });
    expect(rows[1]?.last_error).toMatch(/all recipients were rejected.*550/);
    expect(rows[1]?.last_error).not.toContain(anna.password);

    server.refuse.clear();
    const retry = await deliverPending(db, transport, KEY);
    transport.close();
    expect(retry.notifications.map((n) => [n.id, n.status])).toEqual([[anna.id, 'delivered']]);
    expectReceivedOnce(server, anna);
    expect((await outbox(db))[1]).toMatchObject({ temporary_password: null, delivered: true, attempts: 2, last_error: null });
  });

  it('counts a message refused for some of its recipients as delivered, and names them', async () => {
    const [femke] = await seed(db, [THREE[2]]);
    server.refuse.add('lead@fabrikam.com');
    const transport = smtpTo(server.port);
    const report = await deliverPending(db, transport, KEY);
    transport.close();
    expect(report.notifications).toHaveLength(1);
    expect(report.notifications[0]).toMatchObject({ status: 'delivered', rejected: [{ address: 'lead@fabrikam.com' }] });
    expect(report.notifications[0]?.rejected?.[0]?.reason).toMatch(/^550 .*no such user/);
    expectReceivedOnce(server, femke as Seeded, ['admin@contoso.com']);
    expect((await outbox(db))[0]).toMatchObject({ temporary_password: null, delivered: true });
  });

  it('keeps everything queued while the server is down, then delivers on the next deliver', async () => {
    const seeded = await seed(db, THREE);
    const down = smtpTo(CLOSED_PORT);
    const report = await deliverPending(db, down, KEY);
    down.close();
    // The relay itself failed: the other two would fail the same way, each after its own wait.
    expect(report.notifications.map((n) => [n.status, n.relayUnusable])).toEqual([['failed', true]]);
    expect(report.notTried).toBe(2);
    expect(report.notifications[0]?.error).toMatch(/ECONNREFUSED/);
    const rows = await outbox(db);
    for (const [i, row] of rows.entries()) expect(row).toMatchObject({ temporary_password: seeded[i]?.password, delivered: false, attempts: i === 0 ? 1 : 0 });
    expect(rows[0]?.last_error).toMatch(/ECONNREFUSED/);

    const up = smtpTo(server.port);
    const retry = await deliverPending(db, up, KEY);
    up.close();
    expect(retry.notifications.map((n) => n.status)).toEqual(['delivered', 'delivered', 'delivered']);
    expect(retry.notTried).toBe(0);
    for (const notification of seeded) expectReceivedOnce(server, notification);
    expect((await outbox(db)).map((r) => [r.delivered, r.attempts, r.temporary_password])).toEqual([
      [true, 2, null],
      [true, 1, null],
      [true, 1, null],
    ]);
  });

  it('keeps the temporary password out of last_error when the relay quotes the message it refuses, in its transfer encoding too', async () => {
    // A UPN this long puts "User ID: …" past 76 characters, so nodemailer sends the body quoted-printable: `=` goes as `=3D`.
    const local = 'joep.van.der.berg-de.vries.quoted-printable-body.for-the-test';
    const [joep] = (await seed(db, [{ ...THREE[0], local }])) as [Seeded];
    server.quoteBody.value = true;
    const transport = smtpTo(server.port);
    const report = await deliverPending(db, transport, KEY);
    transport.close();
    const error = report.notifications[0]?.error ?? '';
    expect(error).toMatch(/554 .*content refused: .*Temporary password: \*\*\*\*/);
    expect(error).toContain(`User ID: ${joep.upn.slice(0, 20)}`);
    const [row] = await outbox(db);
    expect(row).toMatchObject({ temporary_password: joep.password, delivered: false, attempts: 1 });
    for (const text of [error, row?.last_error ?? '']) {
      expect(text).not.toContain(joep.password);
      expect(text).not.toContain(joep.password.replaceAll('=', '=3D'));
    }
  });

  it('goes on past a message the relay refuses: only a failure of the relay itself stops the run', async () => {
    await seed(db, THREE);
    const smtp = smtpTo(server.port);
    let sends = 0;
    const refusingTheFirst: Transport = {
      async send(message) {
        if (++sends === 1) throw new Error('554 5.7.1 message refused');
        return smtp.send(message);
      },
    };
    const report = await deliverPending(db, refusingTheFirst, KEY);
    smtp.close();
    expect(report.notifications.map((n) => [n.status, n.relayUnusable])).toEqual([
      ['failed', undefined],
      ['delivered', undefined],
      ['delivered', undefined],
    ]);
    expect(report.notTried).toBe(0);
  });

  it('resends with the same Message-ID when the outcome was not recorded (the crash window)', async () => {
    const [anna] = (await seed(db, [THREE[1]])) as [Seeded];
    const smtp = smtpTo(server.port);
    // Accepted by the server, then tenantctl fails before it can record the delivery.
    const crashing: Transport = {
      async send(message) {
        await smtp.send(message);
        throw new Error('lost the database connection');
      },
    };
    await deliverPending(db, crashing, KEY);
    await deliverPending(db, smtp, KEY);
    smtp.close();
    expect(server.received).toHaveLength(2);
    expect(server.received.map((m) => header(m.raw, 'Message-ID'))).toEqual([credentialMessageId(anna), credentialMessageId(anna)]);
    expect((await outbox(db))[0]).toMatchObject({ delivered: true, temporary_password: null, attempts: 2 });
  });

  it('writes .eml files readable only by their owner into a pickup folder, and erases the passwords', async () => {
    const seeded = await seed(db, THREE);
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantctl-pickup-'));
    const folder = path.join(root, 'outgoing');
    try {
      const transport = createPickupTransport(folder);
      const report = await deliverPending(db, transport, KEY);
      expect(report.notifications.map((n) => n.status)).toEqual(['delivered', 'delivered', 'delivered']);
      expect(fs.statSync(folder).mode & 0o777).toBe(0o700);
      expect(fs.readdirSync(folder).sort()).toEqual(seeded.map((n) => pickupFileName({ notificationId: n.id, userId: n.userId })).sort());
      for (const notification of seeded) {
        const file = path.join(folder, pickupFileName({ notificationId: notification.id, userId: notification.userId }));
        expect(fs.statSync(file).mode & 0o777).toBe(0o600);
        const raw = fs.readFileSync(file, 'utf8');
        expect(raw).toMatch(/\r\n\r\n/); // RFC 5322 line ends
        expect(header(raw, 'Message-ID')).toBe(credentialMessageId(notification));
        expect(sorted((header(raw, 'To') ?? '').split(/,\s*/))).toEqual(sorted(notification.recipients));
        expect(raw).toContain(`User ID: ${notification.upn}`);
        expect(raw).toContain(`Temporary password: ${notification.password}`);
      }
      expect((await outbox(db)).every((r) => r.delivered && r.temporary_password === null)).toBe(true);

      // A file already there is never replaced: the send fails, and the file stays as it was.
      const first = seeded[0] as Seeded;
      const again = composeMessage({ ...first, userPrincipalName: first.upn, temporaryPassword: 'Other#Pass1', reason: 'created', forceChange: true });
      await expect(transport.send(again)).rejects.toThrow(
        `the pickup folder already has ${pickupFileName(again)}, left by an earlier deliver that stopped before recording it, or by someone else; nothing was overwritten`,
      );
      expect(fs.readdirSync(folder)).toHaveLength(3);
      const kept = fs.readFileSync(path.join(folder, pickupFileName(again)), 'utf8');
      expect(kept).toContain(`Temporary password: ${first.password}`);
      expect(kept).not.toContain('Other#Pass1');
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('holds back the credentials of a user deleted since they were queued, and sends them once the user is restored', async () => {
    const seeded = await seed(db, THREE);
    const [joep, anna, femke] = seeded as [Seeded, Seeded, Seeded];
    // In the recycle bin, as apply's user.delete leaves a user.
    await db.query('UPDATE users SET deleted_at = now() WHERE lower(user_principal_name) = lower($1)', [anna.upn]);
    const transport = smtpTo(server.port);
    const first = await deliverPending(db, transport, KEY);
    expect(first.notifications.map((n) => n.id)).toEqual([joep.id, femke.id]);
    expect(first.heldBack).toBe(1);
    expect(server.received.some((m) => m.raw.includes(anna.upn))).toBe(false);
    // Still queued and sealed: nothing lost while the account is in the recycle bin.
    expect((await outbox(db)).find((row) => row.id === anna.id)).toMatchObject({ delivered: false, attempts: 0, temporary_password: anna.password });

    await db.query('UPDATE users SET deleted_at = NULL');
    const restored = await deliverPending(db, transport, KEY);
    transport.close();
    expect(restored).toEqual({ notifications: [expect.objectContaining({ id: anna.id, status: 'delivered' })], counts: { delivered: 1, failed: 0, partial: 0 }, heldBack: 0, notTried: 0, stopped: false });
    expectReceivedOnce(server, anna);
  });

  // helper-78: a typo in a new hire's name, fixed by the next pull request before deliver ran.
  it('names a user renamed since its credentials were queued by its new name, the one that signs in', async () => {
    const seeded = await seed(db, THREE);
    const anna = seeded[1] as Seeded;
    const renamed = { ...anna, upn: anna.upn.replace('@', '.renamed@') };
    await db.query('UPDATE users SET user_principal_name = $2 WHERE lower(user_principal_name) = lower($1)', [anna.upn, renamed.upn]);
    const transport = smtpTo(server.port);
    const report = await deliverPending(db, transport, KEY);
    transport.close();
    expect(report.notifications.find((n) => n.id === anna.id)).toMatchObject({ userPrincipalName: renamed.upn, status: 'delivered' });
    const mail = expectReceivedOnce(server, renamed);
    expect(mail.raw).not.toContain(`${anna.upn}`);
  });

  it('fails a queued notification whose password is missing, without sending it', async () => {
    const [anna] = (await seed(db, [THREE[1]])) as [Seeded];
    await db.query('UPDATE credential_notifications SET sealed_password = NULL');
    const transport = smtpTo(server.port);
    const report = await deliverPending(db, transport, KEY);
    transport.close();
    expect(report.notifications).toEqual([
      expect.objectContaining({ id: anna.id, status: 'failed', error: expect.stringMatching(/no temporary password/) }),
    ]);
    expect(server.received).toEqual([]);
  });

  it('says a damaged sealed password cannot be opened, not only that it was sealed for another key', async () => {
    const [anna] = (await seed(db, [THREE[1]])) as [Seeded];
    await db.query(`UPDATE credential_notifications SET sealed_password = left(sealed_password, 120) || '-----END AGE ENCRYPTED FILE-----'`);
    const transport = smtpTo(server.port);
    const report = await deliverPending(db, transport, KEY);
    transport.close();
    const error =
      "the outbox key cannot open this sealed password: it was sealed for another key, or the stored value is damaged; deliver with the key it was sealed for, or reset the user's password to send new credentials";
    expect(report.notifications).toEqual([expect.objectContaining({ id: anna.id, status: 'failed', error })]);
    const rows = await db.query('SELECT delivered_at IS NOT NULL AS delivered, attempts, last_error FROM credential_notifications');
    expect(rows).toEqual([{ delivered: false, attempts: 1, last_error: error }]);
  });

  // helper-79: the writer role may insert notifications, and the outbox's public key is readable, so a row can name its own recipients.
  it('sends nothing to a row whose recipients are not each one plain address, and says why', async () => {
    const [joep] = (await seed(db, [THREE[0]])) as [Seeded];
    const hostile = [
      ['it-desk@contoso.com, attacker@evil.example'],
      ['x@contoso.com\r\nBcc: attacker2@evil.example'],
      ['IT <it-desk@contoso.com>'],
      ['admin@contoso.com', 'attacker3@evil.example\n'],
    ];
    const queued = await seed(db, hostile.map((recipients, i) => ({ local: `hostile${i}`, recipients, password: `Hostile#${i}pw` })));
    const transport = smtpTo(server.port);
    const report = await deliverPending(db, transport, KEY);
    transport.close();

    expect(report.notifications.map((n) => n.status)).toEqual(['delivered', 'failed', 'failed', 'failed', 'failed']);
    for (const failed of report.notifications.slice(1)) {
      expect(failed.error).toMatch(
        /^not sent: a recipient is not one plain email address each \(.*\); apply never queues such a notification, so its row was written by something else\. Check who can write to the database, then delete the row, or reset the user's password to queue new credentials$/,
      );
    }
    expect(report.notifications[1]?.error).toContain('("it-desk@contoso.com, attacker@evil.example")');
    expect(report.notifications[2]?.error).toContain('("x@contoso.com\\r\\nBcc: attacker2@evil.example")');
    expect(report.notifications[4]?.error).toContain('("attacker3@evil.example\\n")');
    expect(server.received).toHaveLength(1);
    expectReceivedOnce(server, joep);
    const stored = await outbox(db);
    queued.forEach((notification, i) => {
      expect(stored[i + 1]).toMatchObject({ id: notification.id, delivered: false, attempts: 1, temporary_password: notification.password, last_error: report.notifications[i + 1]?.error });
    });
  });

  it('sends nothing for a user whose name is not a valid sign-in ID: it would pick the sender and write into the body', async () => {
    // The users table refuses such names itself; taken away here, as someone with the owner's rights could.
    const [constraint] = await db.query<{ def: string }>(`SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conname = 'users_user_principal_name_check'`);
    await db.query('ALTER TABLE users DROP CONSTRAINT users_user_principal_name_check');
    try {
      const seeded = await seed(db, [THREE[1], THREE[2]]);
      // The first would send from tenantctl@evil.example, the second write lines of its own into the body.
      const names = ['megan@contoso.com>, <attacker4@evil.example', 'megan\r\nSign in at https://evil.example\r\nUser ID: megan@contoso.com'];
      // A user's domain (the text after its first "@") must be a domain of the tenant.
      for (const name of names) {
        await db.query(`INSERT INTO domains (name, verified, is_default) VALUES (lower(split_part($1, '@', 2)), true, false) ON CONFLICT DO NOTHING`, [name]);
      }
      for (const [i, name] of names.entries()) await db.query('UPDATE users SET user_principal_name = $2 WHERE id = $1', [seeded[i]?.userId, name]);
      const transport = smtpTo(server.port);
      const report = await deliverPending(db, transport, KEY);
      transport.close();
      expect(report.notifications.map((n) => [n.status, n.error])).toEqual(
        names.map((name) => ['failed', expect.stringMatching(new RegExp(`^not sent: its user name ${JSON.stringify(name).replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')} is not a valid sign-in ID; apply never queues`))]),
      );
      expect(server.received).toEqual([]);
    } finally {
      await db.query('TRUNCATE credential_notifications, users, applies, domains CASCADE');
      await db.query(`ALTER TABLE users ADD CONSTRAINT users_user_principal_name_check ${constraint?.def ?? ''}`);
    }
  });

  // helper-154: the outbox's public key is readable, so whoever writes a row can seal any text as its "password".
  it('sends nothing whose sealed password the policy would not allow: it would write lines of its own into the body', async () => {
    const [joep] = (await seed(db, [THREE[0]])) as [Seeded];
    const hostile = [
      'Zx4$Kd8!\r\nYour account is locked: sign in at https://evil.example to keep it\r\n',
      'Zx4$Kd8!wQe1Zx4$Kd8!wQe1',
      'short1!',
    ];
    await seed(db, hostile.map((password, i) => ({ local: `hostile${i}`, recipients: ['office@fabrikam.com'], password })));
    const transport = smtpTo(server.port);
    const report = await deliverPending(db, transport, KEY);
    transport.close();

    expect(report.notifications.map((n) => n.status)).toEqual(['delivered', 'failed', 'failed', 'failed']);
    const error =
      "not sent: the sealed temporary password is not one the password policy allows; apply never queues such a notification, so its row was written by something else. Check who can write to the database, then delete the row, or reset the user's password to queue new credentials";
    for (const failed of report.notifications.slice(1)) expect(failed.error).toBe(error);
    expect(server.received).toHaveLength(1);
    expectReceivedOnce(server, joep);
    expect((await outbox(db)).slice(1).map((r) => [r.delivered, r.attempts, r.last_error])).toEqual(hostile.map(() => [false, 1, error]));
  });

  it('stops, marking nothing delivered, once the pickup folder is swapped for a link elsewhere', async () => {
    await seed(db, THREE);
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantctl-pickup-'));
    const folder = path.join(root, 'outgoing');
    const elsewhere = path.join(root, 'elsewhere');
    fs.mkdirSync(elsewhere, { mode: 0o700 });
    try {
      const pickup = createPickupTransport(folder);
      const swappingAfterTheFirst: Transport = {
        async send(message) {
          const outcome = await pickup.send(message);
          fs.renameSync(folder, path.join(root, 'moved'));
          fs.symlinkSync(elsewhere, folder);
          return outcome;
        },
      };
      const report = await deliverPending(db, swappingAfterTheFirst, KEY);
      expect(report.notifications.map((n) => [n.status, n.relayUnusable])).toEqual([
        ['delivered', undefined],
        ['failed', true],
      ]);
      expect(report.notifications[1]?.error).toBe(
        `the pickup folder ${folder} is now a symbolic link, not the folder deliver checked when it started; nothing more was written: find out who replaced it, then deliver again`,
      );
      expect(report.notTried).toBe(1);
      expect(fs.readdirSync(elsewhere)).toEqual([]);
      expect((await outbox(db)).map((r) => r.delivered)).toEqual([true, false, false]);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
}

describe('deliverPending on the embedded database', () => {
  outboxSuite(() => openDatabase({ url: 'memory://', actor: 'test', lockTimeoutMs: 1000 }));
});

describePostgres('deliverPending on PostgreSQL', () => {
  let url: string;
  beforeAll(async () => {
    const created = await postgresTestUrl('outbox-deliver');
    if (created === null) throw new Error('describePostgres ran without a server');
    url = created;
  });
  outboxSuite(() => openDatabase({ url, actor: 'test', lockTimeoutMs: 1000 }));

  it('never sends one notification twice from two concurrent delivers', async () => {
    const [first, second] = [
      await openDatabase({ url, actor: 'first', lockTimeoutMs: 1000 }),
      await openDatabase({ url, actor: 'second', lockTimeoutMs: 1000 }),
    ];
    const server = await startMailServer();
    try {
      await first.query('TRUNCATE credential_notifications, users, applies, domains CASCADE');
      const seeded = await seed(
        first,
        Array.from({ length: 12 }, (_, i) => ({ local: `user${i}`, recipients: [`notify${i}@fabrikam.com`, 'admin@contoso.com'], password: `Pw#${i}abcdefg` })),
      );
      // Each send holds its row lock a while, so the two runs truly overlap.
      const slow = (transport: ReturnType<typeof smtpTo>): Transport => ({
        async send(message) {
          await new Promise((resolve) => setTimeout(resolve, 40));
          return transport.send(message);
        },
      });
      const [a, b] = [smtpTo(server.port), smtpTo(server.port)];
      const [reportA, reportB] = await Promise.all([deliverPending(first, slow(a), KEY), deliverPending(second, slow(b), KEY)]);
      a.close();
      b.close();

      const idsA = reportA.notifications.map((n) => n.id);
      const idsB = reportB.notifications.map((n) => n.id);
      expect(idsA.length).toBeGreaterThan(0);
      expect(idsB.length).toBeGreaterThan(0);
      expect(idsA.filter((id) => idsB.includes(id))).toEqual([]);
      expect([...idsA, ...idsB].sort((x, y) => x - y)).toEqual(seeded.map((n) => n.id));
      expect(server.received).toHaveLength(seeded.length);
      for (const notification of seeded) expectReceivedOnce(server, notification);
      expect((await outbox(first)).every((r) => r.delivered && r.attempts === 1 && r.temporary_password === null)).toBe(true);
    } finally {
      await server.close();
      await first.close();
      await second.close();
    }
  });
});

// ---------------------------------------------------------------- composing and the command

describe('composeMessage', () => {
  const notification = {
    id: 7,
    userId: '0f8fad5b-d9cb-469f-a165-70867728950e',
    userPrincipalName: 'joep@contoso.com',
    recipients: ['a@fabrikam.com'],
    temporaryPassword: 'Tq7#vR2=pLm9',
    reason: 'created' as const,
    forceChange: true,
  };

  it('says who, the temporary password, the 90 days and where to sign in', () => {
    const message = composeMessage(notification);
    expect(message).toMatchObject({
      notificationId: 7,
      messageId: '<credentials-7.0f8fad5b-d9cb-469f-a165-70867728950e@tenantctl>',
      from: { name: '', address: 'tenantctl@contoso.com' },
      to: ['a@fabrikam.com'],
      subject: 'Your new Office 365 account: joep@contoso.com',
    });
    expect(message.text).toContain('User ID: joep@contoso.com\nTemporary password: Tq7#vR2=pLm9\n');
    expect(message.text).toMatch(/^A new Office 365 account has been created\./);
    expect(message.text).toMatch(/changed at the next sign-in,\nand within 90 days/);
    expect(message.text).toContain('Sign in at https://portal.office.com');
    expect(message.text).toMatch(/^[\x20-\x7e\n]*$/); // 7bit: the password stays literal
  });

  it('says what happened: a reset is no new account, and no change is demanded at sign-in unless required', () => {
    const reset = composeMessage({ ...notification, reason: 'reset', forceChange: false });
    expect(reset.subject).toBe('Your Office 365 password was reset: joep@contoso.com');
    expect(reset.text).toMatch(/^The password of an Office 365 account has been reset\./);
    expect(reset.text).not.toContain('new Office 365 account');
    expect(reset.text).not.toContain('sign-in,');
    expect(reset.text).toContain('The password is temporary: it must be changed within 90 days.');
  });

  it('hands nodemailer each address as an object, never a string for it to parse', () => {
    const options = mailOptions(composeMessage({ ...notification, recipients: ['a@fabrikam.com', 'b@fabrikam.com'] }, { name: 'IT, Contoso', address: 'it@contoso.com' }));
    expect(options.from).toEqual({ name: 'IT, Contoso', address: 'it@contoso.com' });
    expect(options.to).toEqual([
      { name: '', address: 'a@fabrikam.com' },
      { name: '', address: 'b@fabrikam.com' },
    ]);
  });

  it('uses the given sender, else tenantctl@ the user\'s domain', () => {
    expect(composeMessage(notification, { name: 'IT', address: 'it@contoso.com' }).from).toEqual({ name: 'IT', address: 'it@contoso.com' });
    expect(defaultSender('Joep@Contoso.COM')).toEqual({ name: '', address: 'tenantctl@contoso.com' });
  });
});

describe('notificationAddressProblem', () => {
  it('accepts what apply queues', () => {
    expect(notificationAddressProblem('joep.de-vries@contoso.com', FIVE_AND_ADMIN)).toBeNull();
  });

  it.each(['megan@contoso.com>, <attacker4@evil.example', 'megan@contoso.com\r\nBcc: x@evil.example', 'megan\u202e@contoso.com', 'megan@contoso.com\u001b[2J'])(
    'refuses the user name %j',
    (name) => {
      expect(notificationAddressProblem(name, ['it@contoso.com'])).toBe(
        `not sent: its user name ${JSON.stringify(name)} is not a valid sign-in ID; apply never queues such a notification, so its row was written by something else. ` +
          "Check who can write to the database, then delete the row, or reset the user's password to queue new credentials",
      );
    },
  );

  it('names every recipient it refuses, and a refused user name too', () => {
    expect(notificationAddressProblem('bad name@contoso.com', ['a@x.example;b@x.example', 'ok@x.example', '<c@x.example>'])).toMatch(
      /^not sent: its user name "bad name@contoso.com" is not a valid sign-in ID, and 2 recipients are not one plain email address each \("a@x.example;b@x.example", "<c@x.example>"\);/,
    );
  });
});

describe('createPickupTransport', () => {
  const A = '0f8fad5b-d9cb-469f-a165-70867728950e';
  const B = '7c9e6679-7425-40de-944b-e07fc1f90ae7';
  const message = (id: number, userId: string) =>
    composeMessage({ id, userId, userPrincipalName: 'joep@contoso.com', recipients: ['a@fabrikam.com'], temporaryPassword: 'Tq7#vR2=pLm9', reason: 'created', forceChange: true });
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantctl-pickup-'));
  });
  afterEach(() => {
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('counts its own message, left by a deliver killed before recording it, as delivered; any other file of that name fails the send', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantctl-pickup-'));
    try {
      const folder = path.join(root, 'out');
      const transport = createPickupTransport(folder);
      expect(await transport.send(message(1, A))).toEqual({ rejected: [] });
      const file = path.join(folder, pickupFileName(message(1, A)));
      // The same message composed again (a later Date, the crash window): delivered, the file left as it was.
      const written = fs.readFileSync(file, 'utf8').replace(/^Date: .*$/m, 'Date: Thu, 01 Jan 2026 00:00:00 +0000');
      fs.writeFileSync(file, written);
      expect(await transport.send(message(1, A))).toEqual({
        rejected: [],
        note: 'its message was in the pickup folder already, written by an earlier deliver that was stopped before it could record it',
      });
      expect(fs.readFileSync(file, 'utf8')).toBe(written);
      // Not the same message: a changed body, or anything but a regular file, is left for a person.
      fs.writeFileSync(file, written.replace('Temporary password: ', 'Temporary password: x'));
      await expect(transport.send(message(1, A))).rejects.toThrow('the pickup folder already has');
      fs.rmSync(file);
      fs.writeFileSync(path.join(root, 'elsewhere.eml'), written);
      fs.symlinkSync(path.join(root, 'elsewhere.eml'), file);
      await expect(transport.send(message(1, A))).rejects.toThrow();
      expect(fs.lstatSync(file).isSymbolicLink()).toBe(true);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('names each file by notification and user, so two databases sharing a folder keep both', async () => {
    const folder = path.join(root, 'outgoing');
    const transport = createPickupTransport(folder);
    await transport.send(message(42, A));
    await transport.send(message(42, B));
    expect(pickupFileName({ notificationId: 42, userId: A })).toBe(`credentials-42.${A}.eml`);
    expect(fs.readdirSync(folder).sort()).toEqual([`credentials-42.${A}.eml`, `credentials-42.${B}.eml`]);
  });

  it('writes nothing once its folder is a symbolic link, or another folder, than the one it checked', async () => {
    const folder = path.join(root, 'outgoing');
    const elsewhere = path.join(root, 'elsewhere');
    fs.mkdirSync(elsewhere, { mode: 0o700 });
    const transport = createPickupTransport(folder);
    await transport.send(message(1, A));
    fs.renameSync(folder, path.join(root, 'moved'));
    fs.symlinkSync(elsewhere, folder);
    await expect(transport.send(message(2, A))).rejects.toBeInstanceOf(RelayUnusable);
    expect(fs.readdirSync(elsewhere)).toEqual([]);

    fs.unlinkSync(folder);
    fs.mkdirSync(folder, { mode: 0o700 });
    await expect(transport.send(message(3, A))).rejects.toThrow(`the pickup folder ${folder} is now another folder or file, not the folder deliver checked`);
    expect(fs.readdirSync(folder)).toEqual([]);

    fs.rmdirSync(folder);
    await expect(transport.send(message(4, A))).rejects.toThrow(`the pickup folder ${folder} is gone`);
  });
});

/**
 * A sweepPickupLeftovers case: a folder to put the pickup folder in, and a migrated in-memory database with one
 * queued notification (`queued`, whose leftovers the sweep is to remove); both are gone afterwards.
 */
async function sweepCase(run: (setUp: { readonly root: string; readonly db: Database; readonly queued: Seeded | undefined }) => Promise<void>): Promise<void> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantctl-sweep-'));
  const db = await openDatabase({ url: 'memory://', actor: 'test', lockTimeoutMs: 1000 });
  try {
    await migrate(db);
    const [queued] = await seed(db, [THREE[0]]);
    await run({ root, db, queued });
  } finally {
    await db.close();
    fs.rmSync(root, { recursive: true, force: true });
  }
}

describe.runIf(process.platform !== 'win32')('sweepPickupLeftovers', () => {
  it('removes nothing once the pickup folder was swapped for a symlink after deliver checked it (while it waited for the database, say)', () =>
    sweepCase(async ({ root, db, queued }) => {
      const folder = path.join(root, 'out');
      const transport = createPickupTransport(folder);
      // Elsewhere: a file named as a leftover of this database's notification, the sweep's to remove were it in the pickup folder.
      const elsewhere = path.join(root, 'elsewhere');
      fs.mkdirSync(elsewhere, { mode: 0o700 });
      const name = `.credentials-${queued?.id}.${queued?.userId}.eml.${'c'.repeat(24)}.tmp`;
      fs.writeFileSync(path.join(elsewhere, name), 'not in the pickup folder', { mode: 0o600 });
      fs.renameSync(folder, path.join(root, 'moved'));
      fs.symlinkSync(elsewhere, folder);
      await expect(sweepPickupLeftovers(db, folder, transport.checked)).rejects.toThrow(`the pickup folder ${folder} is now a symbolic link, not the folder deliver checked`);
      expect(fs.readFileSync(path.join(elsewhere, name), 'utf8')).toBe('not in the pickup folder');
    }));
});

describe.runIf(process.platform !== 'win32')('sweepPickupLeftovers, refused by the file system', () => {
  afterEach(() => vi.restoreAllMocks());

  it('goes on when a leftover is removed by someone else between its check and its removal', () =>
    sweepCase(async ({ root, db, queued }) => {
      const folder = path.join(root, 'out');
      const transport = createPickupTransport(folder);
      const name = `.credentials-${queued?.id}.${queued?.userId}.eml.${'d'.repeat(24)}.tmp`;
      fs.writeFileSync(path.join(folder, name), 'left by a killed deliver', { mode: 0o600 });
      // Someone removes it just before the sweep does: the race, made to happen.
      const unlink = fs.unlinkSync;
      vi.spyOn(fs, 'unlinkSync').mockImplementationOnce((file) => {
        fs.rmSync(file);
        unlink(file);
      });
      await expect(sweepPickupLeftovers(db, folder, transport.checked)).resolves.toEqual([]);
      expect(fs.readdirSync(folder)).toEqual([]);
    }));

  it('gives null, failing nothing, for a pickup folder this user may write to but not list (mode 0300)', () =>
    sweepCase(async ({ root, db }) => {
      const folder = path.join(root, 'drop');
      fs.mkdirSync(folder, { mode: 0o300 });
      const transport = createPickupTransport(folder);
      // The refusal a user other than root gets there (root may list any folder, so it is made to happen).
      vi.spyOn(fs, 'opendirSync').mockImplementationOnce(() => {
        throw Object.assign(new Error(`EACCES: permission denied, opendir '${folder}'`), { code: 'EACCES', syscall: 'opendir', path: folder });
      });
      await expect(sweepPickupLeftovers(db, folder, transport.checked)).resolves.toBeNull();
    }));
});

describe('createSmtpTransport', () => {
  it('refuses a URL that is not smtp:// or smtps://, with the password masked', () => {
    expect(() => createSmtpTransport('http://user:hunter2@mail.contoso.com')).toThrow(/unsupported SMTP URL http:\/\/user:\*\*\*\*@mail\.contoso\.com/);
    expect(() => createSmtpTransport('http://user:hunter2@mail.contoso.com')).not.toThrow(/hunter2/);
  });

  it('refuses a value mistyped short of scheme:// without printing the password in it', () => {
    for (const url of ['smtps//user:hunter2-secret@mail.contoso.com', 'smtp:user:hunter2-secret@mail.contoso.com', 'user:hunter2-secret@mail.contoso.com']) {
      expect(() => createSmtpTransport(url)).toThrow('unsupported SMTP URL ****@mail.contoso.com (what comes before its last @ is not shown: it may hold the password): use smtp://');
    }
    expect(() => createSmtpTransport('hunter2-secret')).toThrow('unsupported SMTP URL (not shown: it may hold the password): use smtp://');
  });

  it('refuses a password whose raw / ? or # cut the URL short, printing no part of it past the cut', () => {
    // Parsed as host `relay`, port 2024: the rest of the password was a parameter's name, a path or a fragment.
    for (const cut of ['?', '#', '/']) {
      const url = `smtp://relay:2024${cut}Summer-secret@mail.contoso.com:587`;
      expect(() => createSmtpTransport(url)).toThrow(`unsupported SMTP URL smtp://relay:****@mail.contoso.com:587: an @ after the host means a / ? or # in the password ended it early`);
      expect(() => createSmtpTransport(url)).not.toThrow(/Summer-secret/);
    }
  });

  it('says how to write a password whose raw / ? or # leaves no number for a port', () => {
    // `relay:Summer` is no host and port, so the URL does not parse at all.
    for (const cut of ['?', '#', '/']) {
      const url = `smtp://relay:Summer${cut}secret@mail.contoso.com:587`;
      expect(() => createSmtpTransport(url)).toThrow(
        'unsupported SMTP URL smtp://relay:****@mail.contoso.com:587: use smtp://user:password@host:587 (STARTTLS) or smtps://user:password@host:465; an @ after the host means a / ? or # in the password ended it early; percent-encode them',
      );
      expect(() => createSmtpTransport(url)).not.toThrow(/Summer|secret/);
    }
  });

  it('shows its URL with the password masked', () => {
    const transport = createSmtpTransport('smtps://tenantctl:hunter2@mail.contoso.com:465');
    expect(transport.displayUrl).toBe('smtps://tenantctl:****@mail.contoso.com:465');
    transport.close();
  });
});

describe('tenantctl deliver', () => {
  let root: string;
  let databaseDir: string;
  let output: string[];

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantctl-deliver-cmd-'));
    databaseDir = path.join(root, 'db');
  });
  afterAll(() => {
    fs.rmSync(root, { recursive: true, force: true });
  });
  beforeEach(() => {
    output = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      output.push(String(chunk));
      return true;
    });
    vi.stubEnv('TENANTCTL_MAIL_FROM', '');
    vi.stubEnv('TENANTCTL_SMTP_URL', '');
  });
  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
    process.exitCode = undefined;
  });

  async function run(...args: string[]): Promise<void> {
    const program = new Command('tenantctl').exitOverride();
    registerDeliver(program);
    for (const command of program.commands) addDatabaseOptions(command);
    await program.parseAsync(['deliver', '--database', databaseDir, '--actor', 'test', ...args], { from: 'user' });
  }

  async function withSeededDatabase(): Promise<Seeded[]> {
    const db = await openDatabase({ url: databaseDir, actor: 'test', lockTimeoutMs: 1000, create: true });
    try {
      await migrate(db);
      await installTestOutboxKey(db);
      await db.query('TRUNCATE credential_notifications, users, applies, domains CASCADE');
      return await seed(db, THREE.slice(0, 2));
    } finally {
      await db.close();
    }
  }

  it.each([
    ['attacker@evil.example, IT\r\nBcc: x@evil.example <it@contoso.com>', 'holds a control or invisible character'],
    ['it@contoso.com\u202e', 'holds a control or invisible character'],
    ['attacker@evil.example, IT <it@contoso.com>', 'is not one email address'],
    ['IT <it@contoso.com> <attacker@evil.example>', 'is not one email address'],
    ['"IT" <it@contoso.com>', 'is not one email address'],
    ['it@contoso.com, attacker@evil.example', 'is not one email address'],
    ['IT desk', 'is not one email address'],
  ])('refuses TENANTCTL_MAIL_FROM %j before it touches the database', async (from, why) => {
    vi.stubEnv('TENANTCTL_MAIL_FROM', from);
    const folder = path.join(root, 'never');
    await expect(run('--pickup', folder)).rejects.toThrow(
      `TENANTCTL_MAIL_FROM ${JSON.stringify(from)} ${why}; set it to one address, e.g. "IT desk <it-desk@contoso.com>" or it-desk@contoso.com`,
    );
    expect(fs.existsSync(folder)).toBe(false);
  });

  it('sends as TENANTCTL_MAIL_FROM, its name and its address', async () => {
    const [joep] = (await withSeededDatabase()) as [Seeded];
    vi.stubEnv('TENANTCTL_MAIL_FROM', 'IT desk, Contoso <it-desk@contoso.com>');
    const folder = path.join(root, 'named-sender');
    await run('--pickup', folder);
    const raw = fs.readFileSync(path.join(folder, pickupFileName({ notificationId: joep.id, userId: joep.userId })), 'utf8');
    expect(header(raw, 'From')).toBe('"IT desk, Contoso" <it-desk@contoso.com>');
  });

  it('escapes what the database says about a notification before it reaches the terminal', async () => {
    const db = await openDatabase({ url: databaseDir, actor: 'test', lockTimeoutMs: 1000, create: true });
    try {
      await migrate(db);
      await installTestOutboxKey(db);
      await db.query('TRUNCATE credential_notifications, users, applies, domains CASCADE');
      const recipients = ['\u001b]8;;https://evil.example\u0007it-desk@contoso.com\u001b]8;;\u0007', '\u202eadmin@contoso.com\r\n::error::x'];
      await seed(db, [{ local: 'anna', recipients, password: 'Zx4$Kd8!wQe1' }]);
    } finally {
      await db.close();
    }
    await run('--pickup', path.join(root, 'escaped'));
    const printed = output.join('');
    expect(printed).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u202e]/);
    expect(printed).toContain('to \\u001b]8;;https://evil.example\\u0007it-desk@contoso.com\\u001b]8;;\\u0007, \\u202eadmin@contoso.com\\u000d\\u000a::error::x: not sent:');
    expect(process.exitCode).toBe(1);
  });

  it('asks for an SMTP URL or a pickup folder', async () => {
    await expect(run()).rejects.toThrow(/set TENANTCTL_SMTP_URL .* or pass --pickup DIR/);
  });

  it('reports failures without the SMTP password, exits 1, then delivers to a pickup folder', async () => {
    const [joep, anna] = (await withSeededDatabase()) as [Seeded, Seeded];
    vi.stubEnv('TENANTCTL_SMTP_URL', `smtp://tenantctl:hunter2@127.0.0.1:${CLOSED_PORT}`);
    await run();
    const failed = output.join('');
    expect(failed).toMatch(new RegExp(`^failed: credentials of ${joep.upn} to ${joep.recipients.join(', ')}: .*ECONNREFUSED.* \\(will retry on the next deliver\\)$`, 'm'));
    expect(failed).toMatch(
      /^Delivered 0 of 2 notification\(s\) via smtp:\/\/tenantctl:\*\*\*\*@127\.0\.0\.1:\d+\. 1 failed and 1 more was not tried, as the relay itself failed \(above\); all 2 stay queued for the next deliver\.$/m,
    );
    expect(failed).not.toContain('hunter2');
    expect(process.exitCode).toBe(1);

    process.exitCode = undefined;
    output = [];
    const folder = path.join(root, 'pickup');
    await run('--pickup', folder);
    expect(output.join('')).toBe(
      `delivered credentials of ${joep.upn} to ${joep.recipients.join(', ')}\n` +
        `delivered credentials of ${anna.upn} to ${anna.recipients.join(', ')}\n` +
        `Delivered 2 of 2 notification(s) via the pickup folder ${folder}.\n`,
    );
    expect(process.exitCode).toBeUndefined();

    output = [];
    await run('--pickup', folder);
    expect(output.join('')).toBe('Nothing to deliver.\n');
  });
});
