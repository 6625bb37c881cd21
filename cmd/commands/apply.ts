import os from 'node:os';
import type { Command } from 'commander';
import { applyPlan, type ApplyResult } from '../../src/apply/apply-plan.js';
import { checkApprovals, deletionsQuestion, privilegedLines } from '../../src/apply/approvals.js';
import type { ApprovalSource } from '../../src/apply/recorded-approvals.js';
import { startCredentials, type CredentialsInProgress } from '../../src/apply/prepare-credentials.js';
import { ExitCode, TenantctlError } from '../../src/diagnostics/tenantctl-error.js';
import { toolVersion } from '../../src/package-root.js';
import { bareChange, isEmptyPlanDocument, plannedAt, type PlanDocument } from '../../src/plan/plan-document.js';
import type { Approval } from '../../src/plan/plan.js';
import { renderApplyResult } from '../../src/render/apply-result.js';
import { keepRowVersions } from '../../src/state/read-state.js';
import { formatMoney } from '../../src/render/money.js';
import { renderPlan } from '../../src/render/index.js';
import { terminalText } from '../../src/render/escape-terminal.js';
import type { ProgressReporter } from '../../src/workflow/progress.js';
import { readWhileParsing } from '../../src/workflow/read-while-parsing.js';
import { findConfigCommit, parseCommitFlag } from '../../src/workflow/git-commit.js';
import type { TenantSnapshot } from '../../src/workflow/plan-tenant.js';
import { quickCheck, reusablePlanning, type QuickCheck } from '../../src/workflow/quick-check.js';
import { scanPlanFile } from '../../src/workflow/exact-saved-plan.js';
import { configAsPlanned, equivalentConfigPaths, parseSavedPlan, plannedNamesFolder, readPlanBytes } from '../../src/workflow/saved-plan.js';
import { recomputeSavedPlan, recomputeUnderLock, refuseOtherTime, refuseTampered } from '../../src/workflow/verify-saved-plan.js';
import { appliedAlready, PlanAppliedAlready, StalePlan, staleOrApplied } from '../../src/apply/stale-plan.js';
import { reportCommitLookup, resolveActor } from '../actor.js';
import { booleanVariable } from '../boolean-variables.js';
import { databaseSession, lockTimeoutMs, type DatabaseOptions, type DatabaseSession } from '../database-option.js';
import { atTerminal, confirm, err, inCi, interactive, out, outputNotShown, useColor } from '../terminal.js';
import { makePlan } from './plan.js';
import { startProgress, type ProgressOptions } from '../progress.js';

interface ApplyOptions extends DatabaseOptions, ProgressOptions {
  readonly verbose?: boolean;
  readonly config?: string[];
  readonly plan?: string;
  readonly autoApprove?: boolean;
  readonly approvePurchases?: boolean;
  readonly approveDeletions?: boolean;
  readonly approvePrivileged?: boolean;
  readonly maxPurchaseCost?: number;
  readonly color?: boolean;
  readonly commit?: string;
  /** Not a flag: set when -c reaches the saved plan's files by other paths (PlanTenantOptions.configNamedFrom). */
  readonly configNamedFrom?: string;
}

function parseAmount(value: string): number {
  const amount = Number(value);
  if (!Number.isFinite(amount) || amount < 0) throw new TenantctlError(`--max-purchase-cost takes an amount per month, e.g. 100 (got ${value})`);
  return amount;
}

/** The plan to apply, and what must be checked again under the tenant lock. */
interface LoadedPlan {
  readonly plan: PlanDocument;
  readonly verifyUnderLock?: (snapshot: TenantSnapshot) => void;
}

/** TENANTCTL_DEBUG_TRACE: which check a saved plan went through, for the tests. */
function trace(event: string): void {
  if (booleanVariable('TENANTCTL_DEBUG_TRACE')) process.stderr.write(`tenantctl debug: saved plan: ${event}\n`);
}

/**
 * `apply --plan FILE -c PATH`: the file is only a record of what was
 * reviewed. Apply plans again from the configuration and the database, and
 * goes on with that plan only if it is exactly the file's (checked now, for
 * the screen and the approvals, and again under the lock). First quickly:
 * is the file byte for byte what `plan --out` writes for the recomputed plan?
 * Otherwise in full, with the messages (in their order) that say what is wrong.
 */
