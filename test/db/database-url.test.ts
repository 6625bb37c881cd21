// Which database a --database string names, and which strings name none.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDatabaseUrl } from '../../src/db/database-url.js';

describe('parseDatabaseUrl', () => {
  it.each([
    ['postgres://owner:s3cret@db:5432/tenant', { kind: 'postgres', url: 'postgres://owner:s3cret@db:5432/tenant' }],
    ['memory://', { kind: 'embedded', directory: null }],
    // An @ in a parameter's value (an Azure role named user@server) is no cut-short password.
    ['postgres://db:5432/tenant?user=owner@server', { kind: 'postgres', url: 'postgres://db:5432/tenant?user=owner@server' }],
    ['postgres://owner:s3cret@db/tenant?application_name=ops@site', { kind: 'postgres', url: 'postgres://owner:s3cret@db/tenant?application_name=ops@site' }],
    ['postgres://db:5432?user=owner&password=p@ss', { kind: 'postgres', url: 'postgres://db:5432?user=owner&password=p@ss' }],
    ['.tenantctl/db', { kind: 'embedded', directory: path.resolve('.tenantctl/db') }],
    // Folder names that merely look like settings stay folders.
    ['data=1', { kind: 'embedded', directory: path.resolve('data=1') }],
    ['./db=2', { kind: 'embedded', directory: path.resolve('db=2') }],
    // A folder named like a key=value pair, as README says to give it.
    ['./host=db', { kind: 'embedded', directory: path.resolve('host=db') }],
    ['backups/port=5433', { kind: 'embedded', directory: path.resolve('backups/port=5433') }],
    ['backups/hostname=web1', { kind: 'embedded', directory: path.resolve('backups/hostname=web1') }],
    ['my passwords', { kind: 'embedded', directory: path.resolve('my passwords') }],
    // A Windows drive's colon is no password's: a profile folder may be named by the sign-in address.
    ['C:\\Users\\jan@contoso.com\\tenantctl', { kind: 'embedded', directory: path.resolve('C:\\Users\\jan@contoso.com\\tenantctl') }],
    ['D:/Users/jan@contoso.com/db', { kind: 'embedded', directory: path.resolve('D:/Users/jan@contoso.com/db') }],
  ])('%j', (url, location) => {
    expect(parseDatabaseUrl(url)).toEqual(location);
  });

  it.each([
    ['host=127.0.0.1 port=1 user=u password=S3cretPW', 'is a key=value connection string'],
    ["host=db dbname=tenant password = 'S3cret PW'", 'is a key=value connection string'],
    ['dbname=tenant sslmode=verify-full', 'is a key=value connection string'],
    ['HOST=db', 'is a key=value connection string'],
    ['./dbs/password=S3cretPW', 'is a key=value connection string'],
    ['mysql://u:S3cretPW@db/tenant', 'unsupported database URL mysql://u:****@db/tenant'],
    ['file:///srv/tenant', 'unsupported database URL file:///srv/tenant'],
    [' postgres://u:S3cretPW@db/tenant', 'malformed database URL  postgres://u:****@db/tenant'],
    ['"postgres://u:S3cretPW@db/tenant"', 'malformed database URL "postgres://u:****@db/tenant"'],
    ['postgres:/u:S3cretPW@db/tenant', 'malformed database URL postgres:/u:****@db/tenant'],
    ['memory:', 'malformed database URL memory:'],
    // Mistyped short of `://`: taken as a folder, the password was printed and, at init, made a folder's name.
    ['postgres//u:S3cretPW@db/tenant', 'malformed database URL ****@db/tenant (what comes before its last @ is not shown'],
    ['postgresql//u:S3cret@PW@db/tenant', 'malformed database URL ****@db/tenant'],
    ['u:S3cretPW@db:5432/tenant', 'malformed database URL ****@db:5432/tenant'],
    ['C:/u:S3cretPW@db/tenant', 'malformed database URL ****@db/tenant'],
    // A raw / ? # in a password of digits cut the authority short: host u, port 2024, the rest a path, parameter or fragment.
    ['postgres://u:2024?S3cretPW@db/tenant', 'malformed database URL postgres://u:****@db/tenant: an @ after the host'],
    ['postgres://u:2024#S3cretPW@db/tenant', 'malformed database URL postgres://u:****@db/tenant: an @ after the host'],
    ['postgres://u:2024/S3cretPW@db/tenant', 'malformed database URL postgres://u:****@db/tenant: an @ after the host'],
    // A raw ? after a password's digits, with a = after it: host u, port 2024, the rest of the password a parameter's value.
    ['postgres://u:2024?a=S3cretPW@db/tenant', 'malformed database URL postgres://u:****@db/tenant: an @ after the host'],
    ['postgres://u:2024?user=S3cretPW@db:5432/tenant', 'malformed database URL postgres://u:****@db:5432/tenant: an @ after the host'],
    // Read the same way as the line above, but meant as an Azure role: the refusal says how to write it.
    ['postgres://db:5432?user=owner@server', 'if the @ is the parameter\'s own (?user=owner@server), name the database before the ?: postgres://host:port/database?user=…'],
    // A raw / ? or # after a password's letters: no port, so no URL at all; the message still says why.
    ['postgres://u:S3cret?PW@db/tenant', 'expected postgres://user:password@host:port/database; an @ after the host means'],
    ['postgres://u:S3cret#PW@db/tenant', 'expected postgres://user:password@host:port/database; an @ after the host means'],
    ['postgres://u:S3cret/PW@db/tenant', 'expected postgres://user:password@host:port/database; an @ after the host means'],
    ['', 'empty database URL'],
  ])('refuses %j', (url, message) => {
    expect(() => parseDatabaseUrl(url)).toThrow(message);
    try {
      parseDatabaseUrl(url);
    } catch (cause) {
      expect((cause as Error).message).not.toMatch(/S3cret/);
    }
  });
});
