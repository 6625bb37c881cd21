import type { Approval } from '../plan/plan.js';

/** How an approval was given: by its flag (`--auto-approve`, `--approve-…`), or typed at a terminal's prompt. */
export type ApprovalSource = 'flag' | 'prompt';

/**
 * How an apply was confirmed and each approval given for it. Given to apply,
 * it may name approvals the plan does not need; as the audit trail keeps it
 * (`applies.approvals`, `history`) it names only those the plan needed.
 */
export interface ApplyApprovals {
  readonly confirmation: ApprovalSource;
  readonly purchase?: ApprovalSource;
  readonly deletions?: ApprovalSource;
  readonly privileged?: ApprovalSource;
}

const ORDER: readonly Approval[] = ['purchase', 'deletions', 'privileged'];

/**
 * The record of a plan's approvals, in the order apply asks for them, and
 * the approvals it needs and was not given. A flag given that the plan did
 * not need is left out: it approved nothing. apply checks the approvals
 * before its transaction (checkApprovals, with messages for the user); this
 * is the audit trail's own check: no apply is recorded without saying how
 * each of its approvals was given.
 */
export function recordApprovals(needed: readonly Approval[], given: ApplyApprovals): { record: ApplyApprovals; missing: Approval[] } {
  const record: { -readonly [K in keyof ApplyApprovals]: ApplyApprovals[K] } = { confirmation: given.confirmation };
  const missing: Approval[] = [];
  for (const approval of ORDER) {
    if (!needed.includes(approval)) continue;
    const source = given[approval];
    if (source) record[approval] = source;
    else missing.push(approval);
  }
  return { record, missing };
}
