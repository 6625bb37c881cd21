import { DEFAULT_SETTINGS, type Settings } from '../state/settings.js';

/**
 * The settings of the latest apply that recorded them (every apply does
 * since migration 0006; read with the catalog, read-catalog.ts), as their
 * JSON text, with settings added since filled in by their defaults; null
 * when no apply recorded any. The text is what the writer role appended, so
 * a value of the wrong type is left out (its default stands): plans hold the
 * configuration's limits to these, and a text where a number belongs
 * (Math.max(2, 'x') is NaN, and no count is below NaN) turned the
 * configuration's own limit off, or a null map stopped every plan.
 */
export function appliedSettings(text: string | null): Settings | null {
  if (text === null) return null;
  const recorded: unknown = JSON.parse(text);
  if (typeof recorded !== 'object' || recorded === null || Array.isArray(recorded)) return { ...DEFAULT_SETTINGS };
  const settings: Record<string, unknown> = { ...DEFAULT_SETTINGS };
  for (const [name, fallback] of Object.entries(DEFAULT_SETTINGS) as [keyof Settings, unknown][]) {
    const value = (recorded as Record<string, unknown>)[name];
    if (value !== undefined && fits(value, fallback, name)) settings[name] = value;
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

const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value) && value >= 0;
