import type { Settings } from '../state/settings.js';
import type { Change, ChangeKind, RiskClass } from './change.js';
import type { Approval, PlanWarning } from './plan.js';
import { isPrivilegedChange } from './privileged-roles.js';

const none = (): RiskClass[] => [];

/** The risk classes of each kind of change; purchases (by sku) and privileged (privileged-roles.ts) are added by risksOf. */
const RISKS: Record<ChangeKind, (change: Change) => RiskClass[]> = {
  'user.create': (change) => (change.kind === 'user.create' && !change.accountEnabled ? ['sign-in-blocked'] : []),
  'user.update': none,
  'user.delete': () => ['deletion'],
  'user.restore': none,
  'user.adopt': none,
  'user.block': () => ['sign-in-blocked'],
  'user.unblock': none,
  'user.password-reset': none,
  'role.grant': none,
  'role.revoke': none,
  'license.assign': none,
  'license.update': none,
  'license.remove': none,
};

/** `heldRoles`: the admin roles the change's user holds now (empty for a new user). */
export function risksOf(change: Change, purchasedSkus: ReadonlySet<string>, heldRoles: readonly string[]): RiskClass[] {
  const risks = RISKS[change.kind](change);
  if (change.kind === 'license.assign' && purchasedSkus.has(change.license.sku)) risks.push('purchase');
  if (isPrivilegedChange(change, heldRoles)) risks.push('privileged');
  return risks;
}

export interface DeletionCheck {
  readonly deletions: number;
  readonly managedUsers: number;
  readonly settings: Settings;
}

/** Over the threshold: more than maxDeletions users, or more than maxDeletionPercent of the managed users. */
export function deletionsAboveThreshold({ deletions, managedUsers, settings }: DeletionCheck): string | null {
  if (deletions === 0) return null;
  if (deletions > settings.maxDeletions) {
    return `${deletions} users would be deleted, more than settings.maxDeletions (${settings.maxDeletions})`;
  }
  const percent = managedUsers === 0 ? 100 : (deletions / managedUsers) * 100;
  if (percent > settings.maxDeletionPercent) {
    return `${deletions} of ${managedUsers} managed users (${Math.round(percent)}%) would be deleted, more than settings.maxDeletionPercent (${settings.maxDeletionPercent}%)`;
  }
  return null;
}

export function approvalsFor(hasPurchases: boolean, deletionProblem: string | null, hasPrivileged: boolean): Approval[] {
  return [
    ...(hasPurchases ? (['purchase'] as const) : []),
    ...(deletionProblem ? (['deletions'] as const) : []),
    ...(hasPrivileged ? (['privileged'] as const) : []),
  ];
}

export function deletionWarning(problem: string | null): PlanWarning[] {
  return problem ? [{ code: 'DELETION_THRESHOLD', message: `${problem}; apply needs --approve-deletions` }] : [];
}
