// Plan documents for the renderer tests, made by the real planner from
// hand-made desired and current states, so the golden files show what users
// will see.
import { createHash } from 'node:crypto';
import { BUILTIN_ROLES } from '../../src/catalog/builtin-roles.js';
import { GLOBAL_ADMINISTRATOR, type Catalog, type Subscription } from '../../src/catalog/catalog.js';
import { computePlan } from '../../src/plan/compute-plan.js';
import { toPlanDocument, type PlanDocument } from '../../src/plan/plan-document.js';
import { DEFAULT_SETTINGS, type Settings } from '../../src/state/settings.js';
import type { DirectoryRecord, LicenseAssignment, PasswordPolicy, TenantState, User, UserAttributes } from '../../src/state/tenant-state.js';

const BILLING_ADMINISTRATOR = 'b0f54661-2d74-4c50-afa3-1ec803f12efe';
const EXCHANGE_ADMINISTRATOR = '29232cdf-9323-42fd-ade2-1d097af3e4de';
const PASSWORD_ADMINISTRATOR = '729827e3-9c14-49f7-bb1b-9608f156bbb8';

const subscription = (sku: string, productName: string, seats: number, unitPrice: number, servicePlans: string[]): Subscription => ({
  sku,
  productName,
  seats,
  consumed: 0,
  unitPrice,
  currency: 'USD',
  purchasable: true,
  servicePlans,
});

export const CATALOG: Catalog = {
  domains: [
    { name: 'contoso.com', verified: true, isDefault: true },
    { name: 'contoso.onmicrosoft.com', verified: true, isDefault: false },
  ],
  subscriptions: [
    subscription('ENTERPRISEPACK', 'Office 365 Enterprise E3', 2, 20, [
      'EXCHANGE_S_ENTERPRISE',
      'SHAREPOINTENTERPRISE',
      'SHAREPOINTWAC',
      'MCOSTANDARD',
      'OFFICESUBSCRIPTION',
      'RMS_S_ENTERPRISE',
      'YAMMER_ENTERPRISE',
      'SWAY',
    ]),
    subscription('STANDARDPACK', 'Office 365 Enterprise E1', 5, 8, ['EXCHANGE_S_STANDARD', 'SHAREPOINTSTANDARD', 'SHAREPOINTWAC', 'MCOSTANDARD', 'YAMMER_ENTERPRISE', 'SWAY']),
    subscription('VISIOCLIENT', 'Visio Pro for Office 365', 2, 15, ['VISIO_CLIENT_SUBSCRIPTION', 'VISIOONLINE']),
  ],
  roles: BUILTIN_ROLES,
};

/** A sha256-shaped constant: the configuration hash is not what these tests are about. */
/** The planning time of every scenario, so dates in plans are fixed. */
export const NOW = new Date('2026-12-01T12:00:00.000Z');

export const CONFIG_HASH = `sha256:${'c0ffee'.repeat(10)}0123`;

export function attributes(userPrincipalName: string, values: Partial<UserAttributes> & { displayName: string }): UserAttributes {
  return {
    givenName: null,
    surname: null,
    mailNickname: userPrincipalName.split('@')[0] ?? userPrincipalName,
    jobTitle: null,
    department: null,
    mobilePhone: null,
    businessPhones: [],
    streetAddress: null,
    city: null,
    state: null,
    postalCode: null,
    country: null,
    usageLocation: null,
    ...values,
  };
}

interface UserShape {
  readonly accountEnabled?: boolean;
  readonly roles?: readonly string[];
  readonly licenses?: readonly LicenseAssignment[];
}

/** A user as the configuration declares it. */
export function declared(
  userPrincipalName: string,
  values: Partial<UserAttributes> & { displayName: string },
  shape: UserShape & { readonly password?: Partial<PasswordPolicy>; readonly notify?: readonly string[]; readonly renamedFrom?: string } = {},
): User {
  return {
    userPrincipalName,
    accountEnabled: shape.accountEnabled ?? true,
    attributes: attributes(userPrincipalName, values),
    roles: [...(shape.roles ?? [])].sort(),
    licenses: shape.licenses ?? [],
    password: { source: { kind: 'generate' }, forceChangePasswordNextSignIn: true, resetToken: null, ...shape.password },
    notify: shape.notify ?? [],
    ...(shape.renamedFrom ? { renamedFrom: shape.renamedFrom } : {}),
  };
}

