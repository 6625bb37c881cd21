// Database URLs are masked by parsing (issue 9, finding 7).
// pg's own parser (a dependency of pg), to check against what pg really connects with.
import { parse } from 'pg-connection-string';
import { describe, expect, it } from 'vitest';
import { maskUrl } from '../../src/db/database-url.js';

describe('maskUrl', () => {
  it.each([
    ['postgres://admin:s3cret@db:5432/tenant', 'postgres://admin:****@db:5432/tenant'],
    ['postgresql://admin:s3cret@db/tenant', 'postgresql://admin:****@db/tenant'],
    ['postgres://admin:p@ss@word@db/tenant', 'postgres://admin:****@db/tenant'],
    ['postgres://admin:p?a#s/s@db/tenant?sslmode=require', 'postgres://admin:****@db/tenant?sslmode=require'],
    ['postgres://db/tenant?user=admin&password=s3cret&sslmode=require', 'postgres://db/tenant?user=admin&password=****&sslmode=require'],
    ['postgresql://admin@db/tenant?sslpassword=s3cret', 'postgresql://admin@db/tenant?sslpassword=****'],
    ['postgres://admin:one@db/tenant?password=two', 'postgres://admin:****@db/tenant?password=****'],
    ["host=db user=admin password='s3 cret' dbname=tenant", 'host=db user=admin password=**** dbname=tenant'],
    ['host=db password=s3cret dbname=tenant', 'host=db password=**** dbname=tenant'],
    ['postgres://db:5432/tenant', 'postgres://db:5432/tenant'],
    ['postgres://admin@db/tenant', 'postgres://admin@db/tenant'],
    ['.tenantctl/db', '.tenantctl/db'],
    // pg-connection-string reads parameter names as URLSearchParams decodes them.
    ['postgres://u@127.0.0.1:1/db?pass%77ord=s3cret', 'postgres://u@127.0.0.1:1/db?pass%77ord=****'],
    ['postgres://u@db/tenant?sslmode=require&%70%61%73%73%77%6F%72%64=s3cret', 'postgres://u@db/tenant?sslmode=require&%70%61%73%73%77%6F%72%64=****'],
    ['postgres://u@db/tenant?ssl%70assword=s3cret', 'postgres://u@db/tenant?ssl%70assword=****'],
    // The URL parser drops line breaks and tabs anywhere, even inside a name.
    ['postgres://u@db/tenant?pass\nword=s3cret', 'postgres://u@db/tenant?pass\nword=****'],
    ['postgres://u@db/tenant?pass\tword=s3cret&a=%zz', 'postgres://u@db/tenant?pass\tword=****&a=%zz'],
    ['postgres://u@db/tenant?Password=s3cret', 'postgres://u@db/tenant?Password=****'],
    // Names pg reads as something else keep their values.
    ['postgres://u@db/tenant?application_name=one%26two', 'postgres://u@db/tenant?application_name=one%26two'],
    ['postgres://admin:s3%40cret@db/tenant', 'postgres://admin:****@db/tenant'],
    ['postgres://admin:p@ss@word@[::1]:5432/tenant?password=two', 'postgres://admin:****@[::1]:5432/tenant?password=****'],
    ['postgres://[2001:db8::1]:5432/tenant?sslmode=require', 'postgres://[2001:db8::1]:5432/tenant?sslmode=require'],
    // Strings parseDatabaseUrl refuses, and names in its message.
    [' "postgres://admin:s3cret@db/tenant"', ' "postgres://admin:****@db/tenant"'],
    ['postgres:/admin:s3cret@db/tenant', 'postgres:/admin:****@db/tenant'],
    ['postgresql:admin:s3cret@db/tenant', 'postgresql:admin:****@db/tenant'],
    ["host=db password='s3 cret", 'host=db password=****'],
    ['./dbs/password=s3cret', './dbs/password=****'],
  ])('%j', (url, masked) => {
    expect(maskUrl(url)).toBe(masked);
    for (const secret of ['s3cret', 's3 cret', 's3%40cret', 'p@ss@word', 'one', 'two']) {
      if (url.includes(secret) && !masked.includes(secret)) expect(maskUrl(url)).not.toContain(secret);
    }
  });

  it.each([
    'postgres://u@127.0.0.1:1/db?pass%77ord=S3cretPW',
    'postgres://u@db/tenant?pass\nword=S3cretPW',
    'postgres://u@db/tenant?%70assword=S3cretPW&a=b%zz',
    'postgres://u@db/tenant?pass%77ord=S3cretPW&application_name=a b',
    'postgres://u:S3cret%40PW@db/tenant',
    'postgres://u:S3cret@PW@[::1]:5432/tenant',
    'postgres://u@db/tenant?password=one&password=S3cretPW',
  ])('never shows the password pg reads from %j', (url) => {
    const { password } = parse(url);
    expect(password).toMatch(/S3cret/);
    expect(maskUrl(url)).not.toContain(password);
    expect(maskUrl(url)).not.toContain('S3cret');
  });
});
