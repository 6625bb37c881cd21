import { createHash } from 'node:crypto';
import type { Queryable } from '../db/database.js';
import { TenantctlError } from '../diagnostics/tenantctl-error.js';
import { userKey, type LicenseAssignment, type OutsideRename, type TenantState, type User } from './tenant-state.js';
import { groupInto } from '../group-into.js';

/*
 * The directory is read as three JSON lists of positional rows, one per
 * table, each sent in parts of ROWS_PER_PART rows: the database server builds
 * them (on PostgreSQL, in its own process, while this one parses the
 * configuration) and JSON.parse reads them far faster than the driver turns 100,000 rows of 26 columns into
 * objects (about a third of the CPU time at 100,000 users).
 */

/** An ISO 8601 UTC timestamp as Date.prototype.toISOString writes it, made by the server; NULL stays null. */
const iso = (column: string): string =>
  `CASE WHEN isfinite(${column}) THEN to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') ELSE ${column}::text END`;

/** The users' columns a read needs, in the order of UserRow below. */
const USER_TABLE_COLUMNS = [
  'id',
  'user_principal_name',
  'display_name',
  'given_name',
  'surname',
  'mail_nickname',
  'account_enabled',
  'job_title',
  'department',
  'mobile_phone',
  'business_phones',
  'street_address',
  'city',
  'state',
  'postal_code',
  'country',
  'usage_location',
  'managed',
  'deleted_at',
  'updated_at',
  'updated_by',
  'password_reset_token',
  'password_set_at',
  'password_expires_at',
  'force_change_password',
  'password_temporary',
] as const;

const TIMESTAMP_COLUMNS: ReadonlySet<string> = new Set(['deleted_at', 'updated_at', 'password_set_at', 'password_expires_at']);

/** A user row's values as the server sends them: the columns, timestamps as ISO text. */
const USER_COLUMNS = USER_TABLE_COLUMNS.map((column) => (TIMESTAMP_COLUMNS.has(column) ? iso(column) : column)).join(', ');

type UserRow = [
  id: string,
  userPrincipalName: string,
  displayName: string,
  givenName: string | null,
  surname: string | null,
  mailNickname: string,
  accountEnabled: boolean,
  jobTitle: string | null,
  department: string | null,
  mobilePhone: string | null,
  businessPhones: string[],
  streetAddress: string | null,
  city: string | null,
  state: string | null,
  postalCode: string | null,
  country: string | null,
  usageLocation: string | null,
  managed: boolean,
  deletedAt: string | null,
  updatedAt: string,
  updatedBy: string | null,
  passwordResetToken: string | null,
  passwordSetAt: string | null,
  passwordExpiresAt: string | null,
  forceChangePassword: boolean,
  passwordTemporary: boolean,
];

/** A timestamp column's text; `infinity` (which the schema does not forbid) has no place in a directory. */
function timestamp(value: string | null, upn: string, column: string): string | null {
  if (value === null || value.endsWith('Z')) return value;
  throw new TenantctlError(`the directory's row for ${JSON.stringify(upn)} has ${column} = ${value}, which is not a point in time; correct it in the database`);
}

/** '' written by another tool means "not set", as it does in a configuration. */
const text = (value: string | null): string | null => (value === '' ? null : value);

function toUser(row: UserRow, roles: readonly string[], licenses: readonly LicenseAssignment[]): User {
  const upn = row[1];
  return {
    userPrincipalName: upn,
    accountEnabled: row[6],
    attributes: {
      displayName: row[2],
      givenName: text(row[3]),
      surname: text(row[4]),
      mailNickname: row[5],
      jobTitle: text(row[7]),
      department: text(row[8]),
      mobilePhone: text(row[9]),
      businessPhones: row[10],
      streetAddress: text(row[11]),
      city: text(row[12]),
      state: text(row[13]),
      postalCode: text(row[14]),
      country: text(row[15]),
      usageLocation: row[16],
    },
    roles,
    licenses,
    directory: {
      id: row[0],
      managed: row[17],
      deletedAt: timestamp(row[18], upn, 'deleted_at'),
      updatedAt: timestamp(row[19], upn, 'updated_at')!,
      updatedBy: row[20],
      passwordResetToken: row[21],
      passwordSetAt: timestamp(row[22], upn, 'password_set_at'),
      passwordExpiresAt: timestamp(row[23], upn, 'password_expires_at'),
      forceChangePassword: row[24],
      passwordTemporary: row[25],
    },
  };
}

/** Rows per part of a list: a part's message stays about 1.5 MB however many users there are. */
const ROWS_PER_PART = 2000;

