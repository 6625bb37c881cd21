import type { Change, ChangeKind, RiskClass } from './change.js';

/** Seats to buy for one subscription so the plan's assignments fit. */
export interface Purchase {
  readonly sku: string;
  readonly productName: string;
  readonly quantity: number;
  readonly unitPrice: number;
  readonly currency: string;
  /** quantity × unitPrice, rounded to cents. */
  readonly monthlyCost: number;
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
}

export interface PlanSummary {
  readonly create: number;
  readonly update: number;
  readonly delete: number;
  readonly seatsToPurchase: number;
  readonly byKind: Readonly<Partial<Record<ChangeKind, number>>>;
}
