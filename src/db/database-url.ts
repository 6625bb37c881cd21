import path from 'node:path';
import { TenantctlError } from '../diagnostics/tenantctl-error.js';

export const DEFAULT_DATABASE = '.tenantctl/db';

/** Where the tenant's database is, as INTERFACE.md defines the URL forms. */
export type DatabaseLocation =
  | { readonly kind: 'postgres'; readonly url: string }
  | { readonly kind: 'embedded'; readonly directory: string | null };

/** `postgres://user:secret@host/db` → `postgres://user:****@host/db`. */
export function maskUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*:)[^@]*@/i, '$1****@');
}

export function parseDatabaseUrl(url: string): DatabaseLocation {
  if (/^postgres(ql)?:\/\//i.test(url)) {
    try {
      const parsed = new URL(url);
      if (!parsed.hostname && !parsed.searchParams.get('host')) throw new Error('no host');
    } catch {
      throw new TenantctlError(
        `malformed database URL ${maskUrl(url)}: expected postgres://user:password@host:port/database`,
      );
    }
    return { kind: 'postgres', url };
  }
  if (url === 'memory://') return { kind: 'embedded', directory: null };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
    throw new TenantctlError(
      `unsupported database URL ${maskUrl(url)}: use postgres://…, memory:// or a folder path for the embedded database`,
    );
  }
  if (url.trim() === '') throw new TenantctlError('empty database URL: use postgres://…, memory:// or a folder path');
  return { kind: 'embedded', directory: path.resolve(url) };
}
