import type { Change, ChangeKind, RiskClass } from './change.js';
import type { ReclaimableSeat } from './reclaimable-seats.js';
import type { SettingToRecord } from './settings-to-record.js';
import type { UserSnapshot } from './user-snapshot.js';

/** Seats to buy for one subscription so the plan's assignments fit. */
export interface Purchase {
  readonly sku: string;
  readonly productName: string;
  readonly quantity: number;
  readonly unitPrice: number;
  readonly currency: string;
  /** quantity × unitPrice, rounded to cents. */
  readonly monthlyCost: number;
  /** How many of `quantity` only keep settings.spareSeats free (none of the plan's assignments needs them). */
  readonly spare: number;
  /** Blocked users holding a seat of this subscription: seats to reclaim instead of buying. */
  readonly reclaimable: readonly ReclaimableSeat[];
}

/** Seats a plan frees (removals, deletions) that stay paid for until released. */
export interface FreedSeats {
  readonly sku: string;
  readonly quantity: number;
  readonly monthlyValue: number;
}

export type Approval = 'purchase' | 'deletions' | 'privileged';

/** A change with the risk classes it carries; the plan's unit of review. */
export interface PlannedChange {
  readonly change: Change;
  readonly risks: readonly RiskClass[];
  /** For changes of kind `user.*`: the user as it is (null: no such user) and as the plan leaves it (null: gone). */
  readonly states?: { readonly before: UserSnapshot | null; readonly after: UserSnapshot | null };
}

export interface PlanWarning {
  readonly code: string;
  readonly message: string;
}

/**
 * The result of comparing desired and current state: pure data. Changes are
 * sorted by user (lower-cased UPN) then by `CHANGE_KINDS` order, so the same
 * inputs always give the same plan, byte for byte.
 */
export interface Plan {
  readonly changes: readonly PlannedChange[];
  readonly purchases: readonly Purchase[];
  readonly freedSeats: readonly FreedSeats[];
  readonly currency: string;
  /** Monthly cost of the purchases. */
  readonly monthlyCostIncrease: number;
  readonly summary: PlanSummary;
  readonly approvals: readonly Approval[];
  readonly warnings: readonly PlanWarning[];
  /** Users present, not declared and not managed: never touched. Sorted. */
  readonly unmanagedUsers: readonly string[];
  /** Those of `unmanagedUsers` who hold an admin role: privileged ones first, then by UPN. */
  readonly unmanagedAdmins: readonly UnmanagedAdmin[];
  /** The settings applying this plan records (settings-to-record.ts): a plan with some has changes, though it changes no user. */
  readonly settingsToRecord: readonly SettingToRecord[];
}

/**
 * An unmanaged user holding admin roles, as drift's `user.unmanaged` names
 * it: `roles` are admin center names, sorted; `privileged` when one of them
 * is a privileged role of the catalog (Global administrator).
 */
export interface UnmanagedAdmin {
  readonly userPrincipalName: string;
  readonly roles: readonly string[];
  readonly privileged: boolean;
}

/** Users counted once each, by what happens to them: created, restored, renamed, deleted, or else updated. */
export interface PlanSummary {
  readonly create: number;
  readonly restore: number;
  readonly rename: number;
  readonly update: number;
  readonly delete: number;
  readonly seatsToPurchase: number;
  readonly byKind: Readonly<Partial<Record<ChangeKind, number>>>;
}
