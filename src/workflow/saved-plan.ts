import { hashConfig } from '../config/load-config.js';
import { checkSchema } from '../config/schema-check.js';
import { listConfigFiles } from '../config/config-files.js';
import { INPUT_LIMITS, readInputFile } from '../config/read-input-file.js';
import { formatDiagnostic } from '../diagnostics/diagnostic.js';
import { TenantctlError } from '../diagnostics/tenantctl-error.js';
import { PLAN_FORMAT_VERSION, type PlanDocument } from '../plan/plan-document.js';

/** Reads a plan saved by `plan --out`, refusing anything that is not one. */
export function readSavedPlan(file: string): PlanDocument {
  const read = readInputFile(file, INPUT_LIMITS.plan, 'a saved plan');
  if (read.problem) throw new TenantctlError(`cannot read the plan: ${read.problem.message}`);
  let value: unknown;
  try {
    value = JSON.parse(read.bytes.toString('utf8'));
  } catch (cause) {
    throw new TenantctlError(`cannot read the plan ${file}: ${(cause as Error).message}`);
  }
  const version = (value as { formatVersion?: unknown } | null)?.formatVersion;
  if (version !== PLAN_FORMAT_VERSION) {
    throw new TenantctlError(`${file} is not a tenantctl plan of format ${PLAN_FORMAT_VERSION} (formatVersion: ${JSON.stringify(version)}); make it again with \`tenantctl plan --out\``);
  }
  const problems = checkSchema('plan.schema.json', file, value, 'PLAN_FILE');
  if (problems.length > 0) {
    throw new TenantctlError(`${file} is not a valid plan:\n${problems.slice(0, 10).map(formatDiagnostic).join('\n')}`);
  }
  return value as PlanDocument;
}

/**
 * With `apply --plan FILE -c PATH`: the configuration must be the one planned.
 * Only the files' names and text are hashed, as `loadConfig` hashes them; no
 * need to parse them again.
 */
export function checkPlanMatchesConfig(plan: PlanDocument, configPaths: readonly string[]): void {
  const { files, diagnostics } = listConfigFiles(configPaths);
  if (diagnostics.length > 0) {
    throw new TenantctlError(`cannot read the configuration given with -c:\n${diagnostics.map(formatDiagnostic).join('\n')}`);
  }
  const decoder = new TextDecoder('utf-8');
  const texts = files.map((file) => {
    const read = readInputFile(file, INPUT_LIMITS.file, 'one configuration file');
    if (read.problem) throw new TenantctlError(`cannot read the configuration given with -c: ${read.problem.message}`);
    return { file, text: decoder.decode(read.bytes) };
  });
  if (hashConfig(texts) !== plan.configHash) {
    throw new TenantctlError(
      'the configuration given with -c is not the one this plan was made from (its files changed since); run `tenantctl plan --out` again',
    );
  }
}
