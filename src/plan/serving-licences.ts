import type { Catalog } from '../catalog/catalog.js';
import type { LicenseAssignment } from '../state/tenant-state.js';

/**
 * Whether any of `licenses` leaves a service plan on. A licence whose
 * disabledPlans list every plan of its subscription takes the user's mail,
 * files and Office away as surely as removing it (the mailbox goes with the
 * Exchange plan), while still holding the seat. A subscription the catalog
 * lists no plans for, or does not list, is taken to serve: nothing says it
 * does not.
 */
export function servingLicences(catalog: Catalog): (licenses: readonly LicenseAssignment[]) => boolean {
  const plansBySku = new Map(catalog.subscriptions.map((s) => [s.sku, s.servicePlans]));
  return (licenses) =>
    licenses.some((licence) => {
      const plans = plansBySku.get(licence.sku);
      if (!plans || plans.length === 0) return true;
      const off = new Set(licence.disabledPlans.map((plan) => plan.toUpperCase()));
      return plans.some((plan) => !off.has(plan.toUpperCase()));
    });
}
