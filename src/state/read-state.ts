import type { Queryable } from '../db/database.js';
import { TenantctlError } from '../diagnostics/tenantctl-error.js';
import {
  isWayIn,
  userKey,
  type LicenseAssignment,
  type OutsideRename,
  type PasswordPolicies,
  type TenantState,
  type UnapprovedWayIn,
  type User,
  type UserAttributes,
} from './tenant-state.js';
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
  'password_policies',
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
  businessPhones: (string | null)[],
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
  passwordPolicies: PasswordPolicies | null,
];

/** A timestamp column's text; `infinity` (which the schema does not forbid) has no place in a directory. */
function timestamp(value: string | null, upn: string, column: string): string | null {
  if (value === null || value.endsWith('Z')) return value;
  throw new TenantctlError(`the directory's row for ${JSON.stringify(upn)} has ${column} = ${value}, which is not a point in time; correct it in the database`);
}

/** '' written by another tool means "not set", as it does in a configuration. */
const text = (value: string | null): string | null => (value === '' ? null : value);

/**
 * A NULL entry (the column's type allows one, tenantctl never writes one) is
 * an entry with no phone, as '' is: read as '', which plans clear it. Kept as
 * null it was a value no plan's schema allows, so `apply --plan` refused the
 * very plan `plan --out` had saved. Copied only then: every user's list passes here.
 */
const phones = (values: (string | null)[]): string[] => (values.includes(null) ? values.map((phone) => phone ?? '') : (values as string[]));

