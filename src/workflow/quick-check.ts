import { hashConfig, hashConfigNamedFrom } from '../config/config-hash.js';
import { exactSavedPlan, scanPlanFile, type PlanFileInputs } from './exact-saved-plan.js';
import { findConfigCommit, type FoundCommit } from './git-commit.js';
import { planFromSnapshot, type PlanTenantOptions, type PlanTenantResult } from './plan-tenant.js';
import type { ProgressReporter } from './progress.js';
import type { Read } from './read-while-parsing.js';

/** How apply recomputes a saved plan: as of one planning time, with one git commit. */
export type SavedPlanOptions = PlanTenantOptions & { readonly now: Date; readonly gitCommit: string | null };

/** What was read, or why it could not be. */
export type Reading = Read | { readonly failure: unknown };

/**
 * What the quick check of a saved plan found: either that the file is
 * exactly the recomputed plan, or what it read and planned on the way, which
 * the full check uses instead of doing it again.
 */
export type QuickCheck =
  | { readonly exact: true; readonly plan: NonNullable<PlanTenantResult['plan']>; readonly options: SavedPlanOptions; readonly commit: FoundCommit; readonly reading: Read }
  | {
      readonly exact: false;
      /** Why the file is checked in full (for TENANTCTL_DEBUG_TRACE; no text from the file). */
      readonly why: string;
      readonly commit?: FoundCommit;
      readonly reading?: Reading;
      readonly planned?: { readonly inputs: PlanFileInputs; readonly options: SavedPlanOptions; readonly result: PlanTenantResult };
    };

export interface QuickCheckContext {
  readonly configPaths: readonly string[];
  /** PlanTenantOptions.configNamedFrom, when apply found the plan's files by other paths. */
  readonly configNamedFrom?: string | undefined;
  readonly commitFlag: string | undefined;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly tenantctlVersion: string;
  /** Reads the directory while parsing the configuration (readWhileParsing, in its own connection). */
  readonly read: () => Promise<Read>;
  /** Told as planning again and comparing start; not kept in the options apply checks with again under the lock. */
  readonly onProgress?: ProgressReporter;
}

/**
 * Recomputes the plan with what the file's text says it was made from
 * (scanPlanFile), and compares the bytes. Throws nothing: what is wrong is
 * for the full check to say, in its order (a tampered file is named as such
 * before a database that cannot be read).
 */
export async function quickCheck(file: string, bytes: Buffer, context: QuickCheckContext): Promise<QuickCheck> {
  const inputs = scanPlanFile(bytes);
  if (!inputs) return { exact: false, why: 'not laid out as plan --out writes a plan' };
  // Asked while the directory is read.
  const asked = findConfigCommit({ flag: context.commitFlag, env: context.env, configPaths: context.configPaths });
  const read = context.read();
  let commit: FoundCommit;
  try {
    commit = await asked;
  } catch {
    // Awaited, so that its failure is not left unhandled: the full check reads again.
    await read.catch(() => undefined);
    return { exact: false, why: 'the configuration has no commit to read' };
  }
  let reading: Read;
  try {
    reading = await read;
  } catch (failure) {
    return { exact: false, why: 'the database was not read', commit, reading: { failure } };
  }
  const { snapshot, sources } = reading;
  // The hash loadConfig gives the plan: another configuration cannot give the same bytes, so no need to plan.
  const namedFrom = context.configNamedFrom;
  const configHash = namedFrom === undefined ? (sources.configHash ?? hashConfig(sources.files)) : hashConfigNamedFrom(sources.files, namedFrom);
  if (configHash !== inputs.configHash) return { exact: false, why: 'made from another configuration', commit, reading };
  const options: SavedPlanOptions = {
    configPaths: context.configPaths,
    ...(namedFrom === undefined ? {} : { configNamedFrom: namedFrom }),
    env: context.env,
    tenantctlVersion: context.tenantctlVersion,
    // Only apply checks a saved plan: the password variables must be there.
    forApply: true,
    gitCommit: commit.commit ?? inputs.gitCommit ?? null,
    now: inputs.plannedAt ?? new Date(),
  };
  let result: PlanTenantResult;
  try {
    result = planFromSnapshot(snapshot, context.onProgress ? { ...options, onProgress: context.onProgress } : options, sources, reading.checked);
  } catch {
    return { exact: false, why: 'planning failed', commit, reading };
  }
  const planned = { inputs, options, result };
  if (!result.plan) return { exact: false, why: 'the configuration gives no plan', commit, reading, planned };
  context.onProgress?.({ stage: 'comparing the plan with the saved plan', done: 0, total: 0 });
  const exactness = exactSavedPlan(file, bytes, result.plan, inputs);
  if (!exactness.exact) return { exact: false, why: exactness.why, commit, reading, planned };
  return { exact: true, plan: result.plan, options, commit, reading };
}

/**
 * The quick check's planning, for the full check of the parsed file: when the
 * file says what the scan read (the planning time, and so the git commit the
 * recomputation records), the same inputs gave that plan.
 */
export function reusablePlanning(quick: QuickCheck | undefined, plannedAt: Date | null, gitCommit: string | null): { readonly options: SavedPlanOptions; readonly result: PlanTenantResult } | undefined {
  const planned = quick && !quick.exact ? quick.planned : undefined;
  if (!planned || planned.inputs.plannedAt?.getTime() !== plannedAt?.getTime() || planned.options.gitCommit !== gitCommit) return undefined;
  return planned;
}