/** A stable directory id per user, so golden files do not depend on test order. */
function directoryId(userPrincipalName: string): string {
  const hex = createHash('sha256').update(userPrincipalName).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** A user as the database holds it. */
export function existing(
  userPrincipalName: string,
  values: Partial<UserAttributes> & { displayName: string },
  shape: UserShape & { readonly directory?: Partial<DirectoryRecord> } = {},
): User {
  return {
    userPrincipalName,
    accountEnabled: shape.accountEnabled ?? true,
    attributes: attributes(userPrincipalName, values),
    roles: [...(shape.roles ?? [])].sort(),
    licenses: shape.licenses ?? [],
    directory: {
      id: directoryId(userPrincipalName),
      managed: true,
      deletedAt: null,
      updatedAt: '2016-04-01T09:00:00.000Z',
      updatedBy: 'tenantctl',
      passwordResetToken: null,
      passwordSetAt: '2016-04-01T09:00:00.000Z',
      passwordExpiresAt: '2016-06-30T09:00:00.000Z',
      forceChangePassword: false,
      passwordTemporary: false,
      ...shape.directory,
    },
  };
}

export const state = (users: readonly User[]): TenantState => ({
  users: new Map(users.map((user) => [user.userPrincipalName.toLowerCase(), user])),
});

export const license = (sku: string, disabledPlans: string[] = []): LicenseAssignment => ({ sku, disabledPlans });

interface ScenarioInput {
  readonly desired: readonly User[];
  readonly current: readonly User[];
  readonly settings?: Settings;
  readonly catalog?: Catalog;
  /** The settings the latest apply recorded; none by default. */
  readonly applied?: Settings | null;
}

/** The plan document the CLI would show, with a fixed origin; fails on a plan the planner refuses. */
export function planDocument({ desired, current, settings = DEFAULT_SETTINGS, catalog = CATALOG, applied = null }: ScenarioInput): PlanDocument {
  const { plan, problems } = computePlan({ desired: state(desired), current: state(current), catalog, settings, applied, now: NOW });
  if (problems.length > 0) throw new Error(`the planner refused the scenario:\n${problems.map((p) => p.message).join('\n')}`);
  return toPlanDocument(plan, {
    tenantctlVersion: '0.1.0',
    configHash: CONFIG_HASH,
    fingerprint: { catalog: 'x', users: {} },
    settings,
  });
}

export const admin = () =>
  existing('admin@contoso.com', { displayName: 'Tenant Admin' }, { roles: [GLOBAL_ADMINISTRATOR] });
export const adminDeclared = () => declared('admin@contoso.com', { displayName: 'Tenant Admin' }, { roles: [GLOBAL_ADMINISTRATOR] });

/** Two new users in a tenant with free seats: no purchase, no warning. */
export function createOnly(): PlanDocument {
  return planDocument({
    current: [admin()],
    desired: [
      adminDeclared(),
      declared(
        'joep@contoso.com',
        {
          displayName: 'Joep de Vries',
          givenName: 'Joep',
          surname: 'de Vries',
          jobTitle: 'Sales Lead',
          department: 'Sales',
          mobilePhone: '+31 6 1234 5678',
          businessPhones: ['+31 20 555 0100'],
          streetAddress: 'Herengracht 1',
          city: 'Amsterdam',
          postalCode: '1015 BA',
          country: 'Netherlands',
          usageLocation: 'NL',
        },
        {
          licenses: [license('ENTERPRISEPACK', ['SWAY'])],
          password: { source: { kind: 'env', variable: 'JOEP_INITIAL_PASSWORD' } },
          notify: ['joep.private@example.org'],
        },
      ),
      declared(
        'sanne@contoso.com',
        { displayName: 'Sanne Bakker', givenName: 'Sanne', surname: 'Bakker', usageLocation: 'NL' },
        { licenses: [license('STANDARDPACK')], notify: ['it-desk@contoso.com'] },
      ),
    ],
  });
}

const OLD_ADDRESS = 'Keizersgracht 123, 2nd floor (reception on the ground floor)\n1015 CJ Amsterdam\nThe Netherlands';
const NEW_ADDRESS = 'Herengracht 500, 4th floor (ask for the sales department)\n1017 CB Amsterdam\nThe Netherlands';

/**
 * Every kind of change at once: creates (one bought seat short), an update with
 * a multi-line address, a deletion over the threshold, a Global administrator
 * grant, a block, license changes, an adoption, a restore, a password reset,
 * a rename, and a user deleted more than 30 days ago declared again (purged
 * and created anew). Nina, blocked, holds an E3 seat the purchase could reclaim.
 */
export function mixed(): PlanDocument {
  const settings: Settings = { ...DEFAULT_SETTINGS, maxDeletionPercent: 5, adminEmail: 'it-desk@contoso.com' };
  const current = [
    admin(),
    existing(
      'anna@contoso.com',
      { displayName: 'Anna Jansen', jobTitle: 'Sales Lead', department: 'Sales', streetAddress: OLD_ADDRESS, usageLocation: 'NL' },
      { licenses: [license('ENTERPRISEPACK')] },
    ),
    existing('bob@contoso.com', { displayName: 'Bob Smit', jobTitle: 'Engineer', usageLocation: 'NL' }),
    existing('carol@contoso.com', { displayName: 'Carol de Wit', usageLocation: 'NL' }, { licenses: [license('VISIOCLIENT')] }),
    existing('dave@contoso.com', { displayName: 'Dave Visser', usageLocation: 'NL' }, { licenses: [license('STANDARDPACK')] }),
    existing('erik@contoso.com', { displayName: 'Erik Mulder', mobilePhone: '+31 6 0000 0000' }, { directory: { managed: false, updatedBy: null } }),
    existing(
      'fatima@contoso.com',
      { displayName: 'Fatima el Amrani', usageLocation: 'NL' },
      { directory: { deletedAt: '2026-11-20T12:00:00.000Z' } },
    ),
    existing('gert@contoso.com', { displayName: 'Gert Bos' }),
    existing('harry@contoso.com', { displayName: 'Harry de Groot' }, { accountEnabled: false }),
    existing('nina@contoso.com', { displayName: 'Nina Vos', usageLocation: 'NL' }, { accountEnabled: false, licenses: [license('ENTERPRISEPACK')] }),
    existing('kees.devries@contoso.com', { displayName: 'Kees Jansen', usageLocation: 'NL' }, { licenses: [license('STANDARDPACK')] }),
    existing('mila@contoso.com', { displayName: 'Mila Kok' }, { directory: { deletedAt: '2026-09-01T08:00:00.000Z' } }),
    existing('ivo@contoso.com', { displayName: 'Ivo Smits' }, { roles: [EXCHANGE_ADMINISTRATOR, BILLING_ADMINISTRATOR] }),
    existing('guest.one@contoso.com', { displayName: 'Guest One' }, { directory: { managed: false, updatedBy: null } }),
    existing('printer@contoso.com', { displayName: 'Printer' }, { directory: { managed: false, updatedBy: null } }),
    existing('scanner@contoso.com', { displayName: 'Scanner' }, { directory: { managed: false, updatedBy: null } }),
  ];
  const desired = [
    adminDeclared(),
    declared(
      'anna@contoso.com',
      { displayName: 'Anna Jansen', jobTitle: 'Head of Sales', streetAddress: NEW_ADDRESS, usageLocation: 'NL' },
      { licenses: [license('ENTERPRISEPACK', ['SWAY'])] },
    ),
    declared('bob@contoso.com', { displayName: 'Bob Smit', jobTitle: 'Engineer', department: 'IT', usageLocation: 'NL' }, { roles: [GLOBAL_ADMINISTRATOR] }),
    declared('carol@contoso.com', { displayName: 'Carol de Wit', usageLocation: 'NL' }, { accountEnabled: false }),
    declared('erik@contoso.com', { displayName: 'Erik Mulder', mobilePhone: '+31 6 1111 2222' }),
    declared('fatima@contoso.com', { displayName: 'Fatima el Amrani', usageLocation: 'NL' }, { licenses: [license('ENTERPRISEPACK')] }),
    declared('gert@contoso.com', { displayName: 'Gert Bos' }, { password: { resetToken: '2016-05-02' }, notify: ['gert.bos@example.org'] }),
    declared('harry@contoso.com', { displayName: 'Harry de Groot' }),
    declared('nina@contoso.com', { displayName: 'Nina Vos', usageLocation: 'NL' }, { accountEnabled: false, licenses: [license('ENTERPRISEPACK')] }),
    declared('kees.jansen@contoso.com', { displayName: 'Kees Jansen', usageLocation: 'NL' }, { licenses: [license('STANDARDPACK')], renamedFrom: 'kees.devries@contoso.com' }),
    declared('mila@contoso.com', { displayName: 'Mila Kok' }, { notify: ['mila.kok@example.org'] }),
    declared('ivo@contoso.com', { displayName: 'Ivo Smits' }, { roles: [BILLING_ADMINISTRATOR] }),
    declared(
      'joep@contoso.com',
      { displayName: 'Joep de Vries', givenName: 'Joep', surname: 'de Vries', jobTitle: 'Sales Lead', usageLocation: 'NL' },
      {
        roles: [BILLING_ADMINISTRATOR],
        licenses: [license('ENTERPRISEPACK', ['SWAY'])],
        password: { source: { kind: 'env', variable: 'JOEP_INITIAL_PASSWORD' } },
        notify: ['joep.private@example.org'],
      },
    ),
    declared('lisa@contoso.com', { displayName: 'Lisa Peters', usageLocation: 'NL' }, { licenses: [license('ENTERPRISEPACK')] }),
  ];
  return planDocument({ current, desired, settings });
}

/** The configuration describes the tenant exactly; one account nobody manages. */
export function noChanges(): PlanDocument {
  return planDocument({
    current: [
      admin(),
      existing('joep@contoso.com', { displayName: 'Joep de Vries', usageLocation: 'NL' }, { licenses: [license('ENTERPRISEPACK')] }),
      existing('printer@contoso.com', { displayName: 'Printer' }, { directory: { managed: false, updatedBy: null } }),
    ],
    desired: [adminDeclared(), declared('joep@contoso.com', { displayName: 'Joep de Vries', usageLocation: 'NL' }, { licenses: [license('ENTERPRISEPACK')] })],
  });
}

/**
 * passwordPolicies set on an existing user, cleared on another (left out of
 * the configuration), and on a new break-glass account; a user without it,
 * unchanged, shows none.
 */
export function passwordPolicies(): PlanDocument {
  const never = { passwordPolicies: 'DisablePasswordExpiration' } as const;
  return planDocument({
    current: [
      admin(),
      existing('emergency@contoso.onmicrosoft.com', { displayName: 'Emergency access' }, { roles: [GLOBAL_ADMINISTRATOR] }),
      existing('joep@contoso.com', { displayName: 'Joep de Vries', ...never }),
      existing('sanne@contoso.com', { displayName: 'Sanne Bakker', jobTitle: 'Sales' }),
    ],
    desired: [
      adminDeclared(),
      declared('emergency@contoso.onmicrosoft.com', { displayName: 'Emergency access', ...never }, { roles: [GLOBAL_ADMINISTRATOR] }),
      declared('joep@contoso.com', { displayName: 'Joep de Vries' }),
      declared('sanne@contoso.com', { displayName: 'Sanne Bakker', jobTitle: 'Sales Lead' }),
      declared('breakglass@contoso.onmicrosoft.com', { displayName: 'Break-glass administrator', ...never }, { roles: [GLOBAL_ADMINISTRATOR], notify: ['security@contoso.com'] }),
    ],
  });
}

/** No changes; four accounts nobody manages, two of them admins (one a Global administrator). */
export function unmanagedAdmins(): PlanDocument {
  const unmanaged = { directory: { managed: false, updatedBy: null } };
  return planDocument({
    current: [
      admin(),
      existing('helpdesk@contoso.com', { displayName: 'Helpdesk' }, { ...unmanaged, roles: [PASSWORD_ADMINISTRATOR, BILLING_ADMINISTRATOR] }),
      existing('printer@contoso.com', { displayName: 'Printer' }, unmanaged),
      existing('root@contoso.com', { displayName: 'Root' }, { ...unmanaged, roles: [GLOBAL_ADMINISTRATOR] }),
      existing('scanner@contoso.com', { displayName: 'Scanner' }, unmanaged),
    ],
    desired: [adminDeclared()],
  });
}

/** A new user whose display name tries to break out of the markdown and the terminal. */
export function hostileNames(): PlanDocument {
  return planDocument({
    current: [admin()],
    desired: [
      adminDeclared(),
      declared(
        'mallory@contoso.com',
        {
          displayName: 'Mallory </details> | `oops` <script>alert(1)</script> \u001b[31mred',
          jobTitle: '```\n</details>\n| a | b |',
          department: '**bold** [link](https://example.org) @octocat',
        },
        { notify: ['it-desk@contoso.com'] },
      ),
    ],
  });
}

/** 2,000 new users (and the seats they need): far too many for one comment. */
export function large(count = 2000): PlanDocument {
  const desired = [adminDeclared()];
  for (let i = 1; i <= count; i++) {
    const n = String(i).padStart(4, '0');
    desired.push(
      declared(
        `user${n}@contoso.com`,
        { displayName: `User ${n}`, givenName: 'User', surname: n, department: 'Operations', usageLocation: 'NL' },
        { licenses: [license('STANDARDPACK')], notify: ['it-desk@contoso.com'] },
      ),
    );
  }
  return planDocument({ current: [admin()], desired });
}

/**
 * A plan of `count` users in which what needs approval sorts last by name:
 * two Global administrators deleted (`zz-admin…`), one granted
 * (`zz-grant…`), `count` updates to ordinary users and a purchase.
 */
export function hugeWithApprovals(count = 5000): PlanDocument {
  const current = [admin(), existing('zz-admin1@contoso.com', { displayName: 'Old Admin 1' }, { roles: [GLOBAL_ADMINISTRATOR] })];
  current.push(existing('zz-admin2@contoso.com', { displayName: 'Old Admin 2' }, { roles: [GLOBAL_ADMINISTRATOR] }));
  current.push(existing('zz-grant@contoso.com', { displayName: 'New Admin' }));
  const desired = [adminDeclared(), declared('zz-grant@contoso.com', { displayName: 'New Admin' }, { roles: [GLOBAL_ADMINISTRATOR] })];
  desired.push(declared('zz-buyer@contoso.com', { displayName: 'Buyer', usageLocation: 'NL' }, { licenses: [license('VISIOCLIENT')], notify: ['it-desk@contoso.com'] }));
  for (let i = 1; i <= count; i++) {
    const upn = `user${String(i).padStart(5, '0')}@contoso.com`;
    current.push(existing(upn, { displayName: `User ${i}`, jobTitle: 'Clerk' }));
    desired.push(declared(upn, { displayName: `User ${i}`, jobTitle: 'Senior clerk', department: 'Operations' }));
  }
  const catalog = { ...CATALOG, subscriptions: CATALOG.subscriptions.map((s) => (s.sku === 'VISIOCLIENT' ? { ...s, seats: 0 } : s)) };
  return planDocument({ current, desired, catalog });
}
