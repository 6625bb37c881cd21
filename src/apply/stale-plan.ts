import { findApplyOfPlan, type EarlierApply } from '../audit/applied-plan.js';
import type { Queryable } from '../db/database.js';
import { ExitCode, TenantctlError } from '../diagnostics/tenantctl-error.js';
import { staleMessage } from '../plan/fingerprint.js';
import { planDigest } from '../plan/plan-document.js';
import { terminalText } from '../render/escape-terminal.js';

/** A plan made from rows that changed since: refused, unless it was applied itself (staleOrApplied). */
export class StalePlan extends TenantctlError {
  constructor(reasons: readonly string[]) {
    super(staleMessage(reasons));
  }
}

/** `plan.json was applied already, as apply #7 at … by … on …`; the actor and host are the audit trail's, shown escaped. */
export function appliedAlready(subject: string, { id, appliedAt, actor, host }: EarlierApply): string {
  return `${subject} was applied already, as apply #${id} at ${appliedAt} by ${terminalText(actor)} on ${terminalText(host)}; nothing was changed now`;
}

/**
 * Exactly this plan was applied already (a pipeline's apply job run again, or
 * two applies of one plan at once): nothing to do, and not a failure.
 */
export class PlanAppliedAlready extends TenantctlError {
  constructor(readonly appliedAs: EarlierApply) {
    super(appliedAlready('this plan', appliedAs), ExitCode.ok);
  }
}

/**
 * Rethrows why a plan was not applied: when it is stale because it was
 * applied itself (its digest is in the audit trail), PlanAppliedAlready.
 */
export async function staleOrApplied(db: Queryable, plan: Parameters<typeof planDigest>[0], cause: unknown): Promise<never> {
  if (cause instanceof StalePlan) {
    const appliedAs = await findApplyOfPlan(db, planDigest(plan));
    if (appliedAs) throw new PlanAppliedAlready(appliedAs);
  }
  throw cause;
}
