// Database URLs are masked by parsing (issue 9, finding 7).
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
  ])('%s', (url, masked) => {
    expect(maskUrl(url)).toBe(masked);
    for (const secret of ['s3cret', 's3 cret', 'p@ss@word', 'one', 'two']) {
      if (url.includes(secret)) expect(maskUrl(url)).not.toContain(secret);
    }
  });
});
