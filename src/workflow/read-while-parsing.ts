import { checkConfigSteps, type CheckedConfig, type ConfigOptions } from '../config/load-config.js';
import { runStepsYielding } from '../config/steps.js';
import { loadYamlSourcesYielding, type LoadedSources } from '../config/yaml-source.js';
import type { Database } from '../db/database.js';
import { readTenant } from '../state/read-tenant.js';
import type { TenantSnapshot } from './plan-tenant.js';
import { NO_PROGRESS, type ProgressReporter } from './progress.js';

/** The directory and the configuration's files, read together. */
export interface Read {
  readonly snapshot: TenantSnapshot;
  readonly sources: LoadedSources;
  /** The checks that need no database, when asked for (`check`). */
  readonly checked?: CheckedConfig;
}

/**
 * The directory (readTenant) and the configuration's files, read together:
 * the database server runs the directory's queries while this process parses
 * the files one by one, letting the event loop send the next query between them.
 * With `check`, the rules that need no database run next, still while the
 * directory is read (at 100,000 users its results arrive after the parse).
 */
export function readWhileParsing(db: Database, configPaths: readonly string[], check?: undefined, progress?: ProgressReporter): Promise<Read>;
export function readWhileParsing(db: Database, configPaths: readonly string[], check: ConfigOptions, progress?: ProgressReporter): Promise<Read & { checked: CheckedConfig }>;
export async function readWhileParsing(db: Database, configPaths: readonly string[], check?: ConfigOptions, progress: ProgressReporter = NO_PROGRESS): Promise<Read> {
  let directoryRead = false;
  const reading = readTenant(db);
  // Its failure is thrown below, once the files are read; until then it must not count as unhandled.
  reading.then(
    () => {
      directoryRead = true;
    },
    () => undefined,
  );
  const sources = await loadYamlSourcesYielding(configPaths, undefined, (done, total) => progress({ stage: 'reading the configuration files', done, total }));
  if (check) progress({ stage: 'checking the configuration', done: 0, total: 0 });
  const checked = check && (await runStepsYielding(checkConfigSteps(sources, check)));
  // At 100,000 users the directory's rows arrive after the parse: say what is awaited.
  if (!directoryRead) progress({ stage: 'reading the directory', done: 0, total: 0 });
  return { snapshot: await reading, sources, ...(checked ? { checked } : {}) };
}
