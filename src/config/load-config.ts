import type { Catalog } from '../catalog/catalog.js';
import { hashConfig } from './config-hash.js';
import { error, hasErrors, type Diagnostic, type DiagnosticCounts, type SourceLocation } from '../diagnostics/diagnostic.js';
import { DiagnosticBudget, RULE_DIAGNOSTICS, withoutDropped } from '../diagnostics/diagnostic-budget.js';
import { DEFAULT_SETTINGS, type Settings } from '../state/settings.js';
import { userKey, type TenantState, type User } from '../state/tenant-state.js';
import { limitDiagnostics, MAX_DIAGNOSTICS } from './diagnostic-limit.js';
import { locateFirst } from './locate-first.js';
import { locatePartStart } from './locate.js';
import { normalizeUser, withDefaults } from './normalize-user.js';
import type { RawConfig, RawDefaults, RawSettings, RawUser } from './raw-config.js';
import { RULES, type RuleEntry, type RuleNeeds } from './rules/index.js';
import type { ConfigContext, DeclaredUser, FieldBlock } from './rules/rule.js';
import { readableConfig, type ReadableConfig } from './readable-config.js';
import { checkTenantShape } from './schema-diagnostics.js';
import { mergeAliasRepeats } from './alias-repeats.js';
import { unstorableText } from './storable-text.js';
import { runSteps, type Steps } from './steps.js';
import { loadYamlSources, type ConfigFile, type LoadedSources } from './yaml-source.js';

/**
 * A valid configuration: the desired state, its settings, where each user is
 * declared, and a hash of the files it came from (a saved plan records it so
 * apply can tell the configuration changed). `files`, `declarations` and the
 * sections' locations let a problem found later (the planner's) be located
 * as the loader's are (locateDiagnostics); nothing is located until then.
 */
export interface DesiredConfig {
  readonly state: TenantState;
  readonly settings: Settings;
  /** By user key: where each user is declared (`{ file, path: ['users', i] }`) and what its own entry writes. */
  readonly declarations: ReadonlyMap<string, DeclaredUser>;
  /** Where `defaults` and `settings` are declared (`{ file, path: ['settings'] }`); undefined when they are not. */
  readonly defaultsLocation: SourceLocation | undefined;
  readonly settingsLocation: SourceLocation | undefined;
  /** The files the configuration was read from. */
  readonly files: readonly ConfigFile[];
  readonly configHash: string;
}

/** What the checks need besides the files; none of it is read from the database. */
export interface ConfigOptions {
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly phase: 'validate' | 'plan' | 'drift';
}

/** What the database holds that some rules need. */
export interface DatabaseFacts {
  readonly catalog: Catalog | null;
  /** The directory, for the rules that compare with it (renames); omitted: not checked. */
  readonly current?: TenantState | null;
  /** When the directory is judged (default: the clock). */
  readonly now?: Date;
}

export interface LoadConfigOptions extends ConfigOptions, DatabaseFacts {
  /** The files of `paths`, already read (see loadYamlSourcesYielding); omitted: read here. */
  readonly sources?: LoadedSources;
  /** Those files already checked as far as they can be without the database; used only if made from them with these options. */
  readonly checked?: CheckedConfig;
}

export interface LoadConfigResult {
  /** Null when any error was found. */
  readonly config: DesiredConfig | null;
  /** Errors and warnings, located and sorted by file and line; at most MAX_DIAGNOSTICS and a DIAGNOSTICS_LIMIT notice. */
  readonly diagnostics: readonly Diagnostic[];
}

interface Section<T> {
  readonly value: T;
  readonly location: SourceLocation;
}

/** A parsed file, with what the schema could not read left out. */
interface CheckedFile {
  readonly source: ConfigFile;
  readonly readable: ReadableConfig;
}

