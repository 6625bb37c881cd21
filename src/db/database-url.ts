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
  // Anything before the scheme too (` postgres://`, `"postgres://…"`), and our schemes
  // short of slashes: parseDatabaseUrl refuses such strings, naming them.
  const scheme = /^[^]*?[a-z][a-z0-9+.-]*:\/\/|^\s*(?:postgres(?:ql)?|memory):\/?/i.exec(masked);
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

/**
 * A value mistyped short of its `scheme://` (`postgres//user:secret@host`, `smtp:user:secret@host`),
 * where maskUrl cannot tell the password from the rest, as a message may show it: only what
 * follows its last `@` (a password may hold a raw `@`), or nothing when it has none.
 */
export function maskBeforeLastAt(value: string): string {
  const at = value.lastIndexOf('@');
  return at === -1 ? '(not shown: it may hold the password)' : `****${value.slice(at)} (what comes before its last @ is not shown: it may hold the password)`;
}

/**
 * Why a URL with an `@` after its host is refused: a raw `/`, `?` or `#` in a password of
 * digits (`scheme://owner:2024?Summer@host`) ends the authority early, the URL parses as host
 * `owner`, port 2024, and the rest of the password becomes a path, parameter or fragment.
 */
export const PASSWORD_CUT_SHORT = 'an @ after the host means a / ? or # in the password ended it early; percent-encode them in the password (/ as %2F, ? as %3F, # as %23, @ as %40)';

/**
 * Whether `url` has the shape a raw `/`, `?` or `#` in its password leaves: no `@` between
 * `scheme://` and the first `/ ? #` after it, and an `@` later. The URL parser then either
 * fails (`owner:Summer?x@host`: the port is not a number) or takes `owner` for the host and
 * the rest for a path, parameters or fragment (`owner:2024?a=b@host`).
 */
