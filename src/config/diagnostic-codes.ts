/**
 * Every code the configuration stage reports (and PLAN_REFUSED, the
 * planner's refusals located in the configuration), with its severity and meaning.
 * Codes are stable: pipelines match on them. docs/diagnostics.md documents
 * each with an example; test/config checks that the two agree, that every
 * code the stage's source emits is listed here, and that each has a file in
 * examples/invalid/ that produces it.
 */
export interface DiagnosticCodeInfo {
  readonly code: string;
  /** 'error' fails validate, plan and apply; a warning never fails. */
  readonly severity: 'error' | 'warning' | 'warning at validate and plan, error at apply';
  readonly meaning: string;
}

export const CONFIG_DIAGNOSTIC_CODES: readonly DiagnosticCodeInfo[] = [
  { code: 'CONFIG_NOT_FOUND', severity: 'error', meaning: 'A path given with -c (or init --catalog) does not exist (or no -c was given).' },
  { code: 'CONFIG_GIVEN_TWICE', severity: 'warning', meaning: 'The same file or directory is reached twice: given twice with -c, a file given with -c is also in a directory given with -c, or a symbolic link leads to a file or directory read already. It is read once.' },
  { code: 'CONFIG_UNREADABLE', severity: 'error', meaning: 'A file or directory given with -c cannot be read (permissions).' },
  { code: 'CONFIG_LINK_OUTSIDE', severity: 'error', meaning: 'A YAML file in a `-c` directory is a symbolic link to a file outside the repository (the git work tree, else the directory) or inside its `.git` folder, or a `-c` path in a git work tree leads through a link out of it or into its `.git`.' },
  {
    code: 'CONFIG_LINK_NOT_YAML',
    severity: 'error',
    meaning:
      'A YAML file in a `-c` directory, or a `-c` path in a git work tree, is a symbolic link to a file of the repository without a .yaml or .yml name (`.env`, a key a CI step wrote into the work tree): it is not read.',
  },
  {
    code: 'CONFIG_NOT_A_FILE',
    severity: 'error',
    meaning: 'A path given with -c (or --catalog) is a device, a named pipe (FIFO) or a socket: only regular files are read. init --catalog also refuses a directory: a catalog is one file.',
  },
  {
    code: 'CONFIG_TOO_LARGE',
    severity: 'error',
    meaning:
      'A file is larger than 64 MiB, has more than 8,000,000 line breaks, a mapping of more than 10,000 keys (located at the 10,001st) or a key of more than 1,024 characters (located at it), or the files of one configuration are larger than 256 MiB or hold more than 10,000,000 values together (README, "Limits on input").',
  },
  {
    code: 'CONFIG_SUBFOLDER_NOT_READ',
    severity: 'warning',
    meaning:
      'A subfolder of a directory given with -c holds .yaml or .yml files, which that -c does not read (a directory contributes only its own files): users declared only there count as undeclared, and those tenantctl manages are planned for deletion. Give the folder with its own -c. Hidden folders and node_modules are not looked into.',
  },
  {
    code: 'CONFIG_FILE_NOT_READ',
    severity: 'warning',
    meaning:
      'A file in a directory given with -c has a YAML name but for the case of its extension (`users.YAML`, `sales.Yml`), which that -c does not read (only `*.yaml` and `*.yml`): users declared only there count as undeclared, and those tenantctl manages are planned for deletion. Rename it.',
  },
  { code: 'CONFIG_NO_FILES', severity: 'error', meaning: 'A directory given with -c holds no .yaml or .yml file (catalog.yaml does not count).' },
  { code: 'CONFIG_SECTION_TWICE', severity: 'error', meaning: '`defaults` or `settings` is declared in more than one file.' },
  { code: 'YAML_NOT_UTF8', severity: 'error', meaning: 'The file is not UTF-8 text.' },
  { code: 'YAML_SYNTAX', severity: 'error', meaning: 'The YAML cannot be parsed (indentation, quotes, brackets).' },
  { code: 'YAML_TAB_INDENT', severity: 'error', meaning: 'A tab is used for indentation; YAML allows only spaces.' },
  { code: 'YAML_DUPLICATE_KEY', severity: 'error', meaning: 'A key appears twice in one mapping.' },
  { code: 'YAML_MULTIPLE_DOCUMENTS', severity: 'error', meaning: 'The file holds more than one YAML document (`---`).' },
  { code: 'YAML_UNKNOWN_TAG', severity: 'error', meaning: 'A `!tag` is used, or one of YAML 1.1\'s tags for a date, binary data, a set, ... (`!!timestamp`, `!!binary`, `!!set`, `!!omap`, `!!pairs`); only plain YAML values are read.' },
  { code: 'YAML_VERSION', severity: 'error', meaning: 'A `%YAML` directive asks for a version other than 1.2.' },
  { code: 'YAML_EMPTY', severity: 'error', meaning: 'The file is empty or holds only comments.' },
  { code: 'YAML_NOT_MAPPING', severity: 'error', meaning: 'The top level of the file is not a mapping (`users:`, `defaults:`, `settings:`).' },
  { code: 'YAML_ALIAS_LIMIT', severity: 'error', meaning: 'Aliases expand to far more values or text than the file writes ("billion laughs", one long value repeated), or into a cycle.' },
  { code: 'SCHEMA_UNKNOWN_FIELD', severity: 'error', meaning: 'A field the schema does not know, often a misspelling; the closest field is suggested.' },
  { code: 'SCHEMA_REQUIRED', severity: 'error', meaning: 'A required field is missing (`userPrincipalName`, `displayName`, a license\'s `sku`).' },
  { code: 'SCHEMA_TYPE', severity: 'error', meaning: 'A value has the wrong type (text, number, true/false, list, mapping).' },
  { code: 'SCHEMA_LENGTH', severity: 'error', meaning: 'A text or list is longer (or shorter) than Microsoft Graph allows.' },
  { code: 'SCHEMA_FORMAT', severity: 'error', meaning: 'A value does not have the required form (an email address, a variable name, a part number).' },
  { code: 'SCHEMA_RANGE', severity: 'error', meaning: 'A number is outside its allowed range.' },
  { code: 'SCHEMA_INVALID', severity: 'error', meaning: 'Any other schema rule (none of the current schema\'s rules reports it; kept for future ones).' },
  {
    code: 'SCHEMA_VALUE_TOO_LARGE',
    severity: 'error',
    meaning: 'A user, a top-level section or the top level holds more than 10,000 values (keys, list items, scalars): the file is not checked further.',
  },
  {
    code: 'SCHEMA_CHECK_STOPPED',
    severity: 'error',
    meaning: 'The schema check of a file stopped after more than 10,000 problems; its later users were not checked.',
  },
  {
    code: 'TEXT_NOT_STORABLE',
    severity: 'error',
    meaning: 'A text holds what the database cannot store: a NUL character (`"\\0"`) or half of a character (a lone surrogate such as `"\\uDC00"`).',
  },
  { code: 'PHOTO_NOT_ALLOWED', severity: 'error', meaning: 'A photo field (`photo`, `thumbnailPhoto`, `picture`, `avatar`, ...): admins cannot set users\' photos.' },
  {
    code: 'STRONG_PASSWORD_REQUIRED',
    severity: 'error',
    meaning: "passwordPolicies asks for Microsoft Graph's `DisableStrongPassword` (alone or with `DisablePasswordExpiration`): the strong-password rules apply to every user; only `DisablePasswordExpiration` may be set.",
  },
  { code: 'PASSWORD_IN_CONFIG', severity: 'error', meaning: 'A password is written in the configuration (`password: "..."`, `password: {value: ...}`, ...).' },
  { code: 'BUSINESS_PHONES_TOO_MANY', severity: 'error', meaning: 'More than one business phone.' },
  { code: 'UPN_INVALID', severity: 'error', meaning: 'The userPrincipalName breaks the syntax or length rules.' },
  { code: 'UPN_UNKNOWN_DOMAIN', severity: 'error', meaning: 'The UPN\'s domain is not a verified domain of the tenant (needs the catalog).' },
  { code: 'UPN_DUPLICATE', severity: 'error', meaning: 'A UPN is declared twice, ignoring case; both places are named.' },
  { code: 'USAGE_LOCATION_INVALID', severity: 'error', meaning: 'usageLocation is not an ISO 3166-1 alpha-2 country code.' },
  { code: 'USAGE_LOCATION_REQUIRED', severity: 'error', meaning: 'A user with licenses has no usageLocation (its own or from defaults).' },
  { code: 'LICENSE_UNKNOWN_SKU', severity: 'error', meaning: 'The tenant has no subscription with this part number, in a licence or in settings.maxSeats or spareSeats (needs the catalog).' },
  { code: 'LICENSE_UNKNOWN_PLAN', severity: 'error', meaning: 'A disabled plan that no subscription of the tenant has (needs the catalog).' },
  { code: 'LICENSE_PLAN_NOT_IN_SKU', severity: 'error', meaning: 'A disabled plan that belongs to another subscription (needs the catalog).' },
  { code: 'LICENSE_DUPLICATE', severity: 'error', meaning: 'A subscription is listed twice for one user (or in defaults); Entra: UniquenessViolation.' },
  { code: 'LICENSE_CONFLICT', severity: 'error', meaning: 'Subscriptions that cannot be assigned together (E1 and E3); Entra: MutuallyExclusiveViolation.' },
  { code: 'LICENSE_DEPENDENCY', severity: 'error', meaning: 'A service plan is on while a plan it needs (catalog `planDependencies`) is switched off; Entra: DependencyViolation.' },
  { code: 'LICENSE_LOCATION', severity: 'error', meaning: 'A service plan is on for a user whose usageLocation it is not offered in (catalog `unavailableIn`); Entra: ProhibitedInUsageLocationViolation.' },
  { code: 'ROLE_UNKNOWN', severity: 'error', meaning: 'Not an admin center role name nor a role template id.' },
  { code: 'ROLE_DUPLICATE', severity: 'error', meaning: 'A role is listed twice for one user, by name or by template id.' },
  { code: 'GLOBAL_ADMIN_LIMITS', severity: 'error', meaning: 'settings.maxGlobalAdmins (default 4) is below settings.minGlobalAdmins: no tenant meets both.' },
  { code: 'GLOBAL_ADMIN_MINIMUM', severity: 'error', meaning: 'The configuration declares fewer enabled Global administrators than settings.minGlobalAdmins (default 1).' },
  { code: 'NOTIFY_TOO_MANY', severity: 'error', meaning: 'More than five notify addresses.' },
  { code: 'NOTIFY_INVALID_EMAIL', severity: 'error', meaning: 'A notify address is not a valid email address.' },
  { code: 'NOTIFY_OWN_MAILBOX', severity: 'error', meaning: 'Credentials would go to the user\'s own mailbox, or the one it has before a rename.' },
  { code: 'NOTIFY_CREATED_MAILBOX', severity: 'error', meaning: 'Credentials would go to another mailbox this configuration creates (needs the database: a declared user who exists already has a mailbox like any other).' },
  { code: 'NOTIFY_DELETED_MAILBOX', severity: 'error', meaning: 'Credentials would go to the mailbox of a user this plan deletes, or of one in deleted users (needs the database).' },
  { code: 'PASSWORD_SOURCE_CONFLICT', severity: 'error', meaning: 'password sets both `generate: true` and `fromEnv`.' },
  { code: 'PASSWORD_SOURCE_MISSING', severity: 'error', meaning: 'password sets `generate: false` without `fromEnv`.' },
  { code: 'RENAME_OLD_DECLARED', severity: 'error', meaning: 'A user is `renamedFrom` a UPN that is declared too; one account cannot be two users.' },
  { code: 'RENAME_TWICE', severity: 'error', meaning: 'Two users are `renamedFrom` the same UPN; one account takes one new name.' },
  { code: 'RENAME_BOTH_EXIST', severity: 'error', meaning: 'The old and the new UPN of a rename both exist in the tenant; a rename cannot merge two accounts (needs the database).' },
  { code: 'RENAME_SOURCE_MISSING', severity: 'warning', meaning: 'No account has the UPN `renamedFrom` names (usually a typo), so the user is created as a new account, not renamed (needs the database).' },
  { code: 'RENAMED_OUTSIDE', severity: 'warning', meaning: 'The account this user was had its UPN changed outside tenantctl, and its new UPN is not declared: the plan creates a new account and deletes the renamed one if tenantctl manages it (needs the database).' },
  { code: 'RENAME_DONE', severity: 'warning', meaning: 'The rename was applied already (only the new UPN exists); `renamedFrom` can be removed (needs the database).' },
  {
    code: 'PASSWORD_ENV_UNSET',
    severity: 'warning at validate and plan, error at apply',
    meaning: 'The environment variable named by `password.fromEnv` is not set (or empty).',
  },
  {
    code: 'PASSWORD_ENV_NAME_LIKE_PASSWORD',
    severity: 'warning',
    meaning: 'password.fromEnv is written like a password (8 or more characters mixing lower case, upper case and digits, e.g. `Welkom2016x`) rather than a variable name such as JOEP_INITIAL_PASSWORD: most likely the password itself. It is never shown, here nor in PASSWORD_ENV_UNSET.',
  },
  { code: 'PASSWORD_ENV_RESERVED', severity: 'error', meaning: 'password.fromEnv names one of tenantctl\'s own variables (TENANTCTL_*), one a CI platform sets for its jobs (CI_*, GITLAB_*, GITHUB_*, SYSTEM_*, BITBUCKET_*, …), or one named as another service\'s credential (PGPASSWORD, AWS_*, *_TOKEN, *_SECRET, …), which are never a password source.' },
  { code: 'PASSWORD_POLICY', severity: 'error', meaning: 'The password in a set `fromEnv` variable breaks the password policy (its value is never printed; whether it holds the account name is checked at apply only).' },
  { code: 'USER_NO_ACCESS', severity: 'warning', meaning: 'A user who can sign in but has no license and no admin role (a blocked one is not flagged: that is how a leaver\'s account is kept).' },
  {
    code: 'PLAN_REFUSED',
    severity: 'error',
    meaning:
      'At plan and apply only: the plan against the database breaks a safety rule, and no approval can override it: ' +
      'seats above a `settings.maxSeats` cap (at the cap), purchases costing more per month than `settings.maxMonthlyPurchaseCost` (at the setting), seats of a subscription the catalog marks as not purchasable (at the first license that needs one), ' +
      'fewer enabled Global administrators than `settings.minGlobalAdmins` (at the setting), a temporary password nobody would receive (at the user), a rename the directory refuses (at `renamedFrom`).',
  },
  {
    code: 'DIAGNOSTICS_LIMIT',
    severity: 'error',
    meaning: 'More than 1,000 problems: the first 1,000 are listed, this last line counts the rest (a warning when all of them are warnings).',
  },
];