/** `defaults` and `settings` may each be declared in one file only. */
function singleSection<K extends 'defaults' | 'settings'>(
  files: readonly CheckedFile[],
  key: K,
  diagnostics: Diagnostic[],
): { section: Section<NonNullable<RawConfig[K]>> | undefined; twice: boolean } {
  let found: Section<NonNullable<RawConfig[K]>> | undefined;
  let twice = false;
  for (const { source, readable } of files) {
    const value = readable.value[key];
    if (value === undefined) continue;
    const location = { file: source.file, path: [key] };
    if (found) {
      twice = true;
      diagnostics.push(
        error('CONFIG_SECTION_TWICE', `"${key}" is declared in more than one file; keep it in one file`, location, found.location),
      );
      continue;
    }
    found = { value: value as NonNullable<RawConfig[K]>, location };
  }
  return { section: found, twice };
}

export function resolveSettings(raw: RawSettings | undefined): Settings {
  return {
    minGlobalAdmins: raw?.minGlobalAdmins ?? DEFAULT_SETTINGS.minGlobalAdmins,
    adminEmail: raw?.adminEmail ?? DEFAULT_SETTINGS.adminEmail,
    maxDeletions: raw?.maxDeletions ?? DEFAULT_SETTINGS.maxDeletions,
    maxDeletionPercent: raw?.maxDeletionPercent ?? DEFAULT_SETTINGS.maxDeletionPercent,
    maxSeats: raw?.maxSeats ?? DEFAULT_SETTINGS.maxSeats,
    maxMonthlyPurchaseCost: raw?.maxMonthlyPurchaseCost ?? DEFAULT_SETTINGS.maxMonthlyPurchaseCost,
    spareSeats: raw?.spareSeats ?? DEFAULT_SETTINGS.spareSeats,
    maxGlobalAdmins: raw?.maxGlobalAdmins ?? DEFAULT_SETTINGS.maxGlobalAdmins,
  };
}

interface Declarations {
  readonly users: DeclaredUser[];
  /** The users none of whose fields were left out: what inherited values can be judged on. */
  readonly intact: DeclaredUser[];
}

/** Every readable user, with defaults applied. */
function declareUsers(files: readonly CheckedFile[], defaults: RawDefaults | undefined): Declarations {
  const users: DeclaredUser[] = [];
  const intact: DeclaredUser[] = [];
  for (const { source, readable } of files) {
    (readable.value.users ?? []).forEach((own: RawUser, index) => {
      if (readable.droppedUsers.has(index)) return;
      const raw = withDefaults(own, defaults);
      const declared = { user: normalizeUser(raw), raw, own, location: { file: source.file, path: ['users', index] } };
      users.push(declared);
      if (!readable.repairedUsers.has(index)) intact.push(declared);
    });
  }
  return { users, intact };
}

