// A server that vanished without closing the connection (host powered off,
// network cut) sends nothing more: with no TCP keepalive, a command waiting
// for its reply waited for ever. The socket the pg client opens now has the
// kernel's keepalive timer running while it is idle (Linux: /proc/net/tcp's
// timer column is 2 for keepalive, 0 for none).
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/open-database.js';
import { KEEPALIVE_IDLE_MS, postgresClientConfig } from '../../src/db/postgres-database.js';
import { describePostgres, postgresTestUrl } from '../support/postgres.js';

/** The inodes of this process's sockets. */
function ownSockets(): Set<string> {
  const inodes = new Set<string>();
  for (const fd of fs.readdirSync('/proc/self/fd')) {
    try {
      const target = fs.readlinkSync(`/proc/self/fd/${fd}`);
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      if (inode) inodes.add(inode);
    } catch {
      // Closed since it was listed.
    }
  }
  return inodes;
}

/** For each established TCP socket of this process to `port`: its inode and timer kind (`tr` of /proc/net/tcp). */
function connectionsTo(port: number): { inode: string; timer: string }[] {
  const own = ownSockets();
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const lines = ['/proc/net/tcp', '/proc/net/tcp6'].flatMap((table) => (fs.existsSync(table) ? fs.readFileSync(table, 'utf8').split('\n').slice(1) : []));
  return lines.flatMap((line) => {
    const fields = line.trim().split(/\s+/);
    const [remote, state, timer, inode] = [fields[2], fields[3], fields[5], fields[9]];
    if (!remote?.endsWith(`:${hexPort}`) || state !== '01' || !inode || !own.has(inode)) return [];
    return [{ inode, timer: timer?.split(':')[0] ?? '' }];
  });
}

describe('the pg client configuration', () => {
  it('turns TCP keepalive on', () => {
    expect(postgresClientConfig('postgres://u@h/db', 'tenantctl')).toMatchObject({ keepAlive: true, keepAliveInitialDelayMillis: KEEPALIVE_IDLE_MS });
  });
});

describePostgres.skipIf(!fs.existsSync('/proc/net/tcp'))('a connection to PostgreSQL', () => {
  it('has the keepalive timer running on its socket while idle', async () => {
    const url = await postgresTestUrl('keepalive');
    if (url === null) throw new Error('describePostgres ran without a server');
    const port = Number(new URL(url).port);
    const before = new Set(connectionsTo(port).map((c) => c.inode));
    const db = await openDatabase({ url, actor: 'test', lockTimeoutMs: 1000 });
    try {
      await db.query('SELECT 1');
      const opened = connectionsTo(port).filter((c) => !before.has(c.inode));
      expect(opened.map((c) => c.timer)).toEqual(['02']);
    } finally {
      await db.close();
    }
  });
});
