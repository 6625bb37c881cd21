import type { Queryable } from '../db/database.js';
import { userKey, type LicenseAssignment, type TenantState, type User } from './tenant-state.js';

interface UserRow {
  id: string;
  user_principal_name: string;
  display_name: string;
  given_name: string | null;
  surname: string | null;
  mail_nickname: string;
  account_enabled: boolean;
  job_title: string | null;
  department: string | null;
  mobile_phone: string | null;
  business_phones: string[];
  street_address: string | null;
  city: string | null;
  state: string | null;
  postal_code: string | null;
  country: string | null;
  usage_location: string | null;
  managed: boolean;
  deleted_at: Date | null;
  updated_at: Date;
  updated_by: string | null;
  password_reset_token: string | null;
  password_set_at: Date | null;
  password_expires_at: Date | null;
  force_change_password: boolean;
  password_temporary: boolean;
}

const iso = (value: Date | null): string | null => (value === null ? null : value.toISOString());

/** '' written by another tool means "not set", as it does in a configuration. */
const text = (value: string | null): string | null => (value === '' ? null : value);

function toUser(row: UserRow, roles: readonly string[], licenses: readonly LicenseAssignment[]): User {
  return {
    userPrincipalName: row.user_principal_name,
    accountEnabled: row.account_enabled,
    attributes: {
      displayName: row.display_name,
      givenName: text(row.given_name),
      surname: text(row.surname),
      mailNickname: row.mail_nickname,
      jobTitle: text(row.job_title),
      department: text(row.department),
      mobilePhone: text(row.mobile_phone),
      businessPhones: row.business_phones,
      streetAddress: text(row.street_address),
      city: text(row.city),
      state: text(row.state),
      postalCode: text(row.postal_code),
      country: text(row.country),
      usageLocation: row.usage_location,
    },
    roles,
    licenses,
    directory: {
      id: row.id,
      managed: row.managed,
      deletedAt: iso(row.deleted_at),
      updatedAt: row.updated_at.toISOString(),
      updatedBy: row.updated_by,
      passwordResetToken: row.password_reset_token,
      passwordSetAt: iso(row.password_set_at),
      passwordExpiresAt: iso(row.password_expires_at),
      forceChangePassword: row.force_change_password,
      passwordTemporary: row.password_temporary,
    },
  };
}

function push<V>(map: Map<string, V[]>, key: string, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * The directory as it is: every user, soft-deleted ones included, with roles
 * and licenses. Three set-wide queries whatever the number of users.
 */
export async function readState(db: Queryable): Promise<TenantState> {
  const users = await db.query<UserRow>(
    `SELECT id, user_principal_name, display_name, given_name, surname, mail_nickname, account_enabled,
            job_title, department, mobile_phone, business_phones, street_address, city, state, postal_code,
            country, usage_location, managed, deleted_at, updated_at, updated_by, password_reset_token,
            password_set_at, password_expires_at, force_change_password, password_temporary
       FROM users ORDER BY lower(user_principal_name)`,
  );
  const roleRows = await db.query<{ user_id: string; role: string }>(
    'SELECT user_id, role_template_id::text AS role FROM user_roles ORDER BY user_id, role_template_id::text COLLATE "C"',
  );
  const licenseRows = await db.query<{ user_id: string; sku: string; disabled: string[] | null }>(
    `SELECT a.user_id, a.sku, array_remove(array_agg(d.plan ORDER BY d.plan COLLATE "C"), NULL) AS disabled
       FROM license_assignments a
       LEFT JOIN license_disabled_plans d ON d.user_id = a.user_id AND d.sku = a.sku
      GROUP BY a.user_id, a.sku ORDER BY a.user_id, a.sku COLLATE "C"`,
  );
  const roles = new Map<string, string[]>();
  for (const row of roleRows) push(roles, row.user_id, row.role);
  const licenses = new Map<string, LicenseAssignment[]>();
  for (const row of licenseRows) push(licenses, row.user_id, { sku: row.sku, disabledPlans: row.disabled ?? [] });
  const state = new Map<string, User>();
  for (const row of users) {
    state.set(userKey(row.user_principal_name), toUser(row, roles.get(row.id) ?? [], licenses.get(row.id) ?? []));
  }
  return { users: state };
}
