import type { Queryable } from '../db/database.js';
import { DEFAULT_SETTINGS, type Settings } from '../state/settings.js';

/**
 * The settings of the latest apply that recorded them (every apply does
 * since migration 0006), with settings added since filled in by their
 * defaults; null when no apply recorded any.
 */
export async function readLastSettings(db: Queryable): Promise<Settings | null> {
  const [row] = await db.query<{ settings: string }>(
    'SELECT settings::text AS settings FROM applies WHERE settings IS NOT NULL ORDER BY id DESC LIMIT 1',
  );
  return appliedSettings(row?.settings ?? null);
}

/** Recorded settings (their JSON text) with those added since filled in by their defaults. */
export function appliedSettings(text: string | null): Settings | null {
  return text === null ? null : { ...DEFAULT_SETTINGS, ...(JSON.parse(text) as Partial<Settings>) };
}
