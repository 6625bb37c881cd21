import { DEFAULT_SETTINGS, type Settings } from '../state/settings.js';
import { jsonEqual } from './json-equal.js';

/**
 * One setting whose configured value differs from the one the latest apply
 * recorded: applying the plan records `after`, as Terraform records changed
 * outputs. `setting` is a name of `settings` (tenant.schema.json), or for a
 * per-subscription setting `maxSeats.SKU` / `spareSeats.SKU` (part numbers
 * hold no dot). `before` and `after` are null where there is none (no cap, no
 * address, the subscription not listed).
 */
export interface SettingToRecord {
  readonly setting: string;
  readonly before: number | string | null;
  readonly after: number | string | null;
}

type Value = SettingToRecord['before'];

/**
 * Every setting the configuration gives another value than the latest apply
 * recorded, in the order of `Settings`, a per-subscription setting's entries
 * by part number. The limits a plan is held to (held-limits.ts, risk.ts) and
 * where temporary passwords are copied (admin-email-warnings.ts) change only
 * when recorded, and a pull request that changes nothing else must be able to
 * record them: this is what makes its plan one with changes.
 *
 * None when no apply recorded settings yet: then the configuration's limits
 * hold in full (nothing is held to a recorded one, no warning names one),
 * the first apply that changes the tenant records them, and a tenant just
 * created, or an empty directory the configuration matches, plans to "No
 * changes" as it always did.
 *
 * Exact comparison, adminEmail's case included: the record is what `export`
 * writes back.
 */
export function settingsToRecord(settings: Settings, applied: Settings | null): SettingToRecord[] {
  if (!applied) return [];
  const differing: SettingToRecord[] = [];
  for (const name of Object.keys(DEFAULT_SETTINGS) as (keyof Settings)[]) {
    const before: unknown = applied[name];
    const after: unknown = settings[name];
    if (jsonEqual(before, after)) continue;
    if (isMap(before) || isMap(after)) differing.push(...mapEntries(name, isMap(before) ? before : {}, isMap(after) ? after : {}));
    else differing.push({ setting: name, before: before as Value, after: after as Value });
  }
  return differing;
}

const isMap = (value: unknown): value is Readonly<Record<string, number>> => typeof value === 'object' && value !== null && !Array.isArray(value);

function mapEntries(name: string, before: Readonly<Record<string, number>>, after: Readonly<Record<string, number>>): SettingToRecord[] {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return keys
    .filter((key) => before[key] !== after[key])
    .map((key) => ({ setting: `${name}.${key}`, before: before[key] ?? null, after: after[key] ?? null }));
}

/**
 * Why a plan is stale for the settings recorded since it was made, or null:
 * the settings it records (none included) were worked out against the record
 * of the latest apply then, and another apply may have recorded others since
 * (or this very plan, applied already). Its limits were held to that record
 * too. `now`: the same list against the record read under the apply lock.
 */
export function recordedSettingsChanged(planned: readonly SettingToRecord[] | undefined, now: readonly SettingToRecord[]): string | null {
  if (jsonEqual(planned ?? [], now)) return null;
  return 'the settings recorded by the latest apply changed since this plan was made (an apply recorded settings meanwhile)';
}
