import type { Catalog } from '../catalog/catalog.js';
import { readCatalog } from '../catalog/read-catalog.js';
import { loadConfig } from '../config/load-config.js';
import type { Database } from '../db/database.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { readState } from '../state/read-state.js';
import type { TenantState } from '../state/tenant-state.js';
import { computeDrift } from './drift.js';
import { toDriftDocument, type DriftDocument } from './drift-document.js';

export interface ReadDriftOptions {
  readonly configPaths: readonly string[];
  readonly now: Date;
  readonly tenantctlVersion: string;
}

export interface ReadDriftResult {
  /** Null when the configuration is invalid (the diagnostics say why). */
  readonly drift: DriftDocument | null;
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * The catalog and the directory as of one moment: plain SELECTs in one
 * read-only, repeatable-read transaction, so an apply committing meanwhile is
 * seen entirely or not at all. Takes no lock and writes nothing, so a database
 * role with SELECT privileges only is enough.
 */
export async function readTenant(db: Database): Promise<{ catalog: Catalog; current: TenantState }> {
  return db.transaction(async (tx) => {
    await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    const catalog = await readCatalog(tx);
    const current = await readState(tx);
    return { catalog, current };
  });
}

/**
 * Configuration + database → the drift report. The configuration is checked
 * as `validate` checks it (no password variables needed); an invalid one
 * gives diagnostics and no report, as `plan` does.
 */
export async function readDrift(db: Database, options: ReadDriftOptions): Promise<ReadDriftResult> {
  const { catalog, current } = await readTenant(db);
  const loaded = loadConfig(options.configPaths, { catalog, phase: 'validate' });
  if (!loaded.config) return { drift: null, diagnostics: loaded.diagnostics };
  const report = computeDrift({ desired: loaded.config.state, current, catalog, now: options.now });
  return {
    drift: toDriftDocument(report, { tenantctlVersion: options.tenantctlVersion, configHash: loaded.config.configHash }),
    diagnostics: loaded.diagnostics,
  };
}
