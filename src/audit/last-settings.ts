import { DEFAULT_SETTINGS, type Settings } from '../state/settings.js';

/**
 * The settings of the latest apply that recorded them (every apply does
 * since migration 0006; read with the catalog, read-catalog.ts), as their
 * JSON text, with settings added since filled in by their defaults; null
 * when no apply recorded any; per-subscription entries only for
 * `subscriptions`. The text is what the writer role appended, so
 * a value of the wrong type is left out (its default stands): plans hold the
 * configuration's limits to these, and a text where a number belongs
 * (Math.max(2, 'x') is NaN, and no count is below NaN) turned the
 * configuration's own limit off, or a null map stopped every plan.
 */
export function appliedSettings(text: string | null, subscriptions: ReadonlySet<string>): Settings | null {
  if (text === null) return null;
  const recorded: unknown = JSON.parse(text);
  if (typeof recorded !== 'object' || recorded === null || Array.isArray(recorded)) return { ...DEFAULT_SETTINGS };
  const settings: Record<string, unknown> = { ...DEFAULT_SETTINGS };
  for (const [name, fallback] of Object.entries(DEFAULT_SETTINGS) as [keyof Settings, unknown][]) {
    const value = (recorded as Record<string, unknown>)[name];
    if (value === undefined || !fits(value, fallback, name)) continue;
    settings[name] = name === 'maxSeats' || name === 'spareSeats' ? ofSubscriptions(value as Record<string, number>, subscriptions) : value;
  }
  return settings as unknown as Settings;
}

/** Whether a recorded value has the type of the setting (maxMonthlyPurchaseCost and adminEmail may be null). */
function fits(value: unknown, fallback: unknown, name: keyof Settings): boolean {
  if (value === null) return name === 'maxMonthlyPurchaseCost' || name === 'adminEmail';
  if (name === 'adminEmail') return typeof value === 'string';
  if (typeof fallback === 'number' || name === 'maxMonthlyPurchaseCost') return isCount(value);
  if (typeof fallback === 'object') {
    return typeof value === 'object' && !Array.isArray(value) && Object.values(value as object).every(isCount);
  }
  return false;
}

/**
 * A per-subscription setting's entries for the catalog's subscriptions
 * (`subscriptions`, their part numbers): a configuration can name no other
 * (LICENSE_UNKNOWN_SKU), and the record may name anything. A key such as
 * `toString`, read by indexing, was what every object inherits (plans showed
 * `settings.maxSeats.toString: 1 → function toString() { [native code] }`,
 * held the cap to NaN, and wrote plan JSON outside its schema); thousands of
 * keys were each a setting to record and a loosened limit in every plan,
 * cutting the pull-request comment's approvals off after its warnings.
 */
function ofSubscriptions(map: Readonly<Record<string, number>>, subscriptions: ReadonlySet<string>): Record<string, number> {
  return Object.fromEntries(Object.entries(map).filter(([sku]) => subscriptions.has(sku)));
}

const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value) && value >= 0;
