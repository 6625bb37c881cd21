import { ExitCode, TenantctlError } from '../diagnostics/tenantctl-error.js';
import type { PlanDocument } from '../plan/plan-document.js';
import { terminalText } from '../render/escape-terminal.js';
import { costAboveCap, formatMoney } from '../render/money.js';
import { describePrivilegedChange, rolesGranted } from '../plan/privileged-roles.js';
import { andList } from '../diagnostics/message-lists.js';
import { passwordRecipients, passwordSource } from '../render/change-lines.js';
import type { Change } from '../plan/change.js';
import { countLosses } from '../plan/access-losses.js';
import { lostAccess } from '../plan/risk.js';
import { NEEDS_APPROVAL, RECIPIENT_MAILBOX_CODE } from '../plan/recipient-mailboxes.js';
import { ADMIN_EMAIL_CODE, newAdminEmail } from '../plan/admin-email-warnings.js';

export interface ApprovalFlags {
  readonly approvePurchases: boolean;
  readonly approveDeletions: boolean;
  readonly approvePrivileged: boolean;
  /** --max-purchase-cost; settings.maxMonthlyPurchaseCost applies as well. */
  readonly maxPurchaseCost: number | null;
  /** No --auto-approve and no terminal to confirm at: the re-run needs it too, or it fails next at the confirmation. */
  readonly autoApproveMissing?: boolean;
}

/**
 * The gates apply passes before it opens a transaction. A missing approval
 * stops with exit 3 (nothing changed); a cap broken is an error (exit 1).
 */
export function checkApprovals(plan: PlanDocument, flags: ApprovalFlags): void {
  const { currency, monthlyIncrease } = plan.cost;
  // settings.maxMonthlyPurchaseCost is refused when planning already (PLAN_REFUSED, located); checked again here.
  const broken = [
    { cap: flags.maxPurchaseCost, limit: '--max-purchase-cost' },
    { cap: plan.settings.maxMonthlyPurchaseCost, limit: 'settings.maxMonthlyPurchaseCost' },
  ].find((c): c is { cap: number; limit: string } => c.cap !== null && monthlyIncrease > c.cap);
  if (broken) throw new TenantctlError(`${costAboveCap(monthlyIncrease, broken.cap, currency, broken.limit)}; nothing was changed`);
  const missing: { readonly what: string; readonly flag: string; readonly why: string }[] = [];
  if (plan.purchases.length > 0 && !flags.approvePurchases) {
    const lines = plan.purchases.map(
      (p) => `  ${p.quantity} × ${terminalText(p.sku)} (${terminalText(p.productName)}) at ${formatMoney(p.unitPrice, p.currency)} = ${formatMoney(p.monthlyCost, p.currency)}/month`,
    );
    missing.push({ what: `this plan buys seats:\n${lines.join('\n')}\n  total +${formatMoney(monthlyIncrease, currency)}/month`, flag: '--approve-purchases', why: 'to buy them' });
  }
  if (plan.approvals.includes('deletions') && !flags.approveDeletions) {
    missing.push({ what: deletionThreshold(plan) ?? 'too many deletions', flag: '--approve-deletions', why: 'if this is intended' });
  }
  if (plan.approvals.includes('privileged') && !flags.approvePrivileged) {
    missing.push({ what: `this plan makes privileged changes:\n${privilegedLines(plan).join('\n')}`, flag: '--approve-privileged', why: 'if this is intended' });
  }
  // Every approval missing is named at once: one re-run, not one per approval.
  const [only] = missing;
  if (!only) return;
  const autoApprove = flags.autoApproveMissing ? ' --auto-approve' : '';
  const confirm = flags.autoApproveMissing ? ['--auto-approve confirms the apply where no terminal is there to type "yes" at'] : [];
  const rerun =
    missing.length === 1
      ? `${only.flag}${autoApprove} ${only.why}${confirm.map((note) => ` (${note})`).join('')}`
      : `${missing.map((m) => m.flag).join(' ')}${autoApprove} if this is intended (${[`it needs ${missing.length} approvals`, ...confirm].join('; ')})`;
  throw new TenantctlError(
    `${missing.map((m) => m.what).join('\n')}\napply stopped before changing anything: re-run with ${rerun}`,
    ExitCode.approvalNeeded,
  );
}

