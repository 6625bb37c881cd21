import type { Catalog } from '../catalog/catalog.js';
import type { RawConfig, RawDefaults, RawSettings, RawUser } from '../config/raw-config.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { Settings } from '../state/settings.js';
import { settingsWarnings } from './settings-warnings.js';
import { userKey, type TenantState, type User } from '../state/tenant-state.js';
import { emitConfigYaml } from './emit-config-yaml.js';
import { declareUser, HOISTABLE_FIELDS, sharedDefaults, type HoistableField } from './declare-user.js';
import { exportWarnings } from './export-warnings.js';
import { splitUsers, type ExportSplit } from './split-users.js';

export interface ExportOptions {
  /** One file (null), or tenant.yaml plus one file per department or per UPN domain. */
  readonly split: ExportSplit | null;
  /** What follows `$schema=` in each file's modeline; the files of one export share a directory. */
  readonly schemaRef: string;
  readonly toolVersion: string;
  /** When the state was read (ISO 8601); the caller's clock, as this function has none. */
  readonly exportedAt: string;
  /** The settings of the latest apply, written back; null when none was recorded. */
  readonly settings?: Settings | null;
}

/** One file to write; `path` is a bare file name, relative to where the export goes. */
export interface ExportedFile {
  readonly path: string;
  readonly text: string;
}

export interface ExportResult {
  /** tenant.yaml first, then the users files by name; at least one file. */
  readonly files: readonly ExportedFile[];
  /** Warnings only: what keeps the export from validating or from planning to adoptions alone. */
  readonly diagnostics: readonly Diagnostic[];
  readonly userCount: number;
}

export const TENANT_FILE = 'tenant.yaml';

const SETTINGS_COMMENT = [
  'Users added later need someone to receive their temporary password:',
  'set notify on each new user, or uncomment and fill in',
  'adminEmail: it-desk@example.com',
];

/**
 * The lockout rule needs settings.minGlobalAdmins ≤ the enabled Global
 * administrators declared; 1 (the default, written out so it is seen) is the
 * most an export can promise. With none at all the export still goes out,
 * with a warning.
 */
const SETTINGS: RawSettings = { minGlobalAdmins: 1 };

/** The settings last applied, as a configuration writes them: what is unset (null, empty) left out. */
function appliedSettings(settings: Settings): RawSettings {
  const hasEntries = (record: Readonly<Record<string, number>>) => Object.keys(record).length > 0;
  return {
    minGlobalAdmins: settings.minGlobalAdmins,
    ...(settings.adminEmail ? { adminEmail: settings.adminEmail } : {}),
    maxDeletions: settings.maxDeletions,
    maxDeletionPercent: settings.maxDeletionPercent,
    ...(hasEntries(settings.maxSeats) ? { maxSeats: settings.maxSeats } : {}),
    ...(settings.maxMonthlyPurchaseCost !== null ? { maxMonthlyPurchaseCost: settings.maxMonthlyPurchaseCost } : {}),
    ...(hasEntries(settings.spareSeats) ? { spareSeats: settings.spareSeats } : {}),
    maxGlobalAdmins: settings.maxGlobalAdmins,
  };
}

function header(options: ExportOptions, about: string): string[] {
  return [
    `yaml-language-server: $schema=${options.schemaRef}`,
    // Never the database's URL: the file is meant to be committed, and a URL can carry a password.
    `Exported by tenantctl ${options.toolVersion} at ${options.exportedAt}.`,
    about,
    'Passwords are never exported: the users keep the ones they have.',
    // Read from the configuration when a password is made, never stored: an export that replaces one would lose them in silence.
    'Not kept in the database, so not here: each user\'s notify addresses and password settings (generate, fromEnv, forceChange);',
    'copy them from the configuration this replaces, or new and reset passwords go to settings.adminEmail alone.',
  ];
}

function compose(defaults: RawDefaults, users: readonly RawUser[] | undefined, settings: RawSettings | null): RawConfig {
  return {
    ...(Object.keys(defaults).length > 0 ? { defaults } : {}),
    ...(settings ? { settings } : {}),
    ...(users ? { users } : {}),
  };
}

/**
 * The directory's active users as configuration that, planned against the
 * same database, changes nothing but adopting them: every attribute, role
 * and license (with its disabled plans), users by lower-cased UPN, values
 * every user shares in `defaults`. Soft-deleted users are left out. Pure:
 * the clock, the database name and the schema path come in as options.
 */
export function exportConfig(current: TenantState, catalog: Catalog | null, options: ExportOptions): ExportResult {
  const users = [...current.users.values()]
    .filter((user) => !user.directory?.deletedAt)
    .sort((a, b) => (userKey(a.userPrincipalName) < userKey(b.userPrincipalName) ? -1 : 1));
  const defaults = sharedDefaults(users);
  const hoisted = new Set<HoistableField>(HOISTABLE_FIELDS.filter((field) => field in defaults));
  const declare = (list: readonly User[]) => list.map((user) => declareUser(user, hoisted));
  const applied = options.settings ? appliedSettings(options.settings) : null;
  const diagnostics = [...settingsWarnings(applied), ...exportWarnings(users, catalog)];
  const settings = applied ?? SETTINGS;
  // The settings last applied are written back as they were; without any, a comment says what to add.
  const settingsComment = applied ? undefined : SETTINGS_COMMENT;

  if (options.split === null) {
    const about = "The tenant's users, admin roles and licenses; planned against the same database, it changes nothing but adopting them.";
    const text = emitConfigYaml(compose(defaults, declare(users), settings), { header: header(options, about), settingsComment });
    return { files: [{ path: TENANT_FILE, text }], diagnostics, userCount: users.length };
  }
  const tenantAbout = 'Defaults and settings; the users are in the users-*.yaml files next to this one.';
  const files: ExportedFile[] = [
    { path: TENANT_FILE, text: emitConfigYaml(compose(defaults, undefined, settings), { header: header(options, tenantAbout), settingsComment }) },
  ];
  for (const group of splitUsers(users, options.split)) {
    const text = emitConfigYaml(compose({}, declare(group.users), null), { header: header(options, group.description) });
    files.push({ path: group.fileName, text });
  }
  return { files, diagnostics, userCount: users.length };
}