function toUser(row: UserRow, roles: readonly string[], licenses: readonly LicenseAssignment[]): User {
  const upn = row[1];
  const attributes: UserAttributes = {
    displayName: row[2],
    givenName: text(row[3]),
    surname: text(row[4]),
    mailNickname: row[5],
    jobTitle: text(row[7]),
    department: text(row[8]),
    mobilePhone: text(row[9]),
    businessPhones: phones(row[10]),
    streetAddress: text(row[11]),
    city: text(row[12]),
    state: text(row[13]),
    postalCode: text(row[14]),
    country: text(row[15]),
    usageLocation: row[16],
  };
  return {
    userPrincipalName: upn,
    accountEnabled: row[6],
    // Left out when not set (tenant-state.ts); the column's CHECK (0028) allows no other value.
    attributes: row[26] === null ? attributes : { ...attributes, passwordPolicies: row[26] },
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
 * holds the UPN changes made outside tenantctl (TenantState.outsideRenames),
 * and a sixth (part 5), the same way, every account's former names
 * (TenantState.formerNames, migration 0031); apply compares neither under
 * the lock (readStateAgain), as each rename is a write of the user's row,
 * which it does compare. A seventh (part 6), the same way, the recipients of
 * the credentials not delivered yet (TenantState.queuedRecipients, migration
 * 0033), an eighth (part 7) every settings.adminEmail an apply recorded
 * (TenantState.recordedAdminEmails), and a ninth (part 8) the ways into
 * accounts changed while they held no admin role (TenantState.unapprovedWaysIn,
 * migration 0034).
 */
const DIRECTORY_LISTS = `${listParts(0, `json_build_array(${USER_COLUMNS})`, USER_TABLE_COLUMNS.join(', '), 'users', 'lower(user_principal_name)')}
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
UNION ALL
SELECT 5 AS part, 0 AS chunk, json_agg(json_build_array(f.user_id, f.user_principal_name) ORDER BY f.id)::text AS text
  FROM former_names f JOIN users u ON u.id = f.user_id
 WHERE lower(f.user_principal_name) <> lower(u.user_principal_name)
HAVING count(*) > 0
UNION ALL
SELECT 6 AS part, 0 AS chunk, json_agg(r)::text AS text FROM queued_recipients() AS r
HAVING count(*) > 0
UNION ALL
SELECT 7 AS part, 0 AS chunk, json_agg(DISTINCT lower(a.settings->>'adminEmail'))::text AS text
  FROM applies a WHERE a.settings->>'adminEmail' IS NOT NULL
HAVING count(*) > 0
UNION ALL
SELECT 8 AS part, 0 AS chunk, json_agg(json_build_array(w.user_id, w.way, w.apply_id, ${iso('w.changed_at')}, w.recipients, w.password_from)
         ORDER BY w.user_id, w.way COLLATE "C")::text AS text
  FROM unapproved_ways_in w
HAVING count(*) > 0`;

const inOrder = (lists: string) => `SELECT part, chunk, text FROM (\n${lists}\n) AS parts ORDER BY part, chunk`;

const DIRECTORY_QUERY = inOrder(DIRECTORY_LISTS);

/**
 * DIRECTORY_QUERY with a fifth list, when apply asks (keepRowVersions): the
 * digest of every row's version (migration 0022), of the same snapshot as the
 * lists, which readStateAgain compares under the lock.
 */
const DIRECTORY_WITH_VERSIONS_QUERY = inOrder(`${DIRECTORY_LISTS}
UNION ALL
SELECT 4 AS part, 0 AS chunk, directory_row_versions() AS text`);

/**
 * Whether reads fetch the row versions: only once a command asks (apply,
 * which reads the directory again under its lock), as the function costs the
 * server about 0.15 s at 100,000 users.
 */
let keepingVersions = false;
/** The last read that fetched them, and what they were: readStateAgain compares the directory with it. */
let lastRead: { readonly state: TenantState; readonly versions: string } | undefined;

/** From now on, each read also fetches the directory's row versions (apply), or no longer does. */
export function keepRowVersions(keep = true): void {
  keepingVersions = keep;
  if (!keep) lastRead = undefined;
}

/**
 * Whether this connection's role may run directory_row_versions: sql/roles.sql
 * and migration 0022 grant it to tenantctl_writer, but a role given the
 * tables' privileges by hand has no EXECUTE. Asked once the database is open,
 * before any file is parsed (a round trip later would wait for the parse);
 * without the privilege the directory is read in full under the lock, as it
 * was before 0022, instead of apply failing.
 */
export async function checkRowVersionsAllowed(db: Queryable): Promise<void> {
  if (!keepingVersions) return;
  const [row] = await db.query<{ allowed: boolean | null }>(
    "SELECT has_function_privilege(to_regprocedure('tenantctl.directory_row_versions()'), 'EXECUTE') AS allowed",
  );
  if (row?.allowed !== true) keepRowVersions(false);
}

/**
 * The directory as it is: every user, soft-deleted ones included, with roles
 * and licenses. One statement of three set-wide lists whatever the number of users.
 */
export async function readState(db: Queryable): Promise<TenantState> {
  const keeping = keepingVersions;
  const rows = await db.query<{ part: number; text: string }>(keeping ? DIRECTORY_WITH_VERSIONS_QUERY : DIRECTORY_QUERY);
  const texts: [string[], string[], string[]] = [[], [], []];
  let renamesText: string | undefined;
  let rowVersions: string | undefined;
  let formerNamesText: string | undefined;
  let queuedText: string | undefined;
  let adminEmailsText: string | undefined;
  let waysInText: string | undefined;
  for (const { part, text } of rows) {
    if (part === 3) renamesText = text;
    else if (part === 4) rowVersions = text;
    else if (part === 5) formerNamesText = text;
    else if (part === 6) queuedText = text;
    else if (part === 7) adminEmailsText = text;
    else if (part === 8) waysInText = text;
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
  const formerNames = formerNamesText === undefined ? undefined : readFormerNames(formerNamesText);
  const queuedRecipients = queuedText === undefined ? undefined : new Set(JSON.parse(queuedText) as string[]);
  const recordedAdminEmails = adminEmailsText === undefined ? undefined : new Set(JSON.parse(adminEmailsText) as string[]);
  const unapprovedWaysIn = waysInText === undefined ? undefined : readUnapprovedWaysIn(waysInText);
  const tenant: TenantState = {
    users: state,
    ...(outsideRenames ? { outsideRenames } : {}),
    ...(formerNames ? { formerNames } : {}),
    ...(queuedRecipients ? { queuedRecipients } : {}),
    ...(recordedAdminEmails ? { recordedAdminEmails } : {}),
    ...(unapprovedWaysIn ? { unapprovedWaysIn } : {}),
  };
  if (keeping && rowVersions !== undefined) lastRead = { state: tenant, versions: rowVersions };
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

/** Part 5 of DIRECTORY_QUERY: each account's former names, oldest first, without the one it has now. */
export function readFormerNames(text: string): ReadonlyMap<string, readonly string[]> {
  const names = new Map<string, string[]>();
  // Looked up, not searched: each rename is a row (a script renaming one account 50,000 times is 50,000),
  // and comparing each name with the account's earlier ones took every plan quadratic time.
  const seen = new Set<string>();
  for (const [userId, name] of JSON.parse(text) as [string, string][]) {
    const key = `${userId}\n${name.toLowerCase()}`;
    if (seen.has(key)) continue;
    seen.add(key);
    groupInto(names, userId, name);
  }
  return names;
}

/** Part 8 of DIRECTORY_QUERY: by account id, each way in changed while it held no admin role. */
function readUnapprovedWaysIn(text: string): ReadonlyMap<string, readonly UnapprovedWayIn[]> {
  const ways = new Map<string, UnapprovedWayIn[]>();
  for (const [userId, way, applyId, at, recipients, passwordFrom] of JSON.parse(text) as [string, string, number | null, string, string[], string | null][]) {
    if (isWayIn(way)) groupInto(ways, userId, { way, applyId, at, recipients, passwordFrom });
  }
  return ways;
}

/**
 * The directory again, as readState reads it. Apply reads it under the lock
 * right after it planned from a read: when every row's version is the one
 * that read saw (migration 0022), the rows are the same, and so is that
 * read's state, which is returned without the lists being built, sent and
 * parsed again (100,000 users: 70 MB, 1.2-1.4 s of the server's time).
 * Anything else is read in full.
 */
export async function readStateAgain(db: Queryable): Promise<TenantState> {
  const last = lastRead;
  // Taken, not kept: apply writes after this, and 100,000 users' state is 200 MB.
  lastRead = undefined;
  if (!last) return readState(db);
  const [row] = await db.query<{ versions: string }>('SELECT versions FROM directory_row_versions() AS versions');
  return row?.versions === last.versions ? last.state : readState(db);
}
