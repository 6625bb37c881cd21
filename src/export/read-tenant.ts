import type { Catalog } from '../catalog/catalog.js';
import { readCatalog } from '../catalog/read-catalog.js';
import type { Database } from '../db/database.js';
import { readState } from '../state/read-state.js';
import type { TenantState } from '../state/tenant-state.js';

/**
 * The directory and its catalog as of one instant: read in one read-only
 * REPEATABLE READ transaction, so an apply running meanwhile is seen either
 * entirely or not at all. Takes no lock.
 */
export async function readTenant(db: Database): Promise<{ state: TenantState; catalog: Catalog }> {
  return db.transaction(async (tx) => {
    await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    const state = await readState(tx);
    const catalog = await readCatalog(tx);
    return { state, catalog };
  });
}
