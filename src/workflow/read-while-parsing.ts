import { loadYamlSourcesYielding, type LoadedSources } from '../config/yaml-source.js';
import type { Database } from '../db/database.js';
import { readTenant } from '../state/read-tenant.js';
import type { TenantSnapshot } from './plan-tenant.js';

/**
 * The directory (readTenant) and the configuration's files, read together:
 * the database server runs the directory's queries while this process parses
 * the files one by one, letting the event loop send the next query between them.
 */
export async function readWhileParsing(db: Database, configPaths: readonly string[]): Promise<{ snapshot: TenantSnapshot; sources: LoadedSources }> {
  const reading = readTenant(db);
  // Its failure is thrown below, once the files are read; until then it must not count as unhandled.
  reading.catch(() => undefined);
  const sources = await loadYamlSourcesYielding(configPaths);
  return { snapshot: await reading, sources };
}
