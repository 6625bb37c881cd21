import type { Queryable } from '../db/database.js';
import { DEFAULT_SETTINGS, type Settings } from '../state/settings.js';

/**
 * The settings of the latest apply that recorded them (every apply does
 * since migration 0006), with settings added since filled in by their
 * defaults; null when no apply recorded any.
 */
export async function readLastSettings(db: Queryable): Promise<Settings | null> {
  const [row] = await db.query<{ settings: Partial<Settings> }>(
    'SELECT settings FROM applies WHERE settings IS NOT NULL ORDER BY id DESC LIMIT 1',
  );
  return row ? { ...DEFAULT_SETTINGS, ...row.settings } : null;
}
