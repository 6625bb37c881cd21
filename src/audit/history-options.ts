import { TenantctlError } from '../diagnostics/tenantctl-error.js';

const UNIT_MS: Readonly<Record<string, number>> = { h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
/** Date.parse rolls 2026-02-31 over to March 3; a real day reads back the same. */
function realDay(day: string): boolean {
  const midnight = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(midnight.getTime()) && midnight.toISOString().slice(0, 10) === day;
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i;

/**
 * `--since`: an age (`12h`, `7d`, `2w`, counted back from `now`), an ISO date
 * (`2026-11-25`, midnight UTC) or an ISO time with its offset
 * (`2026-11-25T14:00:00Z`). Anything else is refused, naming what is accepted.
 */
export function parseSince(text: string, now: Date): Date {
  const value = text.trim();
  const age = /^(\d+)([hdw])$/.exec(value);
  if (age) {
    const since = now.getTime() - Number(age[1]) * (UNIT_MS[age[2] ?? ''] ?? 0);
    // An age longer than a date can hold (99999999999d) asks for everything, as one back to 1970 does.
    return new Date(Number.isFinite(since) && since > 0 ? since : 0);
  }
  if (ISO_DATE.test(value) || ISO_TIME.test(value)) {
    const time = new Date(ISO_DATE.test(value) ? `${value}T00:00:00Z` : value);
    if (!Number.isNaN(time.getTime()) && realDay(value.slice(0, 10))) return time;
  }
  throw new TenantctlError(
    `--since ${JSON.stringify(text)} is not a date: use an age such as 12h, 7d or 2w, a date such as 2026-11-25 (UTC), or a time such as 2026-11-25T14:00:00Z`,
  );
}

/** `--limit`: a whole number of entries (applies and other writes), at least 1. */
export function parseLimit(text: string): number {
  const value = text.trim();
  if (!/^\d+$/.test(value) || Number(value) < 1 || !Number.isSafeInteger(Number(value))) {
    throw new TenantctlError(`--limit takes a whole number of entries, at least 1 (got ${JSON.stringify(text)})`);
  }
  return Number(value);
}

/** `--user`: a user principal name, as `name@domain`; matched in any case. */
export function parseUser(text: string): string {
  const value = text.trim();
  if (!/^[^@\s]+@[^@\s]+$/.test(value) || value.length > 256) {
    throw new TenantctlError(`--user takes a user principal name such as megan.bowen@contoso.com (got ${JSON.stringify(text)})`);
  }
  return value;
}