/** A problem in the same place with the same words is reported once (the schema and a rule may both find it). */
function withoutRepeats(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const key = JSON.stringify([d.code, d.location?.file, d.location?.path, d.location?.line, d.location?.column, d.message]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

interface CheckedFiles {
  readonly files: CheckedFile[];
  readonly diagnostics: Diagnostic[];
  /** Diagnostics about a key that must go; they point at the key rather than its value. */
  readonly pointAtKey: Set<Diagnostic>;
  /** Schema errors counted but not built (see ShapeCheck.omitted). */
  omitted: number;
}

/** A part too large to check, located where it starts without re-reading it (locatePartStart). */
function atPartStart(source: ConfigFile, diagnostic: Diagnostic): Diagnostic {
  const location = diagnostic.location;
  const position = location?.path && location.line === undefined ? locatePartStart(source, location.path) : undefined;
  return position && location ? { ...diagnostic, location: { ...location, ...position } } : diagnostic;
}

/** Checks each parsed file against the schema and keeps what the rules can read, a file per step. */
function* checkFiles(sources: LoadedSources): Steps<CheckedFiles> {
  const checked: CheckedFiles = { files: [], diagnostics: [...sources.diagnostics], pointAtKey: new Set(), omitted: 0 };
  for (const source of sources.files) {
    if (source.value === null) continue;
    const shape = checkTenantShape(source.file, source.value);
    // Not push(...): a file may hold more problems than a call takes arguments.
    for (const d of shape.diagnostics) checked.diagnostics.push(d.code === 'SCHEMA_VALUE_TOO_LARGE' ? atPartStart(source, d) : d);
    for (const d of shape.pointAtKey) checked.pointAtKey.add(d);
    checked.omitted += shape.omitted;
    // Too large to check, or checked only in part: what the rules would read is not known to be sound.
    if (shape.abandoned) continue;
    for (const d of unstorableText(source.file, source.value, source.text)) checked.diagnostics.push(d);
    checked.files.push({ source, readable: readableConfig(source.value, shape) });
    yield;
  }
  return checked;
}

/**
 * What each kind of rule may see (undefined: it must not run). Rules about
 * what users inherit need every file read and see only whole users; rules
 * about every user need every user read.
 */
function ruleContexts(
  sources: LoadedSources,
  checked: CheckedFiles,
  options: ConfigOptions,
): { contexts: Record<RuleNeeds, ConfigContext | undefined>; settings: Settings; users: DeclaredUser[] } {
  const { files, diagnostics } = checked;
  const defaults = singleSection(files, 'defaults', diagnostics);
  const settingsSection = singleSection(files, 'settings', diagnostics).section;
  const settings = resolveSettings(settingsSection?.value);
  const { users, intact } = declareUsers(files, defaults.section?.value);
  const everyFileRead =
    !hasErrors(sources.diagnostics) && files.length === sources.files.length && !defaults.twice && files.every(({ readable }) => !readable.repairedSections);
  const everyUserRead = everyFileRead && intact.length === users.length && files.every(({ readable }) => readable.droppedUsers.size === 0);
  const defaultsBlock: FieldBlock | undefined = defaults.section && { fields: defaults.section.value, location: defaults.section.location, user: undefined };
  const context: ConfigContext = {
    users,
    blocks: [...(defaultsBlock ? [defaultsBlock] : []), ...users.map((declared) => ({ fields: declared.own, location: declared.location, user: declared }))],
    defaults: defaultsBlock,
    settings,
    settingsLocation: settingsSection?.location,
    anchor: users[0]?.location ?? (files[0] && { file: files[0].source.file, path: ['users'] }),
    env: options.env ?? process.env,
    phase: options.phase,
  };
  const contexts = {
    declarations: context,
    defaults: everyFileRead ? { ...context, users: intact } : undefined,
    everything: everyUserRead ? context : undefined,
  };
  return { contexts, settings, users };
}

/** The configuration checked as far as it can be without the database (checkConfigSteps). */
export interface CheckedConfig {
  readonly sources: LoadedSources;
  readonly checked: CheckedFiles;
  readonly contexts: Record<RuleNeeds, ConfigContext | undefined>;
  readonly settings: Settings;
  readonly users: readonly DeclaredUser[];
  /** The findings of each rule that reads only the configuration. */
  readonly findings: ReadonlyMap<RuleEntry, readonly Diagnostic[]>;
  /** The problems they found past RULE_DIAGNOSTICS, counted only. */
  readonly dropped: DiagnosticCounts;
  /** What they were found with: a caller with other options must check again. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly phase: ConfigOptions['phase'];
}

/**
 * The first half of loadConfig, which needs nothing from the database: the
 * schema, defaults and every rule that reads only the configuration, one
 * file or rule per step. Plan runs it while the directory is still being read.
 */
export function* checkConfigSteps(sources: LoadedSources, options: ConfigOptions): Steps<CheckedConfig> {
  const checked = yield* checkFiles(sources);
  const { contexts, settings, users } = ruleContexts(sources, checked, options);
  const findings = new Map<RuleEntry, readonly Diagnostic[]>();
  const budget = new DiagnosticBudget(RULE_DIAGNOSTICS);
  for (const entry of RULES) {
    const context = contexts[entry.needs];
    if (entry.reads !== 'configuration' || !context) continue;
    yield;
    findings.set(entry, withoutDropped(budget.run(() => entry.rule(context))));
  }
  return { sources, checked, contexts, settings, users, findings, dropped: budget.dropped, env: options.env ?? process.env, phase: options.phase };
}

/**
 * The second half: the rules that need the catalog or the directory, then
 * every finding in the order the rules are listed, located and limited, and
 * the desired state. `config` is left as it was, so it may be finished again.
 */
export function finishConfig(config: CheckedConfig, facts: DatabaseFacts): LoadConfigResult {
  const { sources, checked, contexts, settings, users, findings } = config;
  const diagnostics = [...checked.diagnostics];
  const now = facts.now ?? new Date();
  // What the rules that read the configuration kept counts against the same budget.
  let kept = 0;
  for (const found of findings.values()) kept += found.length;
  const budget = new DiagnosticBudget(RULE_DIAGNOSTICS - kept);
  for (const entry of RULES) {
    const context = contexts[entry.needs];
    if (!context) continue;
    const found =
      entry.reads === 'configuration'
        ? (findings.get(entry) ?? [])
        : withoutDropped(budget.run(() => entry.rule({ ...context, catalog: facts.catalog, current: facts.current ?? null, now })));
    for (const d of found) diagnostics.push(d);
  }
  const pointAt = (d: Diagnostic) => (checked.pointAtKey.has(d) ? 'key' : undefined);
  // The listed ones and the first left out, whose place the limit's notice gives.
  const distinct = withoutRepeats(diagnostics);
  const sorted = locateFirst(sources.files, distinct, MAX_DIAGNOSTICS + 1, { pointAt });
  const uncounted = { errors: checked.omitted + config.dropped.errors + budget.dropped.errors, warnings: config.dropped.warnings + budget.dropped.warnings };
  // Merged only when every problem was built and located: a capped list stays the first problems, counted as before.
  const complete = distinct.length <= MAX_DIAGNOSTICS + 1 && uncounted.errors === 0 && uncounted.warnings === 0;
  const located = limitDiagnostics(complete ? mergeAliasRepeats(sorted) : sorted, uncounted);
  if (hasErrors(located)) return { config: null, diagnostics: located };
  const state = new Map<string, User>();
  const declarations = new Map<string, DeclaredUser>();
  for (const declared of users) {
    const key = userKey(declared.user.userPrincipalName);
    state.set(key, declared.user);
    declarations.set(key, declared);
  }
  const sections = contexts.declarations;
  return {
    config: {
      state: { users: state },
      settings,
      declarations,
      defaultsLocation: sections?.defaults?.location,
      settingsLocation: sections?.settingsLocation,
      files: sources.files,
      configHash: sources.configHash ?? hashConfig(sources.files),
    },
    diagnostics: located,
  };
}

/**
 * YAML files → desired TenantState: parse, check the schema, apply defaults,
 * run every semantic rule, and report every problem at once. Never throws for
 * a bad configuration; problems come back as diagnostics.
 *
 * What the schema cannot read (a value of the wrong type, a user without a
 * userPrincipalName; of a user without a displayName, only that field) is
 * left out of the semantic rules, which still check everything else; a rule that would mislead without what was left out
 * (see RuleNeeds) is skipped or sees only the users that are whole.
 */
export function loadConfig(paths: readonly string[], options: LoadConfigOptions): LoadConfigResult {
  const sources = options.sources ?? loadYamlSources(paths);
  const { checked } = options;
  const fits = checked !== undefined && checked.sources === sources && checked.phase === options.phase && checked.env === (options.env ?? process.env);
  return finishConfig(fits ? checked : runSteps(checkConfigSteps(sources, options)), options);
}
