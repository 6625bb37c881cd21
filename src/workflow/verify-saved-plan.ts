import { sourcesUnchanged } from '../config/sources-unchanged.js';
import type { CheckedConfig } from '../config/load-config.js';
import { loadYamlSources, type LoadedSources } from '../config/yaml-source.js';
import { boundMessage } from '../diagnostics/bounded-message.js';
import { formatDiagnostic } from '../diagnostics/diagnostic.js';
import { TenantctlError } from '../diagnostics/tenantctl-error.js';
import type { Catalog } from '../catalog/catalog.js';
import { StalePlan } from '../apply/stale-plan.js';
import { fingerprint, staleness } from '../plan/fingerprint.js';
import { jsonEqual } from '../plan/json-equal.js';
import { planDifferences } from '../plan/plan-differences.js';
import { isExpired } from '../plan/recycle-bin.js';
import { recordedSettingsChanged } from '../plan/settings-to-record.js';
import type { User } from '../state/tenant-state.js';
import { bareChange, planHash, plannedAt, type PlanDocument } from '../plan/plan-document.js';
import { planFromSnapshot, type PlanTenantOptions, type PlanTenantResult, type TenantSnapshot } from './plan-tenant.js';

/**
 * A saved plan is a record of what was reviewed, never an instruction: apply
 * recomputes the plan from the configuration and the database and applies
 * the recomputation, only when it is exactly the saved plan. Risks,
 * approvals, costs, recipients, settings and password sources therefore
 * come from the configuration, never from the file.
 */

/** planHash as `plan --out` computed it from the file's own changes, purchases and settings to record. */
export function contentHash(plan: Pick<PlanDocument, 'changes' | 'purchases' | 'settingsToRecord'>): string {
  const changes = plan.changes.map((change) => ({ change: bareChange(change), risks: change.risks }));
  return planHash({ changes, purchases: plan.purchases, ...(plan.settingsToRecord ? { settingsToRecord: plan.settingsToRecord } : {}) });
}

/** Refuses a file whose changes or purchases were edited without its planHash. */
export function refuseTampered(file: string, plan: PlanDocument): void {
  if (contentHash(plan) === plan.planHash) return;
  const content = plan.settingsToRecord ? 'changes, purchases and settings to record' : 'changes and purchases';
  throw new TenantctlError(
    `${file} was edited after \`tenantctl plan --out\` wrote it: its planHash does not match its ${content}, so it was not applied; make the plan again with \`tenantctl plan --out\` and review it`,
  );
}

const SHOWN = 10;

/**
 * The first SHOWN reasons, one a line. Each quotes the saved file (a user
 * principal name, a role name), which may be megabytes long: bounded as
 * diagnostics are.
 */
function listed(reasons: readonly string[]): string {
  const more = reasons.length > SHOWN ? `\n  … and ${reasons.length - SHOWN} more` : '';
  return `  ${reasons.slice(0, SHOWN).map(boundMessage).join('\n  ')}${more}`;
}

/**
 * Plans again from `snapshot` and the configuration and returns that plan,
 * or throws naming why it is not the saved one: the configuration no longer
 * plans, the tenant changed (staleness), or the plans differ. `planned` is
 * that planning when it was already done, from this snapshot and these
 * sources and options.
 */
export function recomputeSavedPlan(
  file: string,
  saved: PlanDocument,
  snapshot: TenantSnapshot,
  options: PlanTenantOptions,
  sources?: LoadedSources,
  planned?: PlanTenantResult,
): PlanDocument {
  // Recomputed as of the time the saved plan was made, so dates in it (until when a deletion can be undone) match.
  const { plan, diagnostics } = planned ?? planFromSnapshot(snapshot, { ...options, now: options.now ?? plannedAt(saved) ?? new Date() }, sources);
  if (!plan) {
    const errors = diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic);
    throw new TenantctlError(`${file} was not applied: the configuration no longer gives a plan:\n${listed(errors)}`);
  }
  const now = fingerprint(snapshot.current, snapshot.catalog);
  const stale = staleness(saved.fingerprint, now, snapshot.current);
  // Made from the same configuration, a plan records other settings only when the record changed since.
  const recorded = jsonEqual(saved.settings, plan.settings) ? recordedSettingsChanged(saved.settingsToRecord, plan.settingsToRecord ?? []) : null;
  if (recorded) stale.push(recorded);
  if (stale.length > 0) throw new StalePlan(stale);
  const differences = planDifferences(saved, plan);
  if (differences.length > 0) {
    throw new TenantctlError(
      `${file} is not the plan the configuration and the tenant give, so it was not applied:\n${listed(differences)}\n` +
        'only a plan that `tenantctl plan --out` made from this configuration is applied; make it again and review it',
    );
  }
  return plan;
}

