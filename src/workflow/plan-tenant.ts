import type { Catalog } from '../catalog/catalog.js';
import { requireCatalog } from '../catalog/require-catalog.js';
import { loadConfig, type CheckedConfig } from '../config/load-config.js';
import type { LoadedSources } from '../config/yaml-source.js';
import { checkPasswordPolicy } from '../credentials/password-policy.js';
import type { Database } from '../db/database.js';
import { error, type Diagnostic, type SourceLocation } from '../diagnostics/diagnostic.js';
import type { Change } from '../plan/change.js';
import { computePlan } from '../plan/compute-plan.js';
import { fingerprint } from '../plan/fingerprint.js';
import { toPlanDocument, type PlanDocument } from '../plan/plan-document.js';
import type { TenantState } from '../state/tenant-state.js';
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
  /** Told as each stage starts: reading, loading, planning. */
  readonly onProgress?: ProgressReporter;
}

export interface PlanTenantResult {
  /** Null when the configuration is invalid or the plan cannot be applied. */
  readonly plan: PlanDocument | null;
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * A user created or reset with password.fromEnv needs its variable now, and
 * the password in it must meet the policy; for any other user the variable
 * does not matter. Messages name the variable, never its value.
 */
function passwordVariableProblems(
  changes: readonly Change[],
  env: Readonly<Record<string, string | undefined>>,
  declarations: ReadonlyMap<string, SourceLocation>,
): Diagnostic[] {
  return changes.flatMap((change) => {
    if (change.kind !== 'user.create' && change.kind !== 'user.password-reset') return [];
    if (change.password.kind !== 'env') return [];
    const variable = change.password.variable;
    const why = change.kind === 'user.create' ? 'is created' : 'has its password reset';
    const declared = declarations.get(change.userPrincipalName.toLowerCase());
    const where = declared ? { file: declared.file } : undefined;
    const value = env[variable];
    if (!value) {
      return [
        error(
          'PASSWORD_ENV_UNSET',
          `${change.userPrincipalName} ${why} with its temporary password from ${variable} (password.fromEnv), which is not set; set it (e.g. from a CI secret), or remove fromEnv to generate a password`,
          where,
        ),
      ];
    }
    const problems = checkPasswordPolicy(value, change.userPrincipalName.split('@')[0] ?? '');
    if (problems.length === 0) return [];
    return [error('PASSWORD_POLICY', `the password in ${variable} for ${change.userPrincipalName} (who ${why}) breaks the password policy: it ${problems.join('; it ')}`, where)];
  });
}

/**
 * Configuration + database → the JSON plan document: load and validate the
 * configuration against the tenant's catalog, read the directory, compute
 * the plan and fingerprint what it was computed from. Reads only.
 */
export async function planTenant(db: Database, options: PlanTenantOptions): Promise<PlanTenantResult> {
  const progress = options.onProgress ?? NO_PROGRESS;
  progress({ stage: 'reading the directory', done: 0, total: 3 });
  const { snapshot, sources, checked } = await readWhileParsing(db, options.configPaths, { env: options.env, phase: 'plan' });
  return planFromSnapshot(snapshot, options, sources, checked);
}

/** What the database held when planning: the catalog and the directory. */
export interface TenantSnapshot {
  readonly catalog: Catalog;
  readonly current: TenantState;
}

/**
 * The same as planTenant from a snapshot already read, e.g. inside apply's
 * transaction under the tenant lock, where a saved plan is recomputed.
 */
export function planFromSnapshot(
  { catalog, current }: TenantSnapshot,
  options: PlanTenantOptions,
  sources?: LoadedSources,
  checked?: CheckedConfig,
): PlanTenantResult {
  const progress = options.onProgress ?? NO_PROGRESS;
  requireCatalog(catalog);
  const now = options.now ?? new Date();
  progress({ stage: 'loading the configuration', done: 1, total: 3 });
  // The checks that need no database may have run already, while the directory was read.
  const loaded = loadConfig(options.configPaths, { catalog, current, now, env: options.env, phase: 'plan', sources, checked });
  if (!loaded.config) return { plan: null, diagnostics: loaded.diagnostics };
  progress({ stage: 'computing the plan', done: 2, total: 3 });
  const { plan, problems } = computePlan({ desired: loaded.config.state, current, catalog, settings: loaded.config.settings, now });
  const refusals = [
    ...problems.map((problem) => error('PLAN_REFUSED', problem.message)),
    ...passwordVariableProblems(plan.changes.map((c) => c.change), options.env, loaded.config.declarations),
  ];
  if (refusals.length > 0) return { plan: null, diagnostics: [...loaded.diagnostics, ...refusals] };
  return {
    plan: toPlanDocument(plan, {
      tenantctlVersion: options.tenantctlVersion,
      configHash: loaded.config.configHash,
      ...(options.gitCommit === undefined ? {} : { gitCommit: options.gitCommit }),
      fingerprint: () => fingerprint(current, catalog),
      settings: loaded.config.settings,
    }),
    diagnostics: loaded.diagnostics,
  };
}
