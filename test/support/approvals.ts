import type { ApplyApprovals } from '../../src/apply/recorded-approvals.js';

/** Every approval given by its flag, as an unattended `apply --auto-approve --approve-…` gives them. */
export const ALL_APPROVALS: ApplyApprovals = { confirmation: 'flag', purchase: 'flag', deletions: 'flag', privileged: 'flag' };
