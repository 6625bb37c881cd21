import type { Subscription } from '../catalog/catalog.js';
import { andList } from '../diagnostics/message-lists.js';
import type { Settings } from '../state/settings.js';
import type { LicenseAssignment } from '../state/tenant-state.js';
import type { FreedSeats, Purchase } from './plan.js';
import type { PlanProblem } from './plan-problem.js';
import type { ReclaimableSeat } from './reclaimable-seats.js';

const cents = (amount: number) => Math.round(amount * 100) / 100;

export interface SeatOutcome {
  readonly purchases: readonly Purchase[];
  readonly freedSeats: readonly FreedSeats[];
  /**
   * Reasons the plan cannot be applied at all: over a cap (about
   * settings.maxSeats), or not purchasable (about the subscription).
   */
  readonly problems: readonly PlanProblem[];
}

function countBySku(holdings: Iterable<readonly LicenseAssignment[]>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const licenses of holdings) for (const { sku } of licenses) counts.set(sku, (counts.get(sku) ?? 0) + 1);
  return counts;
}

const NAMED_HOLDERS = 3;

/** Where seats could come from instead: blocked users who still hold one (DOMAIN.md, Lifecycle facts). */
function reclaimHint(holders: readonly ReclaimableSeat[] | undefined): string {
  if (!holders || holders.length === 0) return '';
  const who = andList(holders.map((h) => h.userPrincipalName), NAMED_HOLDERS);
  const blocked = holders.length === 1 ? 'a blocked user, holds one' : `blocked users, hold one each`;
  return `, or reclaim seats: ${who}, ${blocked} (remove the licence from the configuration to free it)`;
}

/** A subscription's seats are a PostgreSQL integer (the catalog's schema caps them the same way). */
const MAX_SEATS = 2_147_483_647;

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
  reclaimable: ReadonlyMap<string, readonly ReclaimableSeat[]> = new Map(),
): SeatOutcome {
  const held = countBySku(before);
  const assigned = countBySku(after);
  const purchases: Purchase[] = [];
  const freedSeats: FreedSeats[] = [];
  const problems: PlanProblem[] = [];
  for (const subscription of [...subscriptions].sort((a, b) => (a.sku < b.sku ? -1 : 1))) {
    const { sku, seats, unitPrice } = subscription;
    const now = held.get(sku) ?? 0;
    const then = assigned.get(sku) ?? 0;
    if (then < now) freedSeats.push({ sku, quantity: now - then, monthlyValue: cents((now - then) * unitPrice) });
    // settings.spareSeats asks for that many seats to stay free after the plan.
    const counted = subscription.assigned;
    if (then !== now && counted !== undefined && subscription.consumed !== counted) {
      // The triggers of migration 0005 keep the two equal; only a write outside tenantctl can part them.
      problems.push({
        message: `the database counts ${subscription.consumed} seat(s) of ${sku} consumed, but ${counted} licence(s) of it are assigned: its count was changed outside tenantctl, and the database would refuse or miscount this plan's licences; correct it as the database's owner (UPDATE tenantctl.subscriptions SET consumed = ${counted} WHERE sku = '${sku}') and plan again`,
        concerns: { kind: 'subscription', sku },
      });
      continue;
    }
    const spare = settings.spareSeats[sku] ?? 0;
    const needed = then - seats;
    let quantity = then + spare - seats;
    if (quantity <= 0) continue;
    if (!subscription.purchasable) {
      if (needed > 0) {
        problems.push({
          message: `${sku} needs ${needed} more seat(s) (${then} assigned, ${seats} purchased) but the catalog marks it as not purchasable (Entra would refuse the assignment: CountViolation); free seats or remove licenses${reclaimHint(reclaimable.get(sku))}`,
          concerns: { kind: 'subscription', sku },
        });
      }
      continue;
    }
    const cap = settings.maxSeats[sku];
    if (cap !== undefined && seats + quantity > cap) {
      if (seats + needed > cap) {
        problems.push({
          message: `${sku} would need ${seats + needed} seats, above settings.maxSeats.${sku} (${cap}); raise the cap or assign fewer licenses${reclaimHint(reclaimable.get(sku))}`,
          concerns: { kind: 'setting', path: ['maxSeats', sku] },
        });
        continue;
      }
      // The cap wins over keeping spare seats: buy only up to it.
      quantity = cap - seats;
      if (quantity <= 0) continue;
    }
    if (seats + quantity > MAX_SEATS) {
      problems.push({
        message: `${sku} would need ${seats + quantity} seats, more than one subscription holds (${MAX_SEATS}); lower settings.spareSeats.${sku} or assign fewer licenses`,
        concerns: { kind: 'setting', path: ['spareSeats', sku] },
      });
      continue;
    }
    purchases.push({
      sku,
      productName: subscription.productName,
      quantity,
      unitPrice,
      currency: subscription.currency,
      monthlyCost: cents(quantity * unitPrice),
      spare: quantity - Math.max(needed, 0),
      reclaimable: [...(reclaimable.get(sku) ?? [])],
    });
  }
  return { purchases, freedSeats, problems };
}
