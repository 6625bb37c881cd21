import type { Change, ChangeOf } from './change.js';
import type { PlanWarning } from './plan.js';
import type { PlanProblem } from './plan-problem.js';

const withheld = (changes: readonly Change[]): ChangeOf<'user.password-reset'>[] =>
  changes.flatMap((change) => (change.kind === 'user.password-reset' && change.adminCopyWithheld ? [change] : []));

/**
 * A reset whose user's own mailbox is settings.adminEmail sends no copy
 * there (admin-copy.ts): the plan says so, as the admin may expect one.
 */
export function withheldAdminCopies(changes: readonly Change[], adminEmail: string | null): PlanWarning[] {
  return withheld(changes)
    .filter((change) => change.notify.length > 0)
    .map((change) => ({
      code: 'ADMIN_COPY_WITHHELD',
      message: `settings.adminEmail ${adminEmail ?? ''} is the own mailbox of ${change.userPrincipalName}, whose password this plan resets: it gets no copy of that temporary password (the user cannot read it before signing in, and a reset is often for an account someone else took over); it goes to the user's notify only`,
    }));
}

/** A reset whose only recipient would be the user's own mailbox goes to nobody: refused, with what to add. */
export function unsentResets(changes: readonly Change[], adminEmail: string | null): PlanProblem[] {
  return withheld(changes)
    .filter((change) => change.notify.length === 0)
    .map((change) => ({
      message: `nobody would receive the temporary password of ${change.userPrincipalName}: settings.adminEmail ${adminEmail ?? ''} is its own mailbox, which gets no copy (the user cannot read it before signing in, and a reset is often for an account someone else took over); give ${change.userPrincipalName} a notify (a manager, the help desk or a private address)`,
      concerns: { kind: 'user', userPrincipalName: change.userPrincipalName },
    }));
}
