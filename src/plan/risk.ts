import type { Settings } from '../state/settings.js';
import type { LossCounts } from './access-losses.js';
import type { Change, ChangeKind, RiskClass } from './change.js';
import type { Approval, PlanWarning } from './plan.js';
import { isPrivilegedChange } from './privileged-roles.js';

const none = (): RiskClass[] => [];

/**
 * The risk classes of each kind of change; deletion (access-losses.ts),
 * purchases (by sku) and privileged (privileged-roles.ts) are added by risksOf.
 */
const RISKS: Record<ChangeKind, (change: Change) => RiskClass[]> = {
  'user.create': (change) => (change.kind === 'user.create' && !change.accountEnabled ? ['sign-in-blocked'] : []),
  'user.update': none,
  'user.delete': none,
  'user.restore': none,
  // A rename keeps the account, its roles and licences: it deletes nothing.
  'user.rename': none,
  'user.purge': none,
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

/**
 * `heldRoles`: the admin roles the change's user holds now (empty for a new
 * user). `countsAsLoss`: the deletion threshold counts the change
 * (accessLosses), whether or not the plan passes the threshold: as a deletion
 * always carries `deletion`, so does every change counted with it, and
 * renderers list them as needing --approve-deletions only when the plan's
 * approvals include `deletions`.
 */
export function risksOf(change: Change, purchasedSkus: ReadonlySet<string>, heldRoles: readonly string[], countsAsLoss: boolean): RiskClass[] {
  const risks = RISKS[change.kind](change);
  if (countsAsLoss) risks.push('deletion');
  if (change.kind === 'license.assign' && purchasedSkus.has(change.license.sku)) risks.push('purchase');
  if (isPrivilegedChange(change, heldRoles)) risks.push('privileged');
  return risks;
}

/**
 * What the deletion threshold weighs. Blocks and users left without any
 * licence count with the deletions (access-losses.ts): one line
 * (`defaults: {accountEnabled: false}`, or `licenses` removed from the
 * defaults) takes a whole company's access away as surely as deleting it.
 */
export interface DeletionCheck extends LossCounts {
  readonly managedUsers: number;
  readonly settings: Settings;
  /** The settings the latest apply recorded; null when none did. */
  readonly applied: Settings | null;
}

type DeletionSetting = 'maxDeletions' | 'maxDeletionPercent';
const DELETION_SETTINGS: readonly DeletionSetting[] = ['maxDeletions', 'maxDeletionPercent'];

/**
 * The limit a plan is held to: the configuration's, or the last apply's when
 * that is lower. The configuration comes from the change under review, so a
 * pull request that raises the limit and deletes in one go would otherwise
 * waive the approval meant for it; a raised limit counts once applied.
 */
function deletionLimit(setting: DeletionSetting, { settings, applied }: DeletionCheck): { readonly value: number; readonly text: string } {
  const unit = setting === 'maxDeletionPercent' ? '%' : '';
  if (applied && applied[setting] < settings[setting]) {
    return { value: applied[setting], text: `${applied[setting]}${unit} as last applied; the configuration's ${settings[setting]}${unit} counts once an apply has recorded it` };
  }
  return { value: settings[setting], text: `${settings[setting]}${unit}` };
}

const LOSSES = [
  { count: (check: LossCounts) => check.deletions, verb: 'deleted', label: 'deleted' },
  { count: (check: LossCounts) => check.blocks, verb: 'blocked from signing in', label: 'blocked' },
  { count: (check: LossCounts) => check.unlicensed, verb: 'left without any licence', label: 'without a licence' },
] as const;

/** "would be deleted", or with more kinds "would be deleted or blocked from signing in (2 deleted, 9 blocked)". */
export function lostAccess(check: LossCounts): string {
  const losses = LOSSES.filter((loss) => loss.count(check) > 0);
  const [only] = losses;
  if (only && losses.length === 1) return `would be ${only.verb}`;
  const verbs = losses.map((loss) => loss.verb);
  return `would be ${verbs.slice(0, -1).join(', ')} or ${verbs.at(-1)} (${losses.map((loss) => `${loss.count(check)} ${loss.label}`).join(', ')})`;
}

/**
 * Over the threshold: more than maxDeletions users, or more than
 * maxDeletionPercent of the managed users, deleted, blocked or left without
 * any licence (each user counted once).
 */
export function deletionsAboveThreshold(check: DeletionCheck): string | null {
  const { managedUsers } = check;
  const users = check.deletions + check.blocks + check.unlicensed;
  if (users === 0) return null;
  const most = deletionLimit('maxDeletions', check);
  if (users > most.value) {
    return `${users} ${users === 1 ? 'user' : 'users'} ${lostAccess(check)}, more than settings.maxDeletions (${most.text})`;
  }
  const percent = managedUsers === 0 ? 100 : (users / managedUsers) * 100;
  const share = deletionLimit('maxDeletionPercent', check);
  if (percent > share.value) {
    return `${users} of ${managedUsers} managed users (${Math.round(percent)}%) ${lostAccess(check)}, more than settings.maxDeletionPercent (${share.text})`;
  }
  return null;
}

/** Each deletion limit the configuration raises above the last apply's, for reviewers to see in the pull request. */
export function loosenedLimitWarnings(settings: Settings, applied: Settings | null): PlanWarning[] {
  if (!applied) return [];
  return DELETION_SETTINGS.filter((setting) => settings[setting] > applied[setting]).map((setting) => ({
    code: 'DELETION_LIMIT_RAISED',
    message: `settings.${setting} rises from ${applied[setting]} (as last applied) to ${settings[setting]}: this plan is still held to ${applied[setting]}, and the new limit counts once an apply has recorded it`,
  }));
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
