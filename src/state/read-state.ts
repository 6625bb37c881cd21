import { createHash } from 'node:crypto';
import type { Queryable } from '../db/database.js';
import { TenantctlError } from '../diagnostics/tenantctl-error.js';
import { userKey, type LicenseAssignment, type TenantState, type User } from './tenant-state.js';
import { groupInto } from '../group-into.js';

/*
 * The directory is read as three JSON documents, one per table, each a list
 * of positional rows: the database server builds them (on PostgreSQL, in its
 * own process, while this one parses the configuration) and JSON.parse reads
 * them far faster than the driver turns 100,000 rows of 26 columns into
 * objects (about a third of the CPU time at 100,000 users).
 */

/** An ISO 8601 UTC timestamp as Date.prototype.toISOString writes it, made by the server; NULL stays null. */
const iso = (column: string): string =>
  `CASE WHEN isfinite(${column}) THEN to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') ELSE ${column}::text END`;

/** The columns of a user row, in the order of UserRow below. */
const USER_COLUMNS = [
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
  iso('deleted_at'),
  iso('updated_at'),
  'updated_by',
  'password_reset_token',
  iso('password_set_at'),
  iso('password_expires_at'),
  'force_change_password',
  'password_temporary',
].join(', ');

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

/** A table's rows as one JSON list the server builds (`rows`: json_build_array(...) per row, in `order`). */
const jsonList = (rows: string, from: string, order: string) => `(SELECT coalesce(json_agg(${rows} ORDER BY ${order}), '[]')::text FROM ${from})`;

/**
 * The directory as three JSON lists (users, their roles, their licences), in
 * one statement: plan sends it while it parses the configuration, and each
 * further round trip would wait for the parse to let the event loop run.
 * Users come first: the statement's trace label names them.
 */
const DIRECTORY_QUERY = `SELECT ${jsonList(`json_build_array(${USER_COLUMNS})`, 'users', 'lower(user_principal_name)')} AS users,
       ${jsonList('json_build_array(user_id, role_template_id::text)', 'user_roles', 'user_id, role_template_id::text COLLATE "C"')} AS roles,
       ${jsonList(
         'json_build_array(user_id, sku, disabled)',
         `(SELECT a.user_id, a.sku, array_remove(array_agg(d.plan ORDER BY d.plan COLLATE "C"), NULL) AS disabled
             FROM license_assignments a
             LEFT JOIN license_disabled_plans d ON d.user_id = a.user_id AND d.sku = a.sku
            GROUP BY a.user_id, a.sku) AS assignments`,
         'user_id, sku COLLATE "C"',
       )} AS licenses`;

/**
 * The SHA-256 digests of the three lists DIRECTORY_QUERY returns, which the
 * server builds but does not send: whether the directory is still as a read
 * saw it (readStateAgain).
 */
const DIRECTORY_DIGESTS_QUERY = `WITH directory AS (${DIRECTORY_QUERY})
SELECT encode(sha256(convert_to(users, 'UTF8')), 'hex') AS users,
       encode(sha256(convert_to(roles, 'UTF8')), 'hex') AS roles,
       encode(sha256(convert_to(licenses, 'UTF8')), 'hex') AS licenses
  FROM directory`;

/**
 * The documents each directory read was built from. A state is a function of
 * them, so two reads with the same texts hold the same rows: apply checks the
 * directory again under the lock (readStateAgain) and fingerprints what it
 * finds, and the same texts need not hash 100,000 users again (fingerprint.ts).
 * Kept only once a command asks (keepReadingTexts): 100,000 users' texts are
 * 70-150 MB, which every other command would carry to its end for nothing.
 */
const readings = new WeakMap<TenantState, readonly string[]>();
let keepingTexts = false;
/** The last read that kept its texts: readStateAgain compares the directory with it. */
let lastRead: TenantState | undefined;

/** From now on, each read keeps its texts for as long as its state lives (apply), or no longer does. */
export function keepReadingTexts(keep = true): void {
  keepingTexts = keep;
  if (!keep) lastRead = undefined;
}

/** The texts `state` was read from, when readState read it. */
export function readingOf(state: TenantState): readonly string[] | undefined {
  return readings.get(state);
}

/**
 * The directory as it is: every user, soft-deleted ones included, with roles
 * and licenses. One statement of three set-wide lists whatever the number of users.
 */
export async function readState(db: Queryable): Promise<TenantState> {
  const [row] = await db.query<{ users: string; roles: string; licenses: string }>(DIRECTORY_QUERY);
  const { users: usersText, roles: rolesText, licenses: licensesText } = row!;
  const users = JSON.parse(usersText) as UserRow[];
  const roleRows = JSON.parse(rolesText) as [userId: string, role: string][];
  const licenseRows = JSON.parse(licensesText) as [userId: string, sku: string, disabled: string[] | null][];
  const roles = new Map<string, string[]>();
  for (const [userId, role] of roleRows) groupInto(roles, userId, role);
  const licenses = new Map<string, LicenseAssignment[]>();
  for (const [userId, sku, disabled] of licenseRows) groupInto(licenses, userId, { sku, disabledPlans: disabled ?? [] });
  const state = new Map<string, User>();
  for (const row of users) state.set(userKey(row[1]), toUser(row, roles.get(row[0]) ?? [], licenses.get(row[0]) ?? []));
  const tenant: TenantState = { users: state };
  if (keepingTexts) {
    readings.set(tenant, [usersText, rolesText, licensesText]);
    lastRead = tenant;
  }
  return tenant;
}

const sha256Hex = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

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
  const [users, roles, licenses] = texts.map(sha256Hex);
  const [row] = await asking;
  const same = row !== undefined && row.users === users && row.roles === roles && row.licenses === licenses;
  return same ? last : readState(db);
}
