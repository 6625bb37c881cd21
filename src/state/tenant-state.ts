/**
 * The directory as tenantctl sees it. Desired state (from YAML) and current
 * state (from the database) are both a `TenantState`: the planner compares two
 * values of one type and never knows where a value came from.
 */

/** Graph attributes a configuration can set, besides the UPN (the key). */
export const USER_ATTRIBUTES = [
  'displayName',
  'givenName',
  'surname',
  'mailNickname',
  'jobTitle',
  'department',
  'mobilePhone',
  'businessPhones',
  'streetAddress',
  'city',
  'state',
  'postalCode',
  'country',
  'usageLocation',
  'passwordPolicies',
] as const;

export type UserAttributeName = (typeof USER_ATTRIBUTES)[number];

/**
 * Optional text attributes are `null` when unset, never `undefined` or '', so
 * that "not set" compares equal on both sides. `businessPhones` has at most one
 * entry; `usageLocation` is upper case.
 */
export interface UserAttributes {
  readonly displayName: string;
  readonly givenName: string | null;
  readonly surname: string | null;
  readonly mailNickname: string;
  readonly jobTitle: string | null;
  readonly department: string | null;
  readonly mobilePhone: string | null;
  readonly businessPhones: readonly string[];
  readonly streetAddress: string | null;
  readonly city: string | null;
  readonly state: string | null;
  readonly postalCode: string | null;
  readonly country: string | null;
  readonly usageLocation: string | null;
  /**
   * Graph's `passwordPolicies`: absent (never null) when the user's passwords
   * expire, the default, so that the attributes of every user without it, and
   * the plans, fingerprints and exports made of them, are what they were
   * before tenantctl knew it. `DisableStrongPassword` is never a value: the
   * strong-password rules are not optional here.
   */
  readonly passwordPolicies?: PasswordPolicies;
}

/** The one user-level password policy tenantctl lets a configuration set. */
export const DISABLE_PASSWORD_EXPIRATION = 'DisablePasswordExpiration';
export type PasswordPolicies = typeof DISABLE_PASSWORD_EXPIRATION;

/** A license of one subscription; `disabledPlans` sorted and unique. */
export interface LicenseAssignment {
  readonly sku: string;
  readonly disabledPlans: readonly string[];
}

/**
 * How the first (or a reset) temporary password is obtained. Never the password
 * itself: `fromEnv` names a variable read only when the apply runs.
 */
export interface PasswordPolicy {
  readonly source: { readonly kind: 'generate' } | { readonly kind: 'env'; readonly variable: string };
  readonly forceChangePasswordNextSignIn: boolean;
  /**
   * An explicit reset request (any string, e.g. a date). A value that differs
   * from the one last applied resets the password; `null` never does.
   */
  readonly resetToken: string | null;
}

/** What the database knows about a user that a configuration never states. */
export interface DirectoryRecord {
  readonly id: string;
  /** Created or adopted by tenantctl; unmanaged users are never changed or deleted. */
  readonly managed: boolean;
  /** ISO time of the soft deletion, or null. */
  readonly deletedAt: string | null;
  readonly updatedAt: string;
  readonly updatedBy: string | null;
  /** The reset token the password was last set with (see PasswordPolicy). */
  readonly passwordResetToken: string | null;
  readonly passwordSetAt: string | null;
  readonly passwordExpiresAt: string | null;
  readonly forceChangePassword: boolean;
  /**
   * The password is still the temporary one tenantctl set (at creation or on
   * a reset): the user has not chosen their own yet.
   */
  readonly passwordTemporary: boolean;
}

/**
 * One user. `roles` holds role template ids, sorted; `licenses` is sorted by
 * sku with one entry per sku. Desired users carry `password` and `notify`;
 * current users carry `directory`.
 */
