import { TenantctlError } from '../diagnostics/tenantctl-error.js';
import type { Catalog } from './catalog.js';

export const NO_CATALOG = 'no catalog is loaded: run tenantctl init --catalog FILE';

/** A tenant without domains has had no catalog loaded: nothing can be checked or planned against it. */
export function hasCatalog(catalog: Pick<Catalog, 'domains'>): boolean {
  return catalog.domains.length > 0;
}

/** Stops plan and apply with one line rather than a diagnostic for every user. */
export function requireCatalog<C extends Pick<Catalog, 'domains'>>(catalog: C): C {
  if (!hasCatalog(catalog)) throw new TenantctlError(NO_CATALOG);
  return catalog;
}