/**
 * A table's rows as JSON lists the server builds, one row (`part`, `chunk`,
 * `text`) per ROWS_PER_PART rows, in `order`; `rows`: json_build_array(...)
 * per row, of the named `columns` (never `*`: the least-privilege roles of
 * sql/roles.sql may read only the columns they need, never a password hash).
 * One list of 100,000 users was one 70 MB protocol message, which the driver
 * gathered by doubling a buffer: 0.5 s of faulting in fresh pages on this kind
 * of virtual machine, where 2,000-row parts reuse one buffer.
 */
const listParts = (part: number, rows: string, columns: string, from: string, order: string) => `SELECT ${part} AS part, chunk, json_agg(${rows} ORDER BY ${order})::text AS text
  FROM (SELECT ${columns}, ((row_number() OVER (ORDER BY ${order}) - 1) / ${ROWS_PER_PART})::int AS chunk FROM ${from}) AS numbered
 GROUP BY chunk`;

/**
 * A UPN change written outside tenantctl, as other_writes keeps it (0016),
 * in the words of its partial index (0018) so the read uses it.
 */
const OUTSIDE_RENAME = `w.table_name = 'users' AND w.operation = 'update' AND w.before ? 'user_principal_name'`;

/**
 * The directory as three JSON lists (users, their roles, their licences), each
 * in parts, in one statement: plan sends it while it parses the configuration,
 * and each further round trip would wait for the parse to let the event loop
 * run. Users come first: the statement's trace label names them. An empty
 * table has no parts. A fourth list, in one part and only when there is one,
 * holds the UPN changes made outside tenantctl (TenantState.outsideRenames);
 * it is not one of the lists apply compares under the lock, since each such
 * change changes the users' list too.
 */
const DIRECTORY_QUERY = `SELECT part, chunk, text FROM (
${listParts(0, `json_build_array(${USER_COLUMNS})`, USER_TABLE_COLUMNS.join(', '), 'users', 'lower(user_principal_name)')}
UNION ALL
${listParts(1, 'json_build_array(user_id, role_template_id::text)', 'user_id, role_template_id', 'user_roles', 'user_id, role_template_id::text COLLATE "C"')}
UNION ALL
${listParts(
  2,
  'json_build_array(user_id, sku, disabled)',
  'user_id, sku, disabled',
  `(SELECT a.user_id, a.sku, array_remove(array_agg(d.plan ORDER BY d.plan COLLATE "C"), NULL) AS disabled
      FROM license_assignments a
      LEFT JOIN license_disabled_plans d ON d.user_id = a.user_id AND d.sku = a.sku
     GROUP BY a.user_id, a.sku) AS assignments`,
  'user_id, sku COLLATE "C"',
)}
UNION ALL
SELECT 3 AS part, 0 AS chunk, json_agg(json_build_array(w.user_id, w.before->>'user_principal_name', w.after->>'user_principal_name',
         ${iso('w.written_at')}, w.database_role) ORDER BY w.id)::text AS text
  FROM other_writes w JOIN users u ON u.id = w.user_id AND u.deleted_at IS NULL
 WHERE ${OUTSIDE_RENAME}
HAVING count(*) > 0
) AS parts ORDER BY part, chunk`;

/** One list's parts joined, hashed: the digest of what the client joins from the same parts. */
const listDigest = (part: number) => `encode(sha256(convert_to(coalesce(string_agg(text, '' ORDER BY chunk) FILTER (WHERE part = ${part}), ''), 'UTF8')), 'hex')`;

/**
 * The SHA-256 digests of the three lists DIRECTORY_QUERY returns (each list's
 * parts joined in order), which the server builds but does not send: whether
 * the directory is still as a read saw it (readStateAgain).
 */
const DIRECTORY_DIGESTS_QUERY = `WITH directory AS (${DIRECTORY_QUERY})
SELECT ${listDigest(0)} AS users, ${listDigest(1)} AS roles, ${listDigest(2)} AS licenses
  FROM directory`;

/** The texts of one directory read: for each list (users, roles, licences), its parts in order. */
export type DirectoryTexts = readonly [users: readonly string[], roles: readonly string[], licenses: readonly string[]];

/** Whether two reads were sent the same texts, part for part. */
export function sameTexts(a: DirectoryTexts, b: DirectoryTexts): boolean {
  return a.every((parts, list) => parts.length === b[list]!.length && parts.every((text, i) => text === b[list]![i]));
}