export interface User {
  readonly userPrincipalName: string;
  readonly accountEnabled: boolean;
  readonly attributes: UserAttributes;
  readonly roles: readonly string[];
  readonly licenses: readonly LicenseAssignment[];
  readonly password?: PasswordPolicy;
  /** Who receives the credentials of a new user (at most five addresses). */
  readonly notify?: readonly string[];
  /** Desired users only: the UPN the account had before (`renamedFrom`). */
  readonly renamedFrom?: string;
  readonly directory?: DirectoryRecord;
}

/**
 * Users keyed by lower-cased UPN (UPNs compare case-insensitively); the key
 * set is unique by construction.
 */
export interface TenantState {
  readonly users: ReadonlyMap<string, User>;
  /**
   * Current state only: the UPN changes made outside tenantctl (other_writes)
   * to accounts not deleted, by account id, oldest first. Absent when there
   * are none.
   */
  readonly outsideRenames?: ReadonlyMap<string, readonly OutsideRename[]>;
  /**
   * Current state only: the UPNs each account had before the one it has now,
   * by account id, oldest first, each once (case aside), whoever renamed it
   * (migration 0031). Exchange keeps each as an alias of the mailbox: mail
   * to it reaches the account. Absent when there are none.
   */
  readonly formerNames?: ReadonlyMap<string, readonly string[]>;
  /**
   * Current state only: every recipient (lower-cased) of a temporary password
   * queued and not delivered yet, whatever the configuration says now:
   * deliver sends it there (migration 0033). Absent when there are none.
   */
  readonly queuedRecipients?: ReadonlySet<string>;
  /**
   * Current state only: every settings.adminEmail an apply recorded
   * (lower-cased), the one in force included. Each such mailbox holds the
   * copies of the temporary passwords sent while it was the one, whatever the
   * configuration says now. Absent when none was.
   */
  readonly recordedAdminEmails?: ReadonlySet<string>;
  /**
   * Current state only: by account id, the latest change of each way into
   * the account made while it held no admin role, so with no approval, since
   * it last held one (migration 0034). Absent when there are none.
   */
  readonly unapprovedWaysIn?: ReadonlyMap<string, readonly UnapprovedWayIn[]>;
}

/**
 * A way into an account: its creation (its first password), its password,
 * the phones a self-service reset sends its code to, sign-in itself.
 */
export const WAY_IN_NAMES = ['created', 'password', 'mobilePhone', 'businessPhones', 'signIn'] as const;
export type WayIn = (typeof WAY_IN_NAMES)[number];
export const isWayIn = (way: string): way is WayIn => (WAY_IN_NAMES as readonly string[]).includes(way);

/** One way into an account changed while it held no admin role, as the database recorded it. */
export interface UnapprovedWayIn {
  readonly way: WayIn;
  /** The apply that changed it, or null: changed outside tenantctl. */
  readonly applyId: number | null;
  /** ISO time of the change. */
  readonly at: string;
  /** A creation's or a password's: where apply queued its temporary password (none outside tenantctl). */
  readonly recipients: readonly string[];
  /** With the recipients: the fromEnv variable that password came from ('' a name not shown), null generated (migration 0035). */
  readonly passwordFrom?: string | null;
}

/** One UPN change written outside tenantctl, as the database recorded it. */
export interface OutsideRename {
  readonly from: string;
  readonly to: string;
  /** ISO time of the write. */
  readonly at: string;
  /** The login that wrote it (session_user). */
  readonly databaseRole: string;
}

export function userKey(userPrincipalName: string): string {
  return userPrincipalName.toLowerCase();
}

/**
 * A deleted user (in the recycle bin, or past it and not yet purged) that
 * still holds licences. tenantctl releases a user's licences when it deletes
 * it, so these were assigned outside it; each still takes a seat. The
 * planner counts them, and drift reports them.
 */
export const holdsLicencesWhileDeleted = (user: User | undefined): user is User =>
  user !== undefined && Boolean(user.directory?.deletedAt) && user.licenses.length > 0;