/** What DELETION_THRESHOLD says the plan passes, without its advice (the refusal and the prompt give their own); undefined below it. */
export function deletionThreshold(plan: PlanDocument): string | undefined {
  return plan.warnings.find((w) => w.code === 'DELETION_THRESHOLD')?.message.replace(/; apply needs --approve-deletions$/, '');
}

/**
 * What the terminal asks to approve deletions above the threshold, from the
 * changes the plan marks `deletion` (access-losses.ts): a plan that only
 * deletes says how many users it deletes; one that also blocks or takes
 * every licence away says what the threshold counts ("deletes 0 users" asked
 * to approve blocks).
 */
export function deletionsQuestion(plan: PlanDocument): string {
  const losses = countLosses(plan.changes.filter((c) => c.risks.includes('deletion')));
  if (losses.blocks === 0 && losses.unlicensed === 0) {
    return `This plan deletes ${losses.deletions} ${losses.deletions === 1 ? 'user' : 'users'}, more than the settings allow. Type "deletions" to approve the deletions: `;
  }
  const lost = losses.deletions + losses.blocks + losses.unlicensed;
  const threshold = deletionThreshold(plan) ?? `${lost} ${lost === 1 ? 'user' : 'users'} ${lostAccess(losses)}`;
  return `This plan takes access away from more users than the settings allow: ${threshold}. Type "deletions" to approve: `;
}

const SHOWN_PRIVILEGED = 20;

type PlannedChange = PlanDocument['changes'][number];

/**
 * How a privileged change's user is named: as an admin now, or, for a way
 * into an account the same plan grants a role (privileged-roles.ts), with the
 * roles granted and, for a creation or a reset, where its temporary password goes; the
 * approver of the grant approves these too.
 */
function holderOf(change: PlannedChange, granted: ReadonlyMap<string, readonly string[]>, adminEmail: string | null): string | undefined {
  const roles = granted.get(change.userPrincipalName.toLowerCase());
  if (!roles || (change.before?.roles ?? []).length > 0 || change.kind === 'role.grant') return undefined;
  const withheld = change.kind === 'user.password-reset' && change.adminCopyWithheld === true;
  const sent = change.kind === 'user.password-reset' || change.kind === 'user.create'
    ? `, its temporary password${passwordSource(change.password, (text) => text)} sent to ${andList(passwordRecipients(change.notify, { adminEmail }, withheld)) || 'nobody'}`
    : '';
  return `whom this plan grants ${andList(roles)}${sent}`;
}

/** One line per privileged change, the first 20 and a count of the rest. */
export function privilegedLines(plan: PlanDocument): string[] {
  const changes = plan.changes.filter((c) => c.risks.includes('privileged'));
  const granted = rolesGranted(plan.changes);
  const adminEmail = plan.settings.adminEmail ?? null;
  const lines = changes.slice(0, SHOWN_PRIVILEGED).map((c) => `  ${terminalText(describePrivilegedChange(c as Change, holderOf(c, granted, adminEmail)))}`);
  if (changes.length > SHOWN_PRIVILEGED) lines.push(`  … and ${changes.length - SHOWN_PRIVILEGED} more`);
  // A plan that brings the Global administrators above settings.maxGlobalAdmins, gives a mailbox an
  // address temporary passwords are sent to, or points settings.adminEmail at a new one needs the same approval.
  const adminEmailMoves = (plan.settingsToRecord ?? []).some((s) => s.setting === 'adminEmail' && newAdminEmail(s.before, s.after));
  for (const warning of plan.warnings.filter((w) => w.code === 'GLOBAL_ADMINS_ABOVE_MAX' || w.code === RECIPIENT_MAILBOX_CODE || (adminEmailMoves && w.code === ADMIN_EMAIL_CODE))) {
    lines.push(`  ${terminalText(warning.message.replace(`; ${NEEDS_APPROVAL}`, ''))}`);
  }
  return lines;
}
