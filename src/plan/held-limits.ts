import type { Settings } from '../state/settings.js';
import type { PlanWarning } from './plan.js';

/**
 * The safety limits a plan is held to: for each, the stricter of the
 * configuration's and the latest apply's. The configuration comes from the
 * pull request under review, so one that lowers settings.minGlobalAdmins
 * while revoking an administrator, or raises settings.maxMonthlyPurchaseCost
 * or a settings.maxSeats cap while buying, would waive the very limit meant to
 * stop it, and its plan said nothing of the change. As for the deletion limits
 * (risk.ts), a loosened limit counts once an apply has recorded it.
 */
export function heldSettings(settings: Settings, applied: Settings | null): Settings {
  if (!applied) return settings;
  const maxSeats: Record<string, number> = { ...settings.maxSeats };
  for (const [sku, cap] of Object.entries(applied.maxSeats)) maxSeats[sku] = Math.min(cap, maxSeats[sku] ?? cap);
  return {
    ...settings,
    minGlobalAdmins: Math.max(settings.minGlobalAdmins, applied.minGlobalAdmins),
    maxGlobalAdmins: Math.min(settings.maxGlobalAdmins, applied.maxGlobalAdmins),
    maxMonthlyPurchaseCost: stricterCap(settings.maxMonthlyPurchaseCost, applied.maxMonthlyPurchaseCost),
    maxSeats,
  };
}

/** The lower of two caps, where null is none. */
function stricterCap(configured: number | null, applied: number | null): number | null {
  if (applied === null) return configured;
  return configured === null ? applied : Math.min(configured, applied);
}

/** What a refusal adds when the limit it applies is the latest apply's, not the configuration's. */
export function heldNote(configured: number | null): string {
  return ` as last applied; the configuration's ${shown(configured)} counts once an apply has recorded it`;
}

const shown = (value: number | null | undefined): string => (value === null || value === undefined ? 'none' : String(value));

/**
 * One warning per limit the configuration loosens from the latest apply's,
 * naming both values. `takesAdminAway`: whether the plan leaves fewer enabled
 * Global administrators than there are; one that does not is held to the
 * configuration's minGlobalAdmins (compute-plan.ts), and is told so.
 */
export function loosenedGuardWarnings(settings: Settings, applied: Settings | null, takesAdminAway = true): PlanWarning[] {
  if (!applied) return [];
  const held = heldSettings(settings, applied);
  const loosened: { readonly name: string; readonly from: number | null; readonly to: number | null | undefined }[] = [];
  if (held.minGlobalAdmins !== settings.minGlobalAdmins) loosened.push({ name: 'minGlobalAdmins', from: applied.minGlobalAdmins, to: settings.minGlobalAdmins });
  if (held.maxGlobalAdmins !== settings.maxGlobalAdmins) loosened.push({ name: 'maxGlobalAdmins', from: applied.maxGlobalAdmins, to: settings.maxGlobalAdmins });
  if (held.maxMonthlyPurchaseCost !== settings.maxMonthlyPurchaseCost) {
    loosened.push({ name: 'maxMonthlyPurchaseCost', from: applied.maxMonthlyPurchaseCost, to: settings.maxMonthlyPurchaseCost });
  }
  for (const [sku, cap] of Object.entries(held.maxSeats)) {
    if (settings.maxSeats[sku] !== cap) loosened.push({ name: `maxSeats.${sku}`, from: cap, to: settings.maxSeats[sku] });
  }
  return loosened.map(({ name, from, to }) => ({
    code: 'SAFETY_LIMIT_LOOSENED',
    message:
      name === 'minGlobalAdmins' && !takesAdminAway
        ? `settings.${name} changes from ${shown(from)} (as last applied) to ${shown(to)}, a looser limit: this plan takes no Global administrator away and counts ${shown(to)}; one that takes one away is held to ${shown(from)} until an apply has recorded the new limit`
        : `settings.${name} changes from ${shown(from)} (as last applied) to ${shown(to)}, a looser limit: this plan is still held to ${shown(from)}, and the new limit counts once an apply has recorded it`,
  }));
}
