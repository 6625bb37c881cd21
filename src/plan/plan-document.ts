import { changeAddress, type ChangeAddress } from './change-address.js';
import type { Change, RiskClass } from './change.js';
import { canonicalJson, quote, sha256 } from './canonical-json.js';
import type { Fingerprint } from './fingerprint.js';
import type { Settings } from '../state/settings.js';
import type { Plan } from './plan.js';
import type { SettingToRecord } from './settings-to-record.js';
import { RECYCLE_BIN_DAYS } from './recycle-bin.js';
import type { UserSnapshot } from './user-snapshot.js';

/**
 * 2.0 (issue 12): every change has an `address`; user changes carry the
 * user's `before` and `after`; purchases list `reclaimable` seats; the
 * summary counts restores and renames apart; new kinds user.rename and
 * user.purge. A 1.0 plan is refused: plan again.
 *
 * 2.1: user.block, user.unblock and license.update carry a `patch` (of the
 * user's state before the plan; state-patch.ts), as user.update did.
 * Additive: a 2.0 reader that ignores unknown fields reads a 2.1 plan. Apply
 * still takes only plans of its own version: a saved plan must be exactly
 * the recomputed one, which a 2.0 plan with these kinds is not.
 *
 * 2.2: `unmanagedAdmins` names the unmanaged users who hold admin roles, with
 * their roles, privileged ones first. Additive as 2.1 was.
 *
 * Still 2.2: `settingsToRecord` (the settings applying the plan records), only
 * in a plan that has some, as `adminCopyWithheld` is only on a change that
 * withholds: every plan without them is the same document, byte for byte.
 */
export const PLAN_FORMAT_VERSION = '2.2';

/**
 * One change as the JSON plan holds it: the change itself, its stable
 * address, its risks, and for `user.*` kinds the user's state before and
 * after (null: no such user / no longer there).
 */
export type DocumentChange = Change & {
  readonly address: ChangeAddress;
  readonly risks: readonly RiskClass[];
  readonly before?: UserSnapshot | null;
  readonly after?: UserSnapshot | null;
};

/**
 * The JSON plan of INTERFACE.md (`plan --format json`, and the file `--out`
 * writes), described by schemas/plan.schema.json. Holds no secret.
 */
export interface PlanDocument {
  readonly formatVersion: typeof PLAN_FORMAT_VERSION;
  readonly tenantctlVersion: string;
  /** sha256 of the configuration files; apply -c checks it still matches. */
  readonly configHash: string | null;
  /** The configuration's git commit at planning time, recorded by apply. */
  readonly gitCommit?: string | null;
  /** sha256 of the changes and purchases: what the audit trail records. */
  readonly planHash: string;
  readonly fingerprint: Fingerprint;
  /** The safety settings the plan was made with; apply enforces these. */
  readonly settings: Settings;
  /** The settings that differ from the latest apply's record, which applying this plan records; absent when none. */
  readonly settingsToRecord?: readonly SettingToRecord[];
  readonly summary: Plan['summary'];
  readonly approvals: Plan['approvals'];
  readonly warnings: Plan['warnings'];
  readonly cost: { readonly currency: string; readonly monthlyIncrease: number; readonly monthlyFreed: number };
  readonly purchases: Plan['purchases'];
  readonly freedSeats: Plan['freedSeats'];
  readonly changes: readonly DocumentChange[];
  readonly unmanagedUsers: Plan['unmanagedUsers'];
  readonly unmanagedAdmins: Plan['unmanagedAdmins'];
}

/**
 * The settings to record count only when there are some, so every other
 * plan keeps the hash it had: a file whose settingsToRecord were edited is
 * refused as one whose changes were (refuseTampered).
 */
export function planHash(plan: Pick<Plan, 'changes' | 'purchases'> & { readonly settingsToRecord?: readonly SettingToRecord[] }): string {
  const recorded = plan.settingsToRecord && plan.settingsToRecord.length > 0 ? { settingsToRecord: plan.settingsToRecord } : {};
  return sha256(canonicalJson({ changes: plan.changes.map((c) => c.change), purchases: plan.purchases, ...recorded }));
}