async function loadSavedPlan(given: string, options: ApplyOptions, session: DatabaseSession, report: ProgressReporter): Promise<LoadedPlan> {
  report({ stage: 'reading the saved plan', done: 0, total: 0 });
  // As every message names it: a line break in the name would start a line of its own.
  const file = terminalText(given);
  const bytes = readPlanBytes(given, file);
  const config = options.config;
  const quick = config
    ? await quickCheck(file, bytes, {
        configPaths: config,
        configNamedFrom: options.configNamedFrom,
        commitFlag: options.commit,
        env: process.env,
        tenantctlVersion: toolVersion(),
        read: () => session.use((db) => readWhileParsing(db, config, { env: process.env, phase: 'plan' }, report)),
        onProgress: report,
      })
    : undefined;
  if (quick?.exact) {
    trace('exactly the recomputed plan');
    reportCommitLookup(quick.commit);
    noteCommitFromFile(quick.commit.commit, quick.plan.gitCommit);
    const { plan, options: planOptions, reading } = quick;
    if (plannedAt(plan)) refuseOtherTime(file, plan, reading.snapshot, planOptions, reading.sources, reading.checked);
    const first = { sources: reading.sources, catalog: reading.snapshot.catalog };
    // Byte for byte the file: under the lock the recomputation stands for it.
    return { plan, verifyUnderLock: (snapshot) => recomputeUnderLock(snapshot, file, plan, planOptions, first) };
  }
  if (config && quick && !quick.exact && quick.why === 'made from another configuration') {
    // The same folder given absolute where plan was given it relative (or the other way): planned again as written then.
    const asPlanned = equivalentConfigPaths(scanPlanFile(bytes)?.configHash ?? null, config);
    if (asPlanned) {
      trace('the configuration as planned, written the other way');
      return loadSavedPlan(given, { ...options, config: asPlanned }, session, report);
    }
    const namedFrom = options.configNamedFrom === undefined ? plannedNamesFolder(scanPlanFile(bytes)?.configHash ?? null, config) : null;
    if (namedFrom !== null) {
      trace('the configuration as planned, reached by another path');
      return loadSavedPlan(given, { ...options, configNamedFrom: namedFrom }, session, report);
    }
  }
  if (quick) trace(`checked in full: ${quick.why}`);
  report({ stage: 'checking the saved plan', done: 0, total: 0 });
  const { plan: saved, requireValid } = parseSavedPlan(file, bytes);
  try {
    return await verifySavedPlan(file, saved, options, session, quick, report);
  } catch (cause) {
    // A file that breaks the schema is refused as such, whatever else is wrong with it.
    requireValid();
    throw cause;
  }
}

/**
 * With no commit of its own (no --commit, CI variable or git work tree), apply
 * records the one the saved plan names, which a well-formed but false id in an
 * edited file could be: said where whoever applies sees it.
 */
function noteCommitFromFile(own: string | null, fromFile: string | null | undefined): void {
  if (own !== null || !fromFile) return;
  err(`note: no commit found for the configuration (no --commit, CI variable or git work tree); the audit trail records ${fromFile} as the saved plan names it, unchecked: pass --commit SHA to record the commit applied`);
}

/** The full check of the parsed file, using what the quick check read and planned. */
async function verifySavedPlan(
  file: string,
  saved: PlanDocument,
  options: ApplyOptions,
  session: DatabaseSession,
  quick: QuickCheck | undefined,
  report: ProgressReporter,
): Promise<LoadedPlan> {
  refuseTampered(file, saved);
  const config = options.config;
  if (!config) {
    throw new TenantctlError(
      `apply --plan ${file} needs -c PATH too: the configuration the plan was made from. apply plans again from it and applies the result only if it is exactly the saved plan; nothing was changed`,
    );
  }
  const asPlanned = configAsPlanned(saved, config, options.configNamedFrom);
  if (asPlanned.configPaths !== config || asPlanned.namedFrom !== options.configNamedFrom) {
    return verifySavedPlan(file, saved, { ...options, config: [...asPlanned.configPaths], configNamedFrom: asPlanned.namedFrom }, session, undefined, report);
  }
  const commit = quick?.commit ?? (await findConfigCommit({ flag: options.commit, env: process.env, configPaths: config }));
  reportCommitLookup(commit);
  noteCommitFromFile(commit.commit, saved.gitCommit);
  const gitCommit = commit.commit ?? saved.gitCommit ?? null;
  const madeAt = plannedAt(saved);
  const planned = reusablePlanning(quick, madeAt, gitCommit);
  const planOptions = planned?.options ?? {
    configPaths: config,
    ...(options.configNamedFrom === undefined ? {} : { configNamedFrom: options.configNamedFrom }),
    env: process.env,
    tenantctlVersion: toolVersion(),
    forApply: true,
    gitCommit,
    // One planning time for both recomputations: as of the saved plan's, so dates in it match.
    now: madeAt ?? new Date(),
  };
  const reading = quick?.reading ?? (await session.use((db) => readWhileParsing(db, config, undefined, report)));
  if ('failure' in reading) throw reading.failure;
  const { snapshot, sources } = reading;
  report({ stage: 'checking the saved plan', done: 0, total: 0 });
  let plan: PlanDocument;
  try {
    plan = recomputeSavedPlan(file, saved, snapshot, planOptions, sources, planned?.result);
  } catch (cause) {
    // Its rows changed since it was made: perhaps by applying it (a pipeline's apply job run again).
    // Only then is the database opened again to look.
    if (!(cause instanceof StalePlan)) throw cause;
    return session.use((db) => staleOrApplied(db, saved, cause));
  }
  if (madeAt) refuseOtherTime(file, plan, snapshot, planOptions, sources, reading.checked);
  const first = { sources, catalog: snapshot.catalog };
  return { plan, verifyUnderLock: (current) => recomputeUnderLock(current, file, saved, planOptions, first) };
}

