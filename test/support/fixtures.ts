import { BUILTIN_ROLES } from '../../src/catalog/builtin-roles.js';
import { GLOBAL_ADMINISTRATOR, type Catalog, type Subscription } from '../../src/catalog/catalog.js';
import { DEFAULT_SETTINGS, type Settings } from '../../src/state/settings.js';
import { userKey, type DirectoryRecord, type TenantState, type User, type UserAttributes } from '../../src/state/tenant-state.js';

export const GA = GLOBAL_ADMINISTRATOR;
export const EXCHANGE_ADMIN = '29232cdf-9323-42fd-ade2-1d097af3e4de';

export function attributes(upn: string, overrides: Partial<UserAttributes> = {}): UserAttributes {
  const local = upn.split('@')[0] ?? upn;
  return {
    displayName: local,
    givenName: null,
    surname: null,
    mailNickname: local,
    jobTitle: null,
    department: null,
    mobilePhone: null,
    businessPhones: [],
    streetAddress: null,
    city: null,
    state: null,
    postalCode: null,
    country: null,
    usageLocation: 'NL',
    ...overrides,
  };
}

type UserOverrides = Partial<Omit<User, 'attributes'>> & { attributes?: Partial<UserAttributes> };

/** A user as a configuration declares it. */
export function desiredUser(upn: string, overrides: UserOverrides = {}): User {
  const { attributes: attrs, ...rest } = overrides;
  return {
    userPrincipalName: upn,
    accountEnabled: true,
    attributes: attributes(upn, attrs),
    roles: [],
    licenses: [],
    password: { source: { kind: 'generate' }, forceChangePasswordNextSignIn: true, resetToken: null },
    notify: ['it@contoso.com'],
    ...rest,
  };
}

let nextId = 1;

/** Ids start again from 1, as in a fresh process (shared-process-setup.ts). */
export function resetFixtureIds(): void {
  nextId = 1;
}

/** A user as the database has it; managed unless said otherwise. */
export function currentUser(upn: string, overrides: UserOverrides = {}, directory: Partial<DirectoryRecord> = {}): User {
  const { attributes: attrs, ...rest } = overrides;
  return {
    userPrincipalName: upn,
    accountEnabled: true,
    attributes: attributes(upn, attrs),
    roles: [],
    licenses: [],
    ...rest,
    directory: {
      id: `00000000-0000-4000-8000-${String(nextId++).padStart(12, '0')}`,
      managed: true,
      deletedAt: null,
      updatedAt: '2026-01-01T00:00:00.000Z',
      updatedBy: null,
      passwordResetToken: null,
      passwordSetAt: null,
      passwordExpiresAt: null,
      forceChangePassword: false,
      passwordTemporary: false,
      ...directory,
    },
  };
}

export function state(...users: User[]): TenantState {
  return { users: new Map(users.map((u) => [userKey(u.userPrincipalName), u])) };
}

export function subscription(sku: string, seats: number, unitPrice: number, servicePlans: string[] = ['EXCHANGE', 'SWAY']): Subscription {
  return { sku, productName: `Product ${sku}`, seats, consumed: 0, unitPrice, currency: 'USD', purchasable: true, servicePlans };
}

export function catalog(subscriptions: Subscription[] = [subscription('ENTERPRISEPACK', 2, 20), subscription('STANDARDPACK', 5, 8)]): Catalog {
  return {
    domains: [
      { name: 'contoso.com', verified: true, isDefault: true },
      { name: 'contoso.onmicrosoft.com', verified: true, isDefault: false },
    ],
    subscriptions,
    roles: BUILTIN_ROLES,
  };
}

export function settings(overrides: Partial<Settings> = {}): Settings {
  return { ...DEFAULT_SETTINGS, adminEmail: 'admin@contoso.com', ...overrides };
}

/** A Global administrator present on both sides, so the lockout guard stays quiet. */
export const admin = {
  desired: desiredUser('admin@contoso.com', { roles: [GA] }),
  current: currentUser('admin@contoso.com', { roles: [GA] }),
};