export interface PlanOrigin {
  readonly tenantctlVersion: string;
  readonly configHash: string | null;
  readonly gitCommit?: string | null;
  /** Or how to compute it, when first read: a plan only shown (text, markdown) never needs it. */
  readonly fingerprint: Fingerprint | (() => Fingerprint);
  readonly settings: Settings;
}

export function toPlanDocument(plan: Plan, origin: PlanOrigin): PlanDocument {
  const monthlyFreed = Math.round(plan.freedSeats.reduce((sum, f) => sum + f.monthlyValue * 100, 0)) / 100;
  const given = origin.fingerprint;
  let fingerprint: Fingerprint | undefined;
  return {
    formatVersion: PLAN_FORMAT_VERSION,
    tenantctlVersion: origin.tenantctlVersion,
    configHash: origin.configHash,
    ...(origin.gitCommit === undefined ? {} : { gitCommit: origin.gitCommit }),
    planHash: planHash(plan),
    // A getter in this place keeps the key order of the JSON document.
    get fingerprint(): Fingerprint {
      fingerprint ??= typeof given === 'function' ? given() : given;
      return fingerprint;
    },
    settings: origin.settings,
    ...(plan.settingsToRecord.length > 0 ? { settingsToRecord: plan.settingsToRecord } : {}),
    summary: plan.summary,
    approvals: plan.approvals,
    warnings: plan.warnings,
    cost: { currency: plan.currency, monthlyIncrease: plan.monthlyCostIncrease, monthlyFreed },
    purchases: plan.purchases,
    freedSeats: plan.freedSeats,
    changes: plan.changes.map(({ change, risks, states }) => ({ ...change, address: changeAddress(change), risks, ...(states ?? {}) })),
    unmanagedUsers: plan.unmanagedUsers,
    unmanagedAdmins: plan.unmanagedAdmins,
  };
}

/** The change alone, as apply's writers take it: what the document adds is left out. */
export function bareChange(change: DocumentChange): Change {
  const { address: _address, risks: _risks, before: _before, after: _after, ...bare } = change;
  return bare as Change;
}

/**
 * When a plan was made, as far as it says: a deletion is restorable for 30
 * days from then. Null for a plan without deletions (nothing in it depends
 * on the time but what the recycle bin holds).
 */
export function plannedAt(plan: Pick<PlanDocument, 'changes'>): Date | null {
  const deletion = plan.changes.find((c) => c.kind === 'user.delete');
  if (!deletion || deletion.kind !== 'user.delete') return null;
  return new Date(Date.parse(deletion.restorableUntil) - RECYCLE_BIN_DAYS * 24 * 60 * 60 * 1000);
}

/** Nothing to change, nothing to buy and no setting to record. */
export function isEmptyPlanDocument(plan: Pick<PlanDocument, 'changes' | 'purchases' | 'settingsToRecord'>): boolean {
  return plan.changes.length === 0 && plan.purchases.length === 0 && (plan.settingsToRecord ?? []).length === 0;
}

/**
 * Which plan an apply applied (migration 0020): its changes and purchases
 * (planHash), the rows it was made from (fingerprint), the configuration
 * (configHash) and the settings it was applied with (where credentials go,
 * the limits). Another plan with the same changes, made from other rows or
 * another configuration, has another digest. The users' hashes are written
 * out line by line rather than as canonical JSON: 100,000 users took
 * 0.6-1.5 s that way, on apply's path.
 */
export function planDigest(plan: Pick<PlanDocument, 'planHash' | 'fingerprint' | 'configHash' | 'settings'>): string {
  const { users, catalog } = plan.fingerprint;
  const lines = [quote(plan.planHash), quote(plan.configHash ?? ''), canonicalJson(plan.settings), quote(catalog)];
  for (const key of Object.keys(users).sort()) lines.push(`${quote(key)}:${quote(users[key] ?? '')}`);
  return sha256(lines.join('\n'));
}