/** How far the clock of the machine that made a plan may run ahead of this one's. */
const CLOCK_SKEW_MS = 5 * 60 * 1000;

/** Whether a user in the recycle bin was restorable at one time and not at the other. */
function expiredBetween(users: Iterable<User>, one: Date, other: Date): boolean {
  for (const user of users) {
    const deletedAt = user.directory?.deletedAt;
    if (deletedAt && isExpired(deletedAt, one) !== isExpired(deletedAt, other)) return true;
  }
  return false;
}

const decision = (change: PlanDocument['changes'][number]): string => `${change.kind} ${change.userPrincipalName}`;

/**
 * A saved plan with deletions is recomputed as of the time it was made (its
 * restorableUntil dates tell it), so that the plan reviewed on a pull request
 * is the same plan on merge, days later. That time comes from the file, so it
 * may decide nothing: a plan made later than this clock is refused, and
 * planning now must make the same changes to the same users. The recycle bin
 * depends on the time: a user deleted 29 days ago is restored, 31 days ago
 * created again. Only the dates may differ.
 */
export function refuseOtherTime(
  file: string,
  plan: PlanDocument,
  snapshot: TenantSnapshot,
  options: PlanTenantOptions & { readonly now: Date },
  sources?: LoadedSources,
  checked?: CheckedConfig,
): void {
  const clock = new Date();
  if (options.now.getTime() > clock.getTime() + CLOCK_SKEW_MS) {
    throw new TenantctlError(
      `${file} says it was made at ${options.now.toISOString()}, later than this machine's clock (${clock.toISOString()}), so it was not applied; ` +
        'check the clock of the machine that made it, and make the plan again with `tenantctl plan --out`',
    );
  }
  // The time decides only through isExpired: when no deleted user passed its 30 days in between, nothing differs.
  if (!expiredBetween(snapshot.current.users.values(), options.now, clock)) return;
  const { plan: now } = planFromSnapshot(snapshot, { ...options, now: clock }, sources, checked);
  const then = plan.changes.map(decision);
  const current = (now?.changes ?? []).map(decision);
  const thenSet = new Set(then);
  const currentSet = new Set(current);
  const onlyThen = then.filter((d) => !currentSet.has(d));
  const onlyNow = current.filter((d) => !thenSet.has(d));
  if (now && onlyThen.length === 0 && onlyNow.length === 0) return;
  const reasons = [...onlyThen.map((d) => `as of then: ${d}`), ...onlyNow.map((d) => `planned now: ${d}`)];
  throw new TenantctlError(
    `${file} was made as of ${options.now.toISOString()}; planned again now, the changes differ, so it was not applied:\n${listed(reasons.length > 0 ? reasons : ['the configuration no longer gives a plan'])}\n` +
      'users in the recycle bin are restorable for 30 days, so what a plan does to them depends on when it is applied; make the plan again with `tenantctl plan --out` and review it',
  );
}

/** What the first recomputation (before the lock) was made from, besides the user rows. */
export interface FirstReading {
  readonly sources: LoadedSources;
  readonly catalog: Catalog;
}

/**
 * The same under the tenant lock, from the directory and catalog apply read
 * there. A plan is a function of the files, the catalog, the user rows, the
 * planning time and the environment; the last two are fixed in `options`,
 * and the user rows are those of the first recomputation: both readings
 * passed the staleness check against the saved fingerprint (recomputeSavedPlan,
 * or the byte comparison of exactSavedPlan, and applyPlan's before it calls this). So when the files have the same
 * text and the catalog is equal, planning again would give that plan again
 * (100,000 adoptions: 5 s), and is not done. Otherwise the plan is
 * recomputed, parsing the files again only if they changed.
 */
export function recomputeUnderLock(snapshot: TenantSnapshot, file: string, saved: PlanDocument, options: PlanTenantOptions & { readonly now: Date }, first: FirstReading): void {
  const unchanged = sourcesUnchanged(first.sources, options.configPaths);
  if (unchanged && jsonEqual(first.catalog, snapshot.catalog)) return;
  recomputeSavedPlan(file, saved, snapshot, options, unchanged ? first.sources : loadYamlSources(options.configPaths));
}
