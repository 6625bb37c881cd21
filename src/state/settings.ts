/**
 * Safety limits from the configuration's `settings`, with the documented
 * defaults filled in. Thresholds: an apply deleting, blocking or taking every
 * licence from more than `maxDeletions` users, or more than
 * `maxDeletionPercent` of the managed users (counted together), needs
 * `--approve-deletions`.
 */
export interface Settings {
  readonly minGlobalAdmins: number;
  readonly adminEmail: string | null;
  readonly maxDeletions: number;
  readonly maxDeletionPercent: number;
  /** Per-sku cap on purchased seats after this plan; absent = no cap. */
  readonly maxSeats: Readonly<Record<string, number>>;
  /** Refuse plans whose purchases cost more than this per month; null = no cap. */
  readonly maxMonthlyPurchaseCost: number | null;
  /** Per-sku seats to keep free after each plan; falling below proposes a purchase (which still needs approval). */
  readonly spareSeats: Readonly<Record<string, number>>;
  /**
   * More enabled Global administrators than this is a warning at plan; a plan
   * that adds one above it needs --approve-privileged. Microsoft recommends
   * fewer than five, hence 4.
   */
  readonly maxGlobalAdmins: number;
}

export const DEFAULT_SETTINGS: Settings = {
  minGlobalAdmins: 1,
  adminEmail: null,
  maxDeletions: 10,
  maxDeletionPercent: 25,
  maxSeats: {},
  maxMonthlyPurchaseCost: null,
  spareSeats: {},
  maxGlobalAdmins: 4,
};
