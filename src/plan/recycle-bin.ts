/**
 * Entra's "Deleted users" (DOMAIN.md, Lifecycle facts): a deleted user stays
 * restorable, with its id, for 30 days from its deletion; after that it is
 * gone for good and its UPN may be used by a new account. Pure: the caller
 * passes the time ("now"); nothing here reads a clock.
 */
export const RECYCLE_BIN_DAYS = 30;

const DAY_MS = 24 * 60 * 60 * 1000;

/** The last moment a user deleted at `deletedAt` can be restored (ISO 8601). */
export function restorableUntil(deletedAt: string | Date): string {
  const deleted = typeof deletedAt === 'string' ? Date.parse(deletedAt) : deletedAt.getTime();
  return new Date(deleted + RECYCLE_BIN_DAYS * DAY_MS).toISOString();
}

/** Past the 30 days: the deleted user can no longer be restored. */
export function isExpired(deletedAt: string, now: Date): boolean {
  return now.getTime() > Date.parse(restorableUntil(deletedAt));
}

/** Whole days left to restore (0 on the last day); negative once expired. */
export function daysRemaining(deletedAt: string, now: Date): number {
  return Math.floor((Date.parse(restorableUntil(deletedAt)) - now.getTime()) / DAY_MS);
}
