import type { Catalog } from '../catalog/catalog.js';
import { readCatalogAndSettings } from '../catalog/read-catalog.js';
import type { Database } from '../db/database.js';
import { readState } from './read-state.js';
import type { Settings } from './settings.js';
import type { TenantState } from './tenant-state.js';

/**
 * The catalog and the directory as of one moment: plain SELECTs in one
 * read-only, repeatable-read transaction, so an apply committing meanwhile is
 * seen entirely or not at all. Takes no lock and writes nothing, so a database
 * role with SELECT privileges only is enough. `applied`: the settings the
 * latest apply recorded, which hold a plan to the deletion limits its own
 * configuration would loosen (compute-plan.ts).
 */
export async function readTenant(db: Database): Promise<{ catalog: Catalog; current: TenantState; applied: Settings | null }> {
  return db.transaction(async (tx) => {
    await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    // The directory first: its statement is the long one, sent while plan still parses.
    const current = await readState(tx);
    const { catalog, applied } = await readCatalogAndSettings(tx);
    return { catalog, current, applied };
  });
}
