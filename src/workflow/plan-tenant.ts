import type { Catalog } from '../catalog/catalog.js';
import { requireCatalog } from '../catalog/require-catalog.js';
import { hashConfigNamedFrom } from '../config/config-hash.js';
import { appendLimited } from '../config/diagnostic-limit.js';
import { loadConfig, type CheckedConfig } from '../config/load-config.js';
import type { LoadedSources } from '../config/yaml-source.js';
import type { Database } from '../db/database.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { hasErrors } from '../diagnostics/diagnostic.js';
import { computePlan } from '../plan/compute-plan.js';
import { fingerprint } from '../plan/fingerprint.js';
import { heldSettings } from '../plan/held-limits.js';
import { toPlanDocument, type PlanDocument } from '../plan/plan-document.js';
import type { Settings } from '../state/settings.js';
import type { TenantState } from '../state/tenant-state.js';
import { planRefusals, purchaseCapProblems } from './plan-refusals.js';
import { NO_PROGRESS, type ProgressReporter } from './progress.js';
import { readWhileParsing } from './read-while-parsing.js';

export interface PlanTenantOptions {
  readonly configPaths: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly tenantctlVersion: string;
  /** The planning time; defaults to the clock (the planner itself reads none). */
  readonly now?: Date;
  /** The configuration's git commit, if the caller knows it. */
  readonly gitCommit?: string | null;
  /** Told as each file is parsed and as each later stage starts (checking, reading the directory, planning). */
  readonly onProgress?: ProgressReporter;
  /**
   * Planning for apply, which needs the password.fromEnv variables of the
   * users it creates or resets. A plan on a pull request is made without
   * them (only the pipeline that applies holds those secrets): a missing one
   * is a warning there.
   */
  readonly forApply?: boolean;
  /**
   * The folder the configuration's file names were relative to when the saved
   * plan being recomputed was made (its configHash covers them), when -c
   * reaches the same files by another path here (see plannedNamesFolder);
   * absent: the names as -c gives them.
   */
  readonly configNamedFrom?: string;
}

/** planTenant's options: the commit may still be coming (git is asked while the directory is read). */
export interface PlanTenantRequest extends Omit<PlanTenantOptions, 'gitCommit'> {
  readonly gitCommit?: string | null | Promise<string | null>;
}

export interface PlanTenantResult {
  /** Null when the configuration is invalid or the plan cannot be applied. */
  readonly plan: PlanDocument | null;
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Configuration + database → the JSON plan document: load and validate the
 * configuration against the tenant's catalog, read the directory, compute
 * the plan and fingerprint what it was computed from. Reads only.
 */
export async function planTenant(db: Database, request: PlanTenantRequest): Promise<PlanTenantResult> {
  const progress = request.onProgress ?? NO_PROGRESS;
  const { snapshot, sources, checked } = await readWhileParsing(db, request.configPaths, { env: request.env, phase: 'plan' }, progress);
  const { gitCommit, ...rest } = request;
  const options: PlanTenantOptions = gitCommit === undefined ? rest : { ...rest, gitCommit: await gitCommit };
  return planFromSnapshot(snapshot, options, sources, checked);
}

/** What the database held when planning: the catalog and the directory. */
export interface TenantSnapshot {
  readonly catalog: Catalog;
  readonly current: TenantState;
  /** The settings the latest apply recorded (readCatalogAndSettings); absent or null: none recorded. */
  readonly applied?: Settings | null;
}

/**
 * The same as planTenant from a snapshot already read, e.g. inside apply's
 * transaction under the tenant lock, where a saved plan is recomputed.
 */
export function planFromSnapshot(
  { catalog, current, applied }: TenantSnapshot,
  options: PlanTenantOptions,
  sources?: LoadedSources,
  checked?: CheckedConfig,
): PlanTenantResult {
  const progress = options.onProgress ?? NO_PROGRESS;
  requireCatalog(catalog);
  const now = options.now ?? new Date();
  progress({ stage: 'checking the configuration against the directory', done: 0, total: 0 });
  // The checks that need no database may have run already, while the directory was read.
  const loaded = loadConfig(options.configPaths, { catalog, current, now, env: options.env, phase: 'plan', sources, checked });
  if (!loaded.config) return { plan: null, diagnostics: loaded.diagnostics };
  progress({ stage: 'computing the plan', done: 0, total: 0 });
  const { plan, problems } = computePlan({ desired: loaded.config.state, current, catalog, settings: loaded.config.settings, applied: applied ?? null, now });
  const capped = purchaseCapProblems({ monthlyIncrease: plan.monthlyCostIncrease, currency: plan.currency }, heldSettings(loaded.config.settings, applied ?? null), loaded.config.settings.maxMonthlyPurchaseCost);
  const refusals = planRefusals([...problems, ...capped], plan.changes.map((c) => c.change), options.env, loaded.config, options.forApply === true);
  // Listed within the limit the configuration's problems are: a refusal per user of 100,000 was 100,000 lines.
  const diagnostics = appendLimited(loaded.diagnostics, refusals);
  if (hasErrors(refusals)) return { plan: null, diagnostics };
  return {
    plan: toPlanDocument(plan, {
      tenantctlVersion: options.tenantctlVersion,
      configHash: options.configNamedFrom === undefined ? loaded.config.configHash : hashConfigNamedFrom(loaded.config.files, options.configNamedFrom),
      ...(options.gitCommit === undefined ? {} : { gitCommit: options.gitCommit }),
      fingerprint: () => fingerprint(current, catalog),
      settings: loaded.config.settings,
    }),
    diagnostics,
  };
}
