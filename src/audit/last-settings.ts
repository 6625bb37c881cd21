import { DEFAULT_SETTINGS, type Settings } from '../state/settings.js';

/**
 * The settings of the latest apply that recorded them (every apply does
 * since migration 0006; read with the catalog, read-catalog.ts), as their
 * JSON text, with settings added since filled in by their defaults; null
 * when no apply recorded any.
 */
export function appliedSettings(text: string | null): Settings | null {
  return text === null ? null : { ...DEFAULT_SETTINGS, ...(JSON.parse(text) as Partial<Settings>) };
}