/**
 * The documents each directory read was built from. A state is a function of
 * them, so two reads with the same texts hold the same rows: apply checks the
 * directory again under the lock (readStateAgain) and fingerprints what it
 * finds, and the same texts need not hash 100,000 users again (fingerprint.ts).
 * Kept only once a command asks (keepReadingTexts): 100,000 users' texts are
 * 70-150 MB, which every other command would carry to its end for nothing.
 */
const readings = new WeakMap<TenantState, DirectoryTexts>();
let keepingTexts = false;
/** The last read that kept its texts: readStateAgain compares the directory with it. */
let lastRead: TenantState | undefined;

/** From now on, each read keeps its texts for as long as its state lives (apply), or no longer does. */
export function keepReadingTexts(keep = true): void {
  keepingTexts = keep;
  if (!keep) lastRead = undefined;
}

/** The texts `state` was read from, when readState read it. */
export function readingOf(state: TenantState): DirectoryTexts | undefined {
  return readings.get(state);
}

/**
 * The directory as it is: every user, soft-deleted ones included, with roles
 * and licenses. One statement of three set-wide lists whatever the number of users.
 */
export async function readState(db: Queryable): Promise<TenantState> {
  const rows = await db.query<{ part: number; text: string }>(DIRECTORY_QUERY);
  const texts: [string[], string[], string[]] = [[], [], []];
  let renamesText: string | undefined;
  for (const { part, text } of rows) {
    if (part === 3) renamesText = text;
    else texts[part]!.push(text);
  }
  const [usersTexts, rolesTexts, licensesTexts] = texts;
  const roles = new Map<string, string[]>();
  for (const text of rolesTexts) {
    for (const [userId, role] of JSON.parse(text) as [userId: string, role: string][]) groupInto(roles, userId, role);
  }
  const licenses = new Map<string, LicenseAssignment[]>();
  for (const text of licensesTexts) {
    for (const [userId, sku, disabled] of JSON.parse(text) as [userId: string, sku: string, disabled: string[] | null][]) {
      groupInto(licenses, userId, { sku, disabledPlans: disabled ?? [] });
    }
  }
  const state = new Map<string, User>();
  for (const text of usersTexts) {
    for (const row of JSON.parse(text) as UserRow[]) state.set(userKey(row[1]), toUser(row, roles.get(row[0]) ?? [], licenses.get(row[0]) ?? []));
  }
  const outsideRenames = renamesText === undefined ? undefined : readOutsideRenames(renamesText);
  const tenant: TenantState = outsideRenames ? { users: state, outsideRenames } : { users: state };
  if (keepingTexts) {
    readings.set(tenant, texts);
    lastRead = tenant;
  }
  return tenant;
}

/** Part 3 of DIRECTORY_QUERY: the outside renames of accounts not deleted, oldest first. */
function readOutsideRenames(text: string): ReadonlyMap<string, readonly OutsideRename[]> {
  const renames = new Map<string, OutsideRename[]>();
  for (const [userId, from, to, at, databaseRole] of JSON.parse(text) as [string, string | null, string | null, string, string][]) {
    // A UPN is never null (NOT NULL); a row edited by hand could say anything but a rename.
    if (typeof from === 'string' && typeof to === 'string') groupInto(renames, userId, { from, to, at, databaseRole });
  }
  return renames;
}

/** The digest of a list's parts joined, without joining them. */
function digestOfParts(parts: readonly string[]): string {
  const hash = createHash('sha256');
  for (const text of parts) hash.update(text, 'utf8');
  return hash.digest('hex');
}

/**
 * The directory again, as readState reads it. Apply reads it under the lock
 * right after it planned from a read: when the server's digests of the three
 * lists are those of the last read's texts (kept by keepReadingTexts), the
 * rows are the same, and so is that read's state, which is returned without
 * the lists being sent and parsed again (100,000 users: 70 MB). Anything
 * else is read in full.
 */
export async function readStateAgain(db: Queryable): Promise<TenantState> {
  const last = lastRead;
  // Taken, not kept: apply writes after this, and 100,000 users' state and texts are 300 MB.
  lastRead = undefined;
  const texts = last && readings.get(last);
  if (!last || !texts) return readState(db);
  const asking = db.query<{ users: string; roles: string; licenses: string }>(DIRECTORY_DIGESTS_QUERY);
  // Worked out while the server builds the lists: 70 MB take a tenth of a second.
  const [users, roles, licenses] = texts.map(digestOfParts);
  const [row] = await asking;
  const same = row !== undefined && row.users === users && row.roles === roles && row.licenses === licenses;
  return same ? last : readState(db);
}
