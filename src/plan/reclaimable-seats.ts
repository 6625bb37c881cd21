import type { User } from '../state/tenant-state.js';

/**
 * A seat held by a blocked user: it still consumes a seat of its
 * subscription (DOMAIN.md, Lifecycle facts) though nobody signs in with it,
 * so a reviewer may reclaim it rather than buy one more.
 */
export interface ReclaimableSeat {
  readonly userPrincipalName: string;
  /** What the seat costs per month: the subscription's unit price. */
  readonly monthlyCost: number;
}

/**
 * Per subscription, the blocked users holding one of its seats now and still
 * once the plan is applied (`after`: every active user as the plan leaves it;
 * deleted users have released theirs), sorted by UPN. `heldNow`: the
 * subscriptions each active user holds now, by lower-cased UPN (as the plan
 * names it). A user the plan creates or restores holds no seat yet: the
 * purchase is for it, not a seat to take back from it.
 */
export function reclaimableSeats(
  after: Iterable<User>,
  unitPrices: ReadonlyMap<string, number>,
  heldNow: ReadonlyMap<string, ReadonlySet<string>>,
): Map<string, ReclaimableSeat[]> {
  const bySku = new Map<string, ReclaimableSeat[]>();
  for (const user of after) {
    if (user.accountEnabled) continue;
    const held = heldNow.get(user.userPrincipalName.toLowerCase());
    if (!held) continue;
    for (const { sku } of user.licenses) {
      if (!held.has(sku)) continue;
      const list = bySku.get(sku) ?? [];
      list.push({ userPrincipalName: user.userPrincipalName, monthlyCost: unitPrices.get(sku) ?? 0 });
      bySku.set(sku, list);
    }
  }
  for (const list of bySku.values()) list.sort((a, b) => (a.userPrincipalName.toLowerCase() < b.userPrincipalName.toLowerCase() ? -1 : 1));
  return bySku;
}
