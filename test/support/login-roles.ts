import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { ROOT } from './cli.js';

const ROLES_SQL = fs.readFileSync(path.join(ROOT, 'sql', 'roles.sql'), 'utf8');

/** Runs `work` as the login of `url`, on a connection of its own, closed after. */
export async function onConnection<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client(url);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Runs `sql` as the login of `url`, on a connection of its own. */
export async function asLogin(url: string, sql: string): Promise<void> {
  await onConnection(url, (client) => client.query(sql));
}

/**
 * A reader and a writer login, members of sql/roles.sql's group roles, on the
 * database whose owner's URL is `owner`: their URLs, and the writer's name
 * (what the audit trail records for its writes).
 */
export async function readerAndWriter(owner: string): Promise<{ reader: string; writer: string; writerRole: string }> {
  const suffix = randomBytes(4).toString('hex');
  const login = (kind: string) => {
    const url = new URL(owner);
    url.username = `${kind}_${suffix}`;
    return url.toString();
  };
  // roles.sql creates the group roles once per server; another file may be creating them at the same moment.
  await asLogin(owner, ROLES_SQL).catch(() => asLogin(owner, ROLES_SQL));
  await asLogin(owner, `CREATE ROLE reader_${suffix} LOGIN; GRANT tenantctl_reader TO reader_${suffix};
    CREATE ROLE writer_${suffix} LOGIN; GRANT tenantctl_writer TO writer_${suffix}`);
  return { reader: login('reader'), writer: login('writer'), writerRole: `writer_${suffix}` };
}

/** A login of sql/roles.sql's deliverer group role on the database whose owner's URL is `owner`: its URL. */
export async function delivererLogin(owner: string): Promise<string> {
  const name = `deliverer_${randomBytes(4).toString('hex')}`;
  await asLogin(owner, `CREATE ROLE ${name} LOGIN; GRANT tenantctl_deliverer TO ${name}`);
  const url = new URL(owner);
  url.username = name;
  return url.toString();
}
