import type { Catalog } from '../catalog/catalog.js';
import type { RawConfig, RawDefaults, RawSettings, RawUser } from '../config/raw-config.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { userKey, type TenantState, type User } from '../state/tenant-state.js';
import { renderConfigYaml } from './config-yaml.js';
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

function header(options: ExportOptions, about: string): string[] {
  return [
    `yaml-language-server: $schema=${options.schemaRef}`,
    // Never the database's URL: the file is meant to be committed, and a URL can carry a password.
    `Exported by tenantctl ${options.toolVersion} at ${options.exportedAt}.`,
    about,
    'Passwords are never exported: the users keep the ones they have.',
  ];
}

function compose(defaults: RawDefaults, users: readonly RawUser[] | undefined, withSettings: boolean): RawConfig {
  return {
    ...(Object.keys(defaults).length > 0 ? { defaults } : {}),
    ...(withSettings ? { settings: SETTINGS } : {}),
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
  const diagnostics = exportWarnings(users, catalog);
  const settingsComment = SETTINGS_COMMENT;

  if (options.split === null) {
    const about = "The tenant's users, admin roles and licenses; planned against the same database, it changes nothing but adopting them.";
    const text = renderConfigYaml(compose(defaults, declare(users), true), { header: header(options, about), settingsComment });
    return { files: [{ path: TENANT_FILE, text }], diagnostics, userCount: users.length };
  }
  const tenantAbout = 'Defaults and settings; the users are in the users-*.yaml files next to this one.';
  const files: ExportedFile[] = [
    { path: TENANT_FILE, text: renderConfigYaml(compose(defaults, undefined, true), { header: header(options, tenantAbout), settingsComment }) },
  ];
  for (const group of splitUsers(users, options.split)) {
    const text = renderConfigYaml(compose({}, declare(group.users), false), { header: header(options, group.description) });
    files.push({ path: group.fileName, text });
  }
  return { files, diagnostics, userCount: users.length };
}
