// A relay that keeps a reply coming without ever finishing it: nodemailer's
// socket timeout counts only silence, so deliver waited for it for ever,
// holding the notification's row lock (administrators run deliver from cron).
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { migrate } from '../../src/db/migrate.js';
import { openDatabase } from '../../src/db/open-database.js';
import { deliverPending } from '../../src/outbox/deliver.js';
import { createSmtpTransport } from '../../src/outbox/smtp-transport.js';
import { TEST_OUTBOX_IDENTITY } from '../support/outbox-key.js';
import { queueNotification } from '../support/queued-notification.js';

/** Greets, then answers EHLO with `250-` lines, one every 100 ms, and never the last one. */
async function tricklingRelay(): Promise<{ port: number; connections: () => number; hungUp: Promise<void>; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  let connections = 0;
  let hangUp = () => undefined as void;
  const hungUp = new Promise<void>((resolve) => (hangUp = resolve));
  const server = net.createServer((socket) => {
    connections += 1;
    sockets.add(socket);
    const trickle = setInterval(() => socket.write('250-relay.contoso.com still thinking\r\n'), 100);
    socket.on('close', () => {
      clearInterval(trickle);
      sockets.delete(socket);
      hangUp();
    });
    socket.on('error', () => undefined);
    socket.write('220 relay.contoso.com ESMTP\r\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return {
    port: (server.address() as AddressInfo).port,
    connections: () => connections,
    /** Settles once the client has closed a connection. */
    hungUp,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function queuedNotification(): Promise<Database> {
  const db = await openDatabase({ url: 'memory://', actor: 'test', lockTimeoutMs: 1000 });
  cleanups.push(() => db.close());
  await migrate(db);
  await queueNotification(db);
  return db;
}

// Its own timeout: the message's deadline (13 s, as timeoutMs allows), an embedded database's start and the relay's hang-up add up to about 30 s.
it('gives up on a message whose relay never finishes a reply, keeps it queued, and ends', { timeout: 90_000 }, async () => {
  const db = await queuedNotification();
  const relay = await tricklingRelay();
  cleanups.push(() => relay.close());
  // A reply may take 1 s: the trickle (every 100 ms) never lets the socket fall silent that long.
  const transport = createSmtpTransport(`smtp://127.0.0.1:${relay.port}`, { insecureLoopback: true, timeoutMs: 1000 });
  cleanups.push(async () => transport.close());

  const report = await deliverPending(db, transport, { identities: [TEST_OUTBOX_IDENTITY] });

  const error = `the relay 127.0.0.1:${relay.port} had not taken the message after 13s (its replies came too slowly, or one never ended), so deliver closed the connection; if it had accepted the message already, the next deliver sends it again with the same Message-ID`;
  expect(report.notifications.map((n) => [n.status, n.error])).toEqual([['failed', error]]);
  const rows = await db.query('SELECT delivered_at IS NULL AS queued, sealed_password IS NOT NULL AS sealed, attempts, last_error FROM credential_notifications');
  expect(rows).toEqual([{ queued: true, sealed: true, attempts: 1, last_error: error }]);
  expect(relay.connections()).toBe(1);
  await relay.hungUp;
});