async function loadPlan(options: ApplyOptions, session: DatabaseSession, report: ProgressReporter): Promise<LoadedPlan> {
  if (options.plan) return loadSavedPlan(options.plan, options, session, report);
  if (!options.config) throw new TenantctlError('apply needs -c PATH (plan afresh) or --plan FILE -c PATH (a saved plan)');
  return { plan: await makePlan({ ...options, config: options.config, forApply: true }, session, report) };
}

/** What each approval's prompt shows first (if anything) and asks, at a terminal. */
const PROMPTS: Readonly<Record<Approval, (plan: PlanDocument) => { readonly shown?: string; readonly question: string }>> = {
  purchase: (plan) => ({
    question: `This plan buys seats for +${formatMoney(plan.cost.monthlyIncrease, plan.cost.currency)}/month. Type "purchase" to approve the purchase: `,
  }),
  deletions: (plan) => ({ question: deletionsQuestion(plan) }),
  privileged: (plan) => ({
    shown: `This plan makes privileged changes:\n${privilegedLines(plan).join('\n')}`,
    question: 'Type "privileged" to approve the privileged changes: ',
  }),
};

const FLAGS: Readonly<Record<Approval, keyof ApplyOptions>> = {
  purchase: 'approvePurchases',
  deletions: 'approveDeletions',
  privileged: 'approvePrivileged',
};

async function ask({ shown, question }: { readonly shown?: string; readonly question: string }, word: string): Promise<boolean> {
  if (shown) err(shown);
  return confirm(question, word);
}

/**
 * Each approval the plan needs: given by its flag or, at a terminal, by
 * typing its word (INTERFACE lets every approval be), asked in this order.
 * An approval refused at a prompt stops apply, so no later one is asked.
 */
async function approvalsGiven(plan: PlanDocument, options: ApplyOptions): Promise<Partial<Record<Approval, ApprovalSource>>> {
  const given: Partial<Record<Approval, ApprovalSource>> = {};
  let refused = false;
  for (const approval of ['purchase', 'deletions', 'privileged'] as const) {
    const needed = plan.approvals.includes(approval);
    if (options[FLAGS[approval]]) given[approval] = 'flag';
    else if (needed && !refused && interactive() && (await ask(PROMPTS[approval](plan), approval))) given[approval] = 'prompt';
    if (needed && !given[approval]) refused = true;
  }
  return given;
}

async function confirmApply(options: ApplyOptions): Promise<ApprovalSource> {
  if (options.autoApprove) return 'flag';
  if (!interactive()) {
    if (atTerminal()) {
      throw new TenantctlError('apply needs confirmation: CI is set, so apply asks nothing at this terminal; pass --auto-approve in automation; nothing was changed');
    }
    // In CI a terminal would not help either: apply asks nothing there (see interactive()).
    if (inCi()) throw new TenantctlError('apply needs confirmation: CI is set, so apply asks nothing, also at a terminal; pass --auto-approve in automation; nothing was changed');
    if (outputNotShown()) {
      throw new TenantctlError(
        'apply needs confirmation: its output goes to a file, so the terminal would ask without showing the plan; ' +
          'run it with its output at the terminal or through `| tee FILE`, or pass --auto-approve in automation; nothing was changed',
      );
    }
    throw new TenantctlError('apply needs confirmation: run it at a terminal, or pass --auto-approve in automation; nothing was changed');
  }
  if (!(await confirm('Apply these changes? Only "yes" is accepted: ', 'yes'))) {
    throw new TenantctlError('apply cancelled; nothing was changed');
  }
  return 'prompt';
}

