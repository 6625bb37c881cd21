// postgres://user:password@/database?host=…: the host left out before the path and given as a parameter
// (a Unix socket's folder, as libpq documents it), which pg connects with.
import { describe, expect, it } from 'vitest';
import { parseDatabaseUrl } from '../../src/db/database-url.js';
import { runCli } from '../support/cli.js';
import { describePostgres, postgresTestUrl } from '../support/postgres.js';

describe('a database URL with no host before its path', () => {
  it.each([
    'postgres://owner:S3cret@/tenant?host=/var/run/postgresql',
    'postgresql://owner@/tenant?host=/var/run/postgresql&port=5433',
  ])('is taken with ?host=: %s', (url) => {
    expect(parseDatabaseUrl(url)).toEqual({ kind: 'postgres', url });
  });

  it.each([
    ['postgres://owner:S3cret@/tenant', 'expected postgres://user:password@host:port/database'],
    // pg takes the host left out only before a path.
    ['postgres://owner:S3cret@?host=/var/run/postgresql', 'expected postgres://user:password@host:port/database'],
    ['postgres://owner:S3cret@/x@db/tenant?host=/tmp', 'an @ after the host'],
  ])('is refused without one, or with an @ after it: %s', (url, message) => {
    expect(() => parseDatabaseUrl(url)).toThrow(message);
    expect(() => parseDatabaseUrl(url)).not.toThrow(/S3cret/);
  });
});

describePostgres('a database URL with no host before its path, on a server', () => {
  it('connects', async () => {
    const url = await postgresTestUrl('no-host');
    if (url === null) throw new Error('describePostgres ran without a server');
    const parsed = new URL(url);
    const hostless = `postgres://${parsed.username}:S3cret@/${parsed.pathname.slice(1)}?host=${parsed.hostname}&port=${parsed.port}`;
    const run = await runCli(['history', '--database', hostless]);
    expect(run.stderr).toContain(`the database postgres://${parsed.username}:****@/${parsed.pathname.slice(1)}?host=`);
    expect(run.stderr).toContain('is not initialised');
    expect(run.stderr).not.toContain('S3cret');
  });
});
