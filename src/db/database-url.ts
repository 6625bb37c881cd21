import path from 'node:path';
import { TenantctlError } from '../diagnostics/tenantctl-error.js';

export const DEFAULT_DATABASE = '.tenantctl/db';

/** Where the tenant's database is, as INTERFACE.md defines the URL forms. */
export type DatabaseLocation =
  | { readonly kind: 'postgres'; readonly url: string }
  | { readonly kind: 'embedded'; readonly directory: string | null };

const SECRET_PARAMETERS = 'password|sslpassword|pass|pwd';
const SECRET_NAME = new RegExp(`^(?:${SECRET_PARAMETERS})$`, 'i');

/**
 * The names pg-connection-string may read a query parameter's name as. The
 * WHATWG URL parser drops tabs and line breaks anywhere and URLSearchParams
 * percent-decodes (`pass%77ord` is `password`); but when the URL holds a
 * space or a stray `%`, pg first runs encodeURI over it, which keeps them.
 */
function parameterNames(raw: string): string[] {
  const formDecoded = (name: string): string => [...new URLSearchParams(`${name}=`).keys()][0] ?? name;
  const names = [formDecoded(raw.replace(/[\t\n\r]/g, ''))];
  try {
    names.push(formDecoded(encodeURI(raw).replace(/%25(\d\d)/g, '%$1')));
  } catch {
    // A lone surrogate: encodeURI throws, and so would pg, which then connects to nothing.
  }
  return names.map((name) => name.trim());
}

/** `?password=…`, however the name is encoded: pg decodes it before reading it. */
function maskParameters(url: string): string {
  return url.replace(/([?&])([^&#=]*)=([^&#]*)/g, (whole, separator: string, name: string) =>
    parameterNames(name).some((decoded) => SECRET_NAME.test(decoded)) ? `${separator}${name}=****` : whole,
  );
}

/**
 * The URL with every password replaced by `****`, for messages and files:
 * the userinfo of `scheme://user:secret@host` up to its last `@` (a password
 * may hold a raw `@`), `password=` query parameters (`pass%77ord=` too), and
 * `password=` in the key=value connection string form (`host=db password='s e'`)
 * or in a path.
 */
export function maskUrl(url: string): string {
  let masked = url;
  // Anything before the scheme too (` postgres://`, `"postgres://…"`): parseDatabaseUrl
  // refuses such a string, naming it, and its password must not show there either.
  const scheme = /^[^]*?[a-z][a-z0-9+.-]*:\/\//i.exec(masked);
  if (scheme) {
    // The last `@` anywhere: a raw `?`, `#` or `/` in the password must not end the
    // userinfo early. A stray `@` later in the URL only masks more than needed.
    const rest = masked.slice(scheme[0].length);
    const at = rest.lastIndexOf('@');
    const colon = rest.indexOf(':');
    if (at !== -1 && colon !== -1 && colon < at) {
      masked = `${scheme[0]}${rest.slice(0, colon)}:****${rest.slice(at)}`;
    }
  }
  masked = maskParameters(masked);
  // An unterminated quote (libpq refuses it) still hides everything after it.
  return masked.replace(new RegExp(`(^|[\\s/\\\\])((?:${SECRET_PARAMETERS})\\s*=\\s*)('(?:[^'\\\\]|\\\\.)*(?:'|$)|\\S*)`, 'gi'), '$1$2****');
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
