import type { SettingToRecord } from '../plan/settings-to-record.js';
import { formatValue, visible, type ChangeLine } from './change-lines.js';

/** A recorded or configured value: `none` where there is none, an address quoted, both escaped for a terminal. */
const shown = (value: SettingToRecord['before']): string => (value === null ? 'none' : formatValue(value));

/**
 * `~ settings.minGlobalAdmins: 2 → 1`: one line per setting a plan records
 * (or an apply recorded), as the latest apply recorded it, then as it will
 * be. `+` where none was recorded, `-` where the configuration has none.
 * Plain text with every value (a part number, an address) through `visible`,
 * as change-lines.ts makes change lines: each renderer escapes further for
 * its own output.
 */
export function settingLines(records: readonly SettingToRecord[]): ChangeLine[] {
  return records.map((record) => ({
    sign: record.before === null ? '+' : record.after === null ? '-' : '~',
    text: `settings.${visible(record.setting)}: ${shown(record.before)} → ${shown(record.after)}`,
    depth: 0,
  }));
}

/** `1 setting`, `3 settings`. */
export const settingCount = (n: number): string => `${n} ${n === 1 ? 'setting' : 'settings'}`;
