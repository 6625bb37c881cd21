import { createHash } from 'node:crypto';
import type { Catalog } from '../catalog/catalog.js';
import { error, hasErrors, sortDiagnostics, type Diagnostic, type SourceLocation } from '../diagnostics/diagnostic.js';
import { DEFAULT_SETTINGS, type Settings } from '../state/settings.js';
import { userKey, type TenantState, type User } from '../state/tenant-state.js';
import { locateDiagnostics } from './locate.js';
import { normalizeUser, withDefaults } from './normalize-user.js';
import type { RawConfig, RawDefaults, RawSettings } from './raw-config.js';
import { RULES } from './rules/index.js';
import type { DeclaredUser } from './rules/rule.js';
import { checkSchema } from './schema-check.js';
import { loadYamlSources, type ConfigFile } from './yaml-source.js';

/**
 * A valid configuration: the desired state, its settings, where each user is
 * declared, and a hash of the files it came from (a saved plan records it so
 * apply can tell the configuration changed).
 */
export interface DesiredConfig {
  readonly state: TenantState;
  readonly settings: Settings;
  readonly declarations: ReadonlyMap<string, SourceLocation>;
  readonly configHash: string;
}

export interface LoadConfigOptions {
  readonly catalog: Catalog | null;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly phase: 'validate' | 'plan';
}

export interface LoadConfigResult {
  /** Null when any error was found. */
  readonly config: DesiredConfig | null;
  /** Errors and warnings, located and sorted by file and line. */
  readonly diagnostics: readonly Diagnostic[];
}

/** Hash of the files' names and bytes, in the order they are read. */
export function hashConfig(files: readonly ConfigFile[]): string {
  const hash = createHash('sha256');
  for (const file of files) hash.update(file.file).update('\0').update(file.text).update('\0');
  return `sha256:${hash.digest('hex')}`;
}

interface Section<T> {
  readonly value: T;
  readonly location: SourceLocation;
}

/** `defaults` and `settings` may each be declared in one file only. */
function singleSection<K extends 'defaults' | 'settings'>(
  files: readonly ConfigFile[],
  key: K,
  diagnostics: Diagnostic[],
): Section<NonNullable<RawConfig[K]>> | undefined {
  let found: Section<NonNullable<RawConfig[K]>> | undefined;
  for (const file of files) {
    const value = (file.value as RawConfig)[key];
    if (value === undefined) continue;
    const location = { file: file.file, path: [key] };
    if (found) {
      diagnostics.push(
        error('CONFIG_SECTION_TWICE', `"${key}" is declared in more than one file; keep it in one file`, location, found.location),
      );
      continue;
    }
    found = { value: value as NonNullable<RawConfig[K]>, location };
  }
  return found;
}

export function resolveSettings(raw: RawSettings | undefined): Settings {
  return {
    minGlobalAdmins: raw?.minGlobalAdmins ?? DEFAULT_SETTINGS.minGlobalAdmins,
    adminEmail: raw?.adminEmail ?? DEFAULT_SETTINGS.adminEmail,
    maxDeletions: raw?.maxDeletions ?? DEFAULT_SETTINGS.maxDeletions,
    maxDeletionPercent: raw?.maxDeletionPercent ?? DEFAULT_SETTINGS.maxDeletionPercent,
    maxSeats: raw?.maxSeats ?? DEFAULT_SETTINGS.maxSeats,
    maxMonthlyPurchaseCost: raw?.maxMonthlyPurchaseCost ?? DEFAULT_SETTINGS.maxMonthlyPurchaseCost,
  };
}

function declareUsers(files: readonly ConfigFile[], defaults: RawDefaults | undefined): DeclaredUser[] {
  return files.flatMap((file) =>
    ((file.value as RawConfig).users ?? []).map((raw, index) => {
      const merged = withDefaults(raw, defaults);
      return { user: normalizeUser(merged), raw: merged, location: { file: file.file, path: ['users', index] } };
    }),
  );
}

/**
 * YAML files → desired TenantState: parse, check the schema, apply defaults,
 * run every semantic rule, and report every problem at once. Never throws for
 * a bad configuration; problems come back as diagnostics.
 */
export function loadConfig(paths: readonly string[], options: LoadConfigOptions): LoadConfigResult {
  const sources = loadYamlSources(paths);
  const diagnostics: Diagnostic[] = [...sources.diagnostics];
  const parsed = sources.files.filter((file) => file.value !== null);
  const shaped: ConfigFile[] = [];
  for (const file of parsed) {
    const problems = checkSchema('tenant.schema.json', file.file, file.value, 'SCHEMA');
    diagnostics.push(...problems);
    if (problems.length === 0) shaped.push(file);
  }
  const defaults = singleSection(shaped, 'defaults', diagnostics);
  const settingsSection = singleSection(shaped, 'settings', diagnostics);
  const settings = resolveSettings(settingsSection?.value);
  const users = declareUsers(shaped, defaults?.value);
  // Rules about the whole configuration (lockout) would mislead if files were left out.
  if (shaped.length === parsed.length && !hasErrors(sources.diagnostics)) {
    for (const rule of RULES) {
      diagnostics.push(
        ...rule({
          users,
          settings,
          settingsLocation: settingsSection?.location,
          catalog: options.catalog,
          env: options.env ?? process.env,
          phase: options.phase,
        }),
      );
    }
  }
  const located = sortDiagnostics(locateDiagnostics(sources.files, diagnostics));
  if (hasErrors(located)) return { config: null, diagnostics: located };
  const state = new Map<string, User>();
  const declarations = new Map<string, SourceLocation>();
  for (const { user, location } of users) {
    state.set(userKey(user.userPrincipalName), user);
    declarations.set(userKey(user.userPrincipalName), location);
  }
  return {
    config: { state: { users: state }, settings, declarations, configHash: hashConfig(sources.files) },
    diagnostics: located,
  };
}