export function registerApply(program: Command): void {
  program
    .command('apply')
    .summary('make the planned changes in one transaction')
    .description(
      // Paragraphs without line breaks of their own: commander wraps them to the terminal (example lines it leaves alone up to 80 columns).
      'Apply the configuration (planned afresh) or a saved plan, all or nothing. Purchases need --approve-purchases ' +
        '(or typing "purchase" at a terminal); deleting, blocking or taking every licence from more users than the threshold needs --approve-deletions (or typing ' +
        '"deletions"); granting an admin role, revoking Global administrator, or deleting, blocking, allowing sign-in again to, ' +
        'restoring, renaming, resetting the password of, setting a phone of or turning off password expiry of a user who holds one, or giving a ' +
        'mailbox an address temporary passwords are sent to (settings.adminEmail, an admin\'s notify) or resetting or unblocking a mailbox that receives one, or setting settings.adminEmail to a new address, ' +
        'needs --approve-privileged ' +
        '(or typing "privileged" at a terminal).\n\n' +
        'A saved plan is applied only if planning again from the configuration (-c, required) and the database gives ' +
        'exactly that plan; what it needs approved, costs and mails comes from that recomputation, never from the file.\n\n' +
        'Examples:\n  tenantctl apply -c examples/contoso\n  tenantctl apply --plan plan.json -c examples/contoso --auto-approve \\\n      --approve-purchases --approve-privileged',
    )
    .option('-c, --config <path...>', 'YAML file or directory of YAML files (repeatable)')
    .option('--plan <file>', 'apply exactly this plan, saved by `plan --out`, if -c still gives it')
    .option('--commit <sha>', 'the configuration\'s git commit for the audit trail (default: the CI\'s variable, else git)', parseCommitFlag)
    .option('--auto-approve', 'do not ask for confirmation')
    .option('--approve-purchases', 'allow buying the seats the plan needs')
    .option('--approve-deletions', 'allow deleting, blocking sign-in of or taking every licence from more users than the settings threshold')
    .option('--approve-privileged', 'allow granting admin roles, revoking Global administrator, and deleting, blocking, allowing sign-in again to, restoring, renaming, resetting the password of, setting a phone of or turning off password expiry of users who hold one, giving a mailbox an address temporary passwords are sent to, and setting settings.adminEmail to a new address')
    .option('--max-purchase-cost <amount>', 'refuse purchases costing more than this per month', parseAmount)
    .option('--no-color', 'no colours, even at a terminal (NO_COLOR is honoured too)')
    .option('--quiet', 'no progress on stderr, however long the apply takes (also TENANTCTL_QUIET=1)')
    .option('--verbose', 'name every user created, changed or deleted, and where each new user\'s credentials go, however many')
    .action(async (options: ApplyOptions) => {
      // The directory is read again under the lock: while no row has a new version, not in full.
      keepRowVersions();
      // Unattended, planning and applying share one opening of the database; a prompt never holds it open.
      const session = databaseSession({ ...options, actor: resolveActor(options.actor) }, { keepOpen: Boolean(options.autoApprove) });
      try {
        await planAndApply(options, session);
      } catch (cause) {
        if (!(cause instanceof PlanAppliedAlready)) throw cause;
        const subject = options.plan ? terminalText(options.plan) : 'this plan';
        out(`Nothing to apply: ${appliedAlready(subject, cause.appliedAs)}.\n\`tenantctl history\` shows that apply; \`tenantctl plan\` shows what differs since.`);
        process.exitCode = ExitCode.ok;
      } finally {
        await session.close();
      }
    });
}

async function planAndApply(options: ApplyOptions, session: DatabaseSession): Promise<void> {
  const started = Date.now();
  const loading = startProgress(options, started);
  const { plan, verifyUnderLock } = await loadPlan(options, session, loading.report).finally(() => loading.stop());
  out(renderPlan(plan, 'text', { color: useColor(options.color) }));
  if (isEmptyPlanDocument(plan)) return;
  const given = await approvalsGiven(plan, options);
  checkApprovals(plan, {
    approvePurchases: given.purchase !== undefined,
    approveDeletions: given.deletions !== undefined,
    approvePrivileged: given.privileged !== undefined,
    maxPurchaseCost: options.maxPurchaseCost ?? null,
    autoApproveMissing: !options.autoApprove && !interactive(),
  });
  const approvals = { ...given, confirmation: await confirmApply(options) };
  const actor = resolveActor(options.actor);
  // Unattended, plan and apply are one wait; after a prompt the clock starts again.
  const progress = startProgress(options, options.autoApprove ? started : Date.now());
  let credentials: CredentialsInProgress | undefined;
  let result: ApplyResult;
  try {
    // New passwords hash on the other cores while the database opens.
    credentials = startCredentials(plan.changes.map(bareChange), process.env, progress.report);
    result = await session.use((db) =>
      applyPlan(db, plan, {
        actor,
        host: os.hostname(),
        gitCommit: plan.gitCommit ?? null,
        toolVersion: toolVersion(),
        approvals,
        lockTimeoutMs: lockTimeoutMs(options),
        env: process.env,
        ...(verifyUnderLock ? { verifyUnderLock } : {}),
        onProgress: progress.report,
        credentials,
      }),
    );
  } catch (cause) {
    await credentials?.abandon();
    throw cause;
  } finally {
    progress.stop();
  }
  out(renderApplyResult(result, { verbose: Boolean(options.verbose) }));
  process.exitCode = ExitCode.ok;
}
