/**
 * The configuration as written, as the semantic rules see it: what the JSON
 * Schema could not read has been left out (readable-config.ts), so values
 * have these types (schemas/tenant.schema.json is the authority on shape;
 * these types mirror it).
 */
export interface RawPassword {
  readonly generate?: boolean;
  readonly fromEnv?: string;
  readonly forceChangePasswordNextSignIn?: boolean;
  readonly reset?: string | number;
}

export type RawLicense = string | { readonly sku: string; readonly disabledPlans?: readonly string[] };

export interface RawUser {
  readonly userPrincipalName: string;
  readonly displayName: string;
  readonly givenName?: string;
  readonly surname?: string;
  readonly mailNickname?: string;
  readonly accountEnabled?: boolean;
  readonly jobTitle?: string;
  readonly department?: string;
  readonly mobilePhone?: string;
  readonly businessPhones?: readonly string[];
  readonly streetAddress?: string;
  readonly city?: string;
  readonly state?: string;
  readonly postalCode?: string;
  readonly country?: string;
  readonly usageLocation?: string;
  /** Graph's passwordPolicies: only `DisablePasswordExpiration` passes the schema. */
  readonly passwordPolicies?: string;
  readonly password?: RawPassword;
  readonly notify?: readonly string[] | string;
  readonly roles?: readonly string[];
  readonly licenses?: readonly RawLicense[];
  /** The UPN the user had before: renamed in place, keeping the account. */
  readonly renamedFrom?: string;
}

export type RawDefaults = Partial<Omit<RawUser, 'userPrincipalName' | 'displayName' | 'givenName' | 'surname' | 'mailNickname' | 'mobilePhone' | 'passwordPolicies' | 'roles' | 'renamedFrom'>>;

export interface RawSettings {
  readonly minGlobalAdmins?: number;
  readonly adminEmail?: string;
  readonly maxDeletions?: number;
  readonly maxDeletionPercent?: number;
  readonly maxSeats?: Readonly<Record<string, number>>;
  readonly maxMonthlyPurchaseCost?: number;
  readonly spareSeats?: Readonly<Record<string, number>>;
  readonly maxGlobalAdmins?: number;
}

export interface RawConfig {
  readonly defaults?: RawDefaults;
  readonly settings?: RawSettings;
  readonly users?: readonly RawUser[];
}
