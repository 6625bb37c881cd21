import { GLOBAL_ADMINISTRATOR } from '../catalog/catalog.js';
import type { Settings } from '../state/settings.js';
import type { Change, ChangeKind, RiskClass } from './change.js';
import type { Approval, PlanWarning } from './plan.js';

const none = (): RiskClass[] => [];
const privilegedRole = (change: Change): RiskClass[] =>
  'roleTemplateId' in change && change.roleTemplateId === GLOBAL_ADMINISTRATOR ? ['privileged'] : [];

/** The risk classes of each kind of change; purchases are added by sku. */
const RISKS: Record<ChangeKind, (change: Change) => RiskClass[]> = {
  'user.create': (change) => (change.kind === 'user.create' && !change.accountEnabled ? ['sign-in-blocked'] : []),
  'user.update': none,
  'user.delete': () => ['deletion'],
  'user.restore': none,
  // A rename keeps the account, its roles and licences: it deletes nothing.
  'user.rename': none,
  'user.purge': none,
  'user.adopt': none,
  'user.block': () => ['sign-in-blocked'],
  'user.unblock': none,
  'user.password-reset': none,
  'role.grant': privilegedRole,
  'role.revoke': privilegedRole,
  'license.assign': none,
  'license.update': none,
  'license.remove': none,
};

export function risksOf(change: Change, purchasedSkus: ReadonlySet<string>): RiskClass[] {
  const risks = RISKS[change.kind](change);
  if (change.kind === 'license.assign' && purchasedSkus.has(change.license.sku)) risks.push('purchase');
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

export function approvalsFor(hasPurchases: boolean, deletionProblem: string | null): Approval[] {
  return [...(hasPurchases ? (['purchase'] as const) : []), ...(deletionProblem ? (['deletions'] as const) : [])];
}

export function deletionWarning(problem: string | null): PlanWarning[] {
  return problem ? [{ code: 'DELETION_THRESHOLD', message: `${problem}; apply needs --approve-deletions` }] : [];
}
