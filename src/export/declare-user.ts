import { BUILTIN_ROLES, roleName } from '../catalog/builtin-roles.js';
import type { RawDefaults, RawLicense, RawUser } from '../config/raw-config.js';
import { USER_ATTRIBUTES, type LicenseAssignment, type User, type UserAttributeName, type UserAttributes } from '../state/tenant-state.js';

/**
 * The attributes an export may move into `defaults`, in the order they are
 * written. Left out on purpose: `licenses` (a default also applies to every
 * user declared later, which would assign, and perhaps buy, seats nobody
 * wrote down) and `accountEnabled` (only `false` is ever written).
 */
export const HOISTABLE_FIELDS = [
  'jobTitle',
  'department',
  'businessPhones',
  'streetAddress',
  'city',
  'state',
  'postalCode',
  'country',
  'usageLocation',
] as const satisfies readonly (keyof RawDefaults & keyof UserAttributes)[];

export type HoistableField = (typeof HOISTABLE_FIELDS)[number];

type Writable<T> = { -readonly [K in keyof T]: T[K] };

/** What a configuration can say about a text attribute: '' and null both mean "not set". */
export function textValue(value: string | null): string | undefined {
  return value === null || value === '' ? undefined : value;
}

/** The office phones a configuration can state (an empty entry is not one), or undefined for none. */
function phonesValue(attributes: UserAttributes): string[] | undefined {
  const phones = attributes.businessPhones.filter((phone) => phone !== '');
  return phones.length > 0 ? phones : undefined;
}

function fieldValue(attributes: UserAttributes, field: HoistableField): string | readonly string[] | undefined {
  return field === 'businessPhones' ? phonesValue(attributes) : textValue(attributes[field]);
}

const sameValue = (a: string | readonly string[], b: string | readonly string[]): boolean =>
  typeof a === 'string' || typeof b === 'string' ? a === b : a.length === b.length && a.every((v, i) => v === b[i]);

/**
 * The fields every user has, with one and the same value, when there are at
 * least two users. Only then may a field move to `defaults`: a user without
 * the value would otherwise inherit it.
 */
export function sharedDefaults(users: readonly User[]): RawDefaults {
  const defaults: Writable<RawDefaults> = {};
  const [first, ...rest] = users;
  if (!first || rest.length === 0) return defaults;
  for (const field of HOISTABLE_FIELDS) {
    const value = fieldValue(first.attributes, field);
    if (value === undefined) continue;
    const shared = rest.every((user) => {
      const other = fieldValue(user.attributes, field);
      return other !== undefined && sameValue(other, value);
    });
    if (!shared) continue;
    if (field === 'businessPhones') defaults.businessPhones = [...(value as readonly string[])];
    else defaults[field] = value as string;
  }
  return defaults;
}

export function localPart(userPrincipalName: string): string {
  return userPrincipalName.split('@')[0] ?? userPrincipalName;
}

const ROLE_ORDER = new Map(BUILTIN_ROLES.map((role, index) => [role.templateId, index]));

/** Admin center names, in the admin center's order (Global administrator first); unknown ids last, as ids. */
export function roleNames(templateIds: readonly string[]): string[] {
  const rank = (id: string) => ROLE_ORDER.get(id) ?? ROLE_ORDER.size;
  return [...new Set(templateIds)]
    .sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0))
    .map((id) => roleName(id));
}

/** A part number alone when every plan is on, else `{sku, disabledPlans}`; by sku. */
export function licenseEntries(licenses: readonly LicenseAssignment[]): RawLicense[] {
  return [...licenses]
    .sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0))
    .map((license) =>
      license.disabledPlans.length === 0 ? license.sku : { sku: license.sku, disabledPlans: [...new Set(license.disabledPlans)].sort() },
    );
}

/** The value a declaration writes for one attribute, or undefined when leaving it out gives the same value. */
function declaredAttribute(user: User, name: UserAttributeName): string | string[] | undefined {
  const a = user.attributes;
  switch (name) {
    case 'displayName':
      return a.displayName;
    case 'mailNickname':
      return a.mailNickname === localPart(user.userPrincipalName) ? undefined : a.mailNickname;
    case 'businessPhones':
      return phonesValue(a);
    case 'passwordPolicies':
      // Empty only where the column's CHECK was dropped: left out, as EXPORT_EMPTY_VALUE says.
      return textValue(a.passwordPolicies ?? null);
    default:
      return textValue(a[name]);
  }
}

/**
 * One user as a configuration declares it, keys in the order of INTERFACE.md's
 * example (USER_ATTRIBUTES is in that order). A field left out normalises to
 * the same value: `mailNickname` when it is the UPN's local part,
 * `accountEnabled` when true, a field in `hoisted` (`defaults` supplies it),
 * and every unset attribute. No `password` and no `notify`: neither is stored
 * on a user.
 */
export function declareUser(user: User, hoisted: ReadonlySet<HoistableField>): RawUser {
  const declared: Record<string, unknown> = { userPrincipalName: user.userPrincipalName };
  for (const name of USER_ATTRIBUTES) {
    const value = declaredAttribute(user, name);
    if (value !== undefined && !hoisted.has(name as HoistableField)) declared[name] = value;
  }
  if (!user.accountEnabled) declared.accountEnabled = false;
  if (user.roles.length > 0) declared.roles = roleNames(user.roles);
  if (user.licenses.length > 0) declared.licenses = licenseEntries(user.licenses);
  return declared as unknown as RawUser;
}
