import type { Subscription } from '../catalog/catalog.js';
import type { Settings } from '../state/settings.js';
import type { LicenseAssignment } from '../state/tenant-state.js';
import type { FreedSeats, Purchase } from './plan.js';

const cents = (amount: number) => Math.round(amount * 100) / 100;

export interface SeatOutcome {
  readonly purchases: readonly Purchase[];
  readonly freedSeats: readonly FreedSeats[];
  /** Reasons the plan cannot be applied at all (not purchasable, over a cap). */
  readonly problems: readonly string[];
}

function countBySku(holdings: Iterable<readonly LicenseAssignment[]>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const licenses of holdings) for (const { sku } of licenses) counts.set(sku, (counts.get(sku) ?? 0) + 1);
  return counts;
}

/**
 * Seats after the whole plan: `before` and `after` are the licenses every
 * active user holds now and would hold, so seats freed by removals and
 * deletions are counted before anything is bought.
 */
export function seatOutcome(
  subscriptions: readonly Subscription[],
  before: Iterable<readonly LicenseAssignment[]>,
  after: Iterable<readonly LicenseAssignment[]>,
  settings: Settings,
): SeatOutcome {
  const held = countBySku(before);
  const needed = countBySku(after);
  const purchases: Purchase[] = [];
  const freedSeats: FreedSeats[] = [];
  const problems: string[] = [];
  for (const subscription of [...subscriptions].sort((a, b) => (a.sku < b.sku ? -1 : 1))) {
    const { sku, seats, unitPrice } = subscription;
    const now = held.get(sku) ?? 0;
    const then = needed.get(sku) ?? 0;
    if (then < now) freedSeats.push({ sku, quantity: now - then, monthlyValue: cents((now - then) * unitPrice) });
    const shortfall = then - seats;
    if (shortfall <= 0) continue;
    if (!subscription.purchasable) {
      problems.push(`${sku} needs ${shortfall} more seat(s) (${then} assigned, ${seats} purchased) but the catalog marks it as not purchasable; free seats or remove licenses`);
      continue;
    }
    const cap = settings.maxSeats[sku];
    if (cap !== undefined && seats + shortfall > cap) {
      problems.push(`${sku} would need ${seats + shortfall} seats, above settings.maxSeats.${sku} (${cap}); raise the cap or assign fewer licenses`);
      continue;
    }
    purchases.push({
      sku,
      productName: subscription.productName,
      quantity: shortfall,
      unitPrice,
      currency: subscription.currency,
      monthlyCost: cents(shortfall * unitPrice),
    });
  }
  return { purchases, freedSeats, problems };
}
