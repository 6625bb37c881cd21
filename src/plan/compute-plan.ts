import { GLOBAL_ADMINISTRATOR, type Catalog } from '../catalog/catalog.js';
import type { Settings } from '../state/settings.js';
import type { LicenseAssignment, TenantState, User } from '../state/tenant-state.js';
import { CHANGE_KINDS, type Change, type ChangeKind } from './change.js';
import { diffUser } from './diff-user.js';
import type { Plan, PlanSummary, PlannedChange } from './plan.js';
import { approvalsFor, deletionsAboveThreshold, deletionWarning, risksOf } from './risk.js';
import { seatOutcome } from './seats.js';

export interface PlanInput {
  readonly desired: TenantState;
  readonly current: TenantState;
  readonly catalog: Catalog;
  readonly settings: Settings;
}

export interface PlanResult {
  readonly plan: Plan;
  /** Why this plan may not be applied at all (lockout, unbuyable seats). */
  readonly problems: readonly string[];
}

const KIND_ORDER = new Map(CHANGE_KINDS.map((kind, index) => [kind, index]));

/** Within one user: by kind, then by the role or sku it concerns. */
function detailKey(change: Change): string {
  if ('roleTemplateId' in change) return change.roleName;
  if ('sku' in change) return change.sku;
  if ('license' in change) return change.license.sku;
  return '';
}

function compareChanges(a: Change, b: Change): number {
  const ka = a.userPrincipalName.toLowerCase();
  const kb = b.userPrincipalName.toLowerCase();
  if (ka !== kb) return ka < kb ? -1 : 1;
  const order = (KIND_ORDER.get(a.kind) ?? 0) - (KIND_ORDER.get(b.kind) ?? 0);
  if (order !== 0) return order;
  const da = detailKey(a);
  const db = detailKey(b);
  return da < db ? -1 : da > db ? 1 : 0;
}

const isActive = (user: User | undefined): user is User => user !== undefined && !user.directory?.deletedAt;

/** Every user as the tenant would have them after the plan: declared ones as declared, the rest as they are. */
function usersAfter(input: PlanInput, keys: readonly string[]): User[] {
  return keys.flatMap((key) => {
    const desired = input.desired.users.get(key);
    const current = input.current.users.get(key);
    if (desired) return [desired];
    if (isActive(current) && !current.directory?.managed) return [current];
    return [];
  });
}

function enabledGlobalAdmins(users: Iterable<User>): number {
  let count = 0;
  for (const user of users) if (user.accountEnabled && user.roles.includes(GLOBAL_ADMINISTRATOR)) count++;
  return count;
}

function summarize(changes: readonly Change[], seatsToPurchase: number): PlanSummary {
  const byKind: Partial<Record<ChangeKind, number>> = {};
  const created = new Set<string>();
  const deleted = new Set<string>();
  const touched = new Set<string>();
  for (const change of changes) {
    byKind[change.kind] = (byKind[change.kind] ?? 0) + 1;
    const key = change.userPrincipalName.toLowerCase();
    if (change.kind === 'user.create' || change.kind === 'user.restore') created.add(key);
    else if (change.kind === 'user.delete') deleted.add(key);
    touched.add(key);
  }
  const updated = [...touched].filter((key) => !created.has(key) && !deleted.has(key));
  return { create: created.size, update: updated.length, delete: deleted.size, seatsToPurchase, byKind };
}

/**
 * Compares desired with current state. Pure: no I/O, no clock, no
 * randomness; the same inputs give the same plan in any input order.
 */
export function computePlan(input: PlanInput): PlanResult {
  const keys = [...new Set([...input.desired.users.keys(), ...input.current.users.keys()])].sort();
  // The roles each change's user holds now, whatever UPN the change carries (renames).
  const heldRoles = new Map<Change, readonly string[]>();
  const changes = keys
    .flatMap((key) => {
      const current = input.current.users.get(key);
      const userChanges = diffUser(input.desired.users.get(key), current);
      for (const change of userChanges) heldRoles.set(change, current?.roles ?? []);
      return userChanges;
    })
    .sort(compareChanges);

  const activeNow = keys.map((key) => input.current.users.get(key)).filter(isActive);
  const after = usersAfter(input, keys);
  const seats = seatOutcome(
    input.catalog.subscriptions,
    activeNow.map((user) => user.licenses),
    after.map((user): readonly LicenseAssignment[] => user.licenses),
    input.settings,
  );
  const purchased = new Set(seats.purchases.map((p) => p.sku));
  const planned: PlannedChange[] = changes.map((change) => ({ change, risks: risksOf(change, purchased, heldRoles.get(change) ?? []) }));

  const deletions = changes.filter((c) => c.kind === 'user.delete').length;
  const managedUsers = activeNow.filter((user) => user.directory?.managed).length;
  const deletionProblem = deletionsAboveThreshold({ deletions, managedUsers, settings: input.settings });

  const problems = [...seats.problems];
  const admins = enabledGlobalAdmins(after);
  if (admins < input.settings.minGlobalAdmins) {
    problems.push(
      `this plan would leave ${admins} enabled Global administrator(s), fewer than settings.minGlobalAdmins (${input.settings.minGlobalAdmins}); the tenant would be locked out of administration`,
    );
  }
  for (const change of changes) {
    if ((change.kind === 'user.create' || change.kind === 'user.password-reset') && change.notify.length === 0 && !input.settings.adminEmail) {
      problems.push(
        `nobody would receive the temporary password of ${change.userPrincipalName}: set notify on the user or settings.adminEmail`,
      );
    }
  }
  const monthlyCostIncrease = Math.round(seats.purchases.reduce((sum, p) => sum + p.monthlyCost * 100, 0)) / 100;
  const seatsToPurchase = seats.purchases.reduce((sum, p) => sum + p.quantity, 0);
  const unmanagedUsers = activeNow.filter((user) => !user.directory?.managed && !input.desired.users.has(user.userPrincipalName.toLowerCase()));
  return {
    plan: {
      changes: planned,
      purchases: seats.purchases,
      freedSeats: seats.freedSeats,
      currency: input.catalog.subscriptions[0]?.currency ?? 'USD',
      monthlyCostIncrease,
      summary: summarize(changes, seatsToPurchase),
      approvals: approvalsFor(seats.purchases.length > 0, deletionProblem, planned.some((p) => p.risks.includes('privileged'))),
      warnings: deletionWarning(deletionProblem),
      unmanagedUsers: unmanagedUsers.map((user) => user.userPrincipalName),
    },
    problems,
  };
}