export function passwordCutShort(url: string): boolean {
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(url);
  if (!scheme) return false;
  const rest = url.slice(scheme[0].length);
  const cut = rest.search(/[/?#]/);
  return cut !== -1 && !rest.slice(0, cut).includes('@') && rest.indexOf('@', cut) !== -1;
}

/** libpq's connection keywords (PostgreSQL 17), as in `host=db port=5432 user=owner`. */
const LIBPQ_KEYWORDS = [
  'host', 'hostaddr', 'port', 'dbname', 'user', 'password', 'passfile', 'require_auth', 'channel_binding',
  'connect_timeout', 'client_encoding', 'options', 'application_name', 'fallback_application_name',
  'keepalives', 'keepalives_idle', 'keepalives_interval', 'keepalives_count', 'tcp_user_timeout',
  'replication', 'gssencmode', 'sslmode', 'requiressl', 'sslnegotiation', 'sslcompression', 'sslcert',
  'sslkey', 'sslpassword', 'sslcertmode', 'sslrootcert', 'sslcrl', 'sslcrldir', 'sslsni', 'requirepeer',
  'ssl_min_protocol_version', 'ssl_max_protocol_version', 'krbsrvname', 'gsslib', 'gssdelegation',
  'service', 'target_session_attrs', 'load_balance_hosts',
];
/** A keyword starting the string or a word in it: a folder named `data=1` is still a folder. */
const CONNINFO = new RegExp(`(?:^|\\s)(?:${LIBPQ_KEYWORDS.join('|')})\\s*=`, 'i');
/** A password anywhere (`./db/password=…`) is never a folder name anybody meant. */
const PASSWORD_ASSIGNMENT = /(?:^|[^a-z0-9_])(?:ssl)?password\s*=/i;

/**
 * `postgres//user:secret@host/db`, `postgres:user:secret@host`, `user:secret@host/db`: a URL
 * mistyped short of its `://`, which as a folder path would print its password (in "there is
 * no database at …") and, at init, make it a folder's name. No folder anybody meant holds a
 * `:` and, after it, an `@`, but for a Windows drive's (`C:\Users\jan@contoso.com\db`, a
 * profile folder named by the sign-in address).
 */
const USERINFO_SHORT_OF_SCHEME = /:[^]*@/;
/** `C:\` or `C:/`, a Windows drive, whose colon is no password's. */
const WINDOWS_DRIVE = /^[a-z]:(?=[\\/])/i;

const FORMS = 'use postgres://user:password@host:port/database, memory:// or a folder path for the embedded database';

/**
 * A string meant for a server, which as a folder path would put its password
 * in a file name and make a local database the administrator never asked for.
 */
function notAFolder(url: string): string | null {
  const masked = maskUrl(url);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) return `unsupported database URL ${masked}: ${FORMS}`;
  if (url.includes('://') || /^\s*(?:postgres(?:ql)?|memory):/i.test(url)) {
    return `malformed database URL ${masked}: a database URL starts with postgres:// or memory://, with no spaces or quotes around it; or give a folder path for the embedded database`;
  }
  if (USERINFO_SHORT_OF_SCHEME.test(url.replace(WINDOWS_DRIVE, ''))) {
    return (
      `malformed database URL ${maskBeforeLastAt(url)}: ` +
      'a database URL starts with postgres:// (the colon and both slashes); a folder path for the embedded database has no user:password@ in it'
    );
  }
  if (CONNINFO.test(url) || PASSWORD_ASSIGNMENT.test(url)) {
    return (
      `the database URL ${masked} is a key=value connection string, which tenantctl does not take: ` +
      'write it as postgres://user:password@host:port/dbname (percent-encode @ : / ? # % in the password, e.g. @ as %40) ' +
      'with any other keys as parameters (?sslmode=verify-full), or give memory:// or a folder path for the embedded database'
    );
  }
  return null;
}

/**
 * An @ in a parameter's value is no cut-short password when the URL names a database
 * (`postgres://db/tenant?user=owner@server`, an Azure role). With neither a user nor a
 * database before the `?` it is: `postgres://owner:2024?a=S3cret@db/tenant` would have pg
 * look up a host `owner`, and `?user=S3cret@db/tenant` would send part of the password to
 * it as the role's name, to come back in the server's refusal. A password parameter's @ is its own.
 */
function noUserNorDatabase(parsed: URL): boolean {
  if (parsed.username !== '' || parsed.password !== '' || parsed.pathname.replace(/^\//, '') !== '') return false;
  // A password given as a parameter may hold a raw @ (`?user=owner&password=p@ss`).
  return [...parsed.searchParams].some(([name, value]) => value.includes('@') && !SECRET_NAME.test(name.trim()));
}

export function parseDatabaseUrl(url: string): DatabaseLocation {
  if (/^postgres(ql)?:\/\//i.test(url)) {
    // postgres://user:password@/database?host=/var/run/postgresql: libpq's form for a Unix socket, which the
    // URL parser refuses (credentials, no host) and pg reads with a stand-in host, as here.
    const noHost = /^postgres(?:ql)?:\/\/[^/?#]*@(?=\/)/i.exec(url);
    let parsed: URL;
    try {
      parsed = new URL(noHost ? `${noHost[0]}host.invalid${url.slice(noHost[0].length)}` : url);
      if ((noHost || !parsed.hostname) && !parsed.searchParams.get('host')) throw new Error('no host');
    } catch {
      const hint = passwordCutShort(url) ? `; ${PASSWORD_CUT_SHORT}` : '';
      throw new TenantctlError(`malformed database URL ${maskUrl(url)}: expected postgres://user:password@host:port/database${hint}`);
    }
    if (parsed.pathname.includes('@') || parsed.hash.includes('@') || [...parsed.searchParams.keys()].some((name) => name.includes('@'))) {
      throw new TenantctlError(`malformed database URL ${maskUrl(url)}: ${PASSWORD_CUT_SHORT}`);
    }
    if (noUserNorDatabase(parsed)) {
      // postgres://db:5432?user=owner@server is read as a cut-short password too; written with its database, it is not.
      const own = "if the @ is the parameter's own (?user=owner@server), name the database before the ?: postgres://host:port/database?user=…";
      throw new TenantctlError(`malformed database URL ${maskUrl(url)}: ${PASSWORD_CUT_SHORT}; ${own}`);
    }
    return { kind: 'postgres', url };
  }
  if (url === 'memory://') return { kind: 'embedded', directory: null };
  const refusal = notAFolder(url);
  if (refusal !== null) throw new TenantctlError(refusal);
  if (url.trim() === '') throw new TenantctlError('empty database URL: use postgres://…, memory:// or a folder path');
  return { kind: 'embedded', directory: path.resolve(url) };
}
