import { readCatalogAndSettings } from '../catalog/read-catalog.js';
import { requireCatalog } from '../catalog/require-catalog.js';
import { GLOBAL_ADMINISTRATOR } from '../catalog/catalog.js';
import type { Database, Queryable } from '../db/database.js';
import { latestMigrationVersion, refuseSchemaChangedSince } from '../db/migrate.js';
import type { TenantSnapshot } from '../workflow/plan-tenant.js';
import { TenantctlError } from '../diagnostics/tenantctl-error.js';
import type { Change, ChangeKind, ChangeOf } from '../plan/change.js';
import { fingerprint, staleness } from '../plan/fingerprint.js';
import { StalePlan, staleOrApplied } from './stale-plan.js';
import { bareChange, planDigest, type PlanDocument } from '../plan/plan-document.js';
import { recordedSettingsChanged, settingsToRecord, type SettingToRecord } from '../plan/settings-to-record.js';
import { storedRecipient } from '../outbox/outbox-key.js';
import { sealSecret } from '../outbox/seal.js';
import { readStateAgain } from '../state/read-state.js';
import { LockNotObtained, lockTimeoutError, takeApplyLock } from './apply-lock.js';
import { prepareCredentials, type CredentialsInProgress, type NewCredential } from './prepare-credentials.js';
import { GRANT_PHASE, RELEASE_PHASE, WRITERS, type StatementContext } from './statements.js';
import { NO_PROGRESS, type ProgressReporter } from '../workflow/progress.js';
import { recordApprovals, type ApplyApprovals } from './recorded-approvals.js';

/** Who applies, from where, and how long to wait for another apply. */
export interface ApplyContext {
  readonly actor: string;
  readonly host: string;
  readonly gitCommit: string | null;
  readonly toolVersion: string;
  /** How the apply was confirmed and its approvals given, for the audit trail. */
  readonly approvals: ApplyApprovals;
  readonly lockTimeoutMs: number;
  readonly env: Readonly<Record<string, string | undefined>>;
  /**
   * Run under the tenant lock before anything is written; throws to refuse.
   * `apply --plan` recomputes the saved plan here (verify-saved-plan.ts),
   * from the directory and catalog just read under the lock and found not
   * stale against the plan's fingerprint.
   */
  readonly verifyUnderLock?: (snapshot: TenantSnapshot) => void;
  /** Told as passwords are hashed and statements run. */
  readonly onProgress?: ProgressReporter;
  /** The plan's new passwords, hashing since before the database was opened (startCredentials); else hashed here. */
  readonly credentials?: CredentialsInProgress;
}

export interface CredentialDelivery {
  readonly userPrincipalName: string;
  readonly recipients: readonly string[];
  /** settings.adminEmail where it is the reset user's own mailbox and got no copy; absent otherwise. */
  readonly withheld?: readonly string[];
}

/** What an apply did, for the confirmation screen. Never a password. */
export interface ApplyResult {
  readonly applyId: number;
  readonly changes: readonly Change[];
  readonly purchases: PlanDocument['purchases'];
  readonly credentials: readonly CredentialDelivery[];
  /** The settings this apply recorded that differ from the previous record; absent when none did. */
  readonly settingsRecorded?: readonly SettingToRecord[];
}

function byKind<K extends ChangeKind>(changes: readonly Change[], kind: K): ChangeOf<K>[] {
  return changes.filter((c): c is ChangeOf<K> => c.kind === kind);
}

async function runPhase(tx: Queryable, kinds: readonly ChangeKind[], changes: readonly Change[], context: StatementContext, step: () => void): Promise<void> {
  for (const kind of kinds) {
    const batch = byKind(changes, kind);
    // The record is keyed by kind, so each writer gets only its own changes.
    if (batch.length > 0) await (WRITERS[kind] as (tx: Queryable, c: readonly Change[], x: StatementContext) => Promise<unknown>)(tx, batch, context);
    step();
  }
}

/** Refuses a plan whose rows changed since; returns what it read. */
async function refuseStale(tx: Queryable, plan: PlanDocument): Promise<TenantSnapshot> {
  const current = await readStateAgain(tx);
  // The applied settings too: a saved plan is recomputed under the lock with them (verifyUnderLock).
  const { catalog, applied } = await readCatalogAndSettings(tx);
  requireCatalog(catalog);
  const reasons = staleness(plan.fingerprint, fingerprint(current, catalog), current);
  // The record it was planned against: what it records (its before values) and the limits it was held to.
  const recorded = recordedSettingsChanged(plan.settingsToRecord, settingsToRecord(plan.settings, applied));
  if (recorded) reasons.push(recorded);
  if (reasons.length > 0) throw new StalePlan(reasons);
  return { current, catalog, applied };
}

async function recordPurchases(tx: Queryable, plan: PlanDocument, applyId: number, actor: string): Promise<void> {
  if (plan.purchases.length === 0) return;
  const rows = JSON.stringify(plan.purchases);
  await tx.query(
    `UPDATE subscriptions s SET seats = s.seats + x.quantity
       FROM jsonb_to_recordset($1::jsonb) AS x(sku text, quantity int) WHERE s.sku = x.sku`,
    [rows],
  );
  await tx.query(
    `INSERT INTO purchases (apply_id, sku, quantity, unit_price, currency, monthly_cost, approved_by, plan_hash)
     SELECT $2, sku, quantity, "unitPrice", currency, "monthlyCost", $3, $4
       FROM jsonb_to_recordset($1::jsonb) AS x(sku text, quantity int, "unitPrice" numeric, currency text, "monthlyCost" numeric)`,
    [rows, applyId, actor, plan.planHash],
  );
}

/**
 * Stamps every user the plan touched with this apply, once. A user is found
 * by id (the primary key) when one of its changes names the row, else by UPN
 * (created users, and role or licence changes of users with no other change):
 * matching 100,000 UPNs by lower() read the whole table. A purge's id names
 * a row that is gone, and a new account may have its UPN. Adopted users are
 * left out: the adoption stamped them, and their rows keep one new version.
 */
async function stampTouchedUsers(tx: Queryable, changes: readonly Change[], stamp: string): Promise<void> {
  const adopted = new Set<string>();
  const adoptedUpns = new Set<string>();
  const byId = new Map<string, string>();
  for (const change of changes) {
    if (change.kind === 'user.adopt') {
      adopted.add(change.userId);
      adoptedUpns.add(change.userPrincipalName.toLowerCase());
    } else if ('userId' in change && change.kind !== 'user.purge') byId.set(change.userPrincipalName.toLowerCase(), change.userId);
  }
  const ids = [...new Set([...byId.values()].filter((id) => !adopted.has(id)))];
  const upns = [...new Set(changes.map((c) => c.userPrincipalName.toLowerCase()))].filter((upn) => !byId.has(upn) && !adoptedUpns.has(upn));
  if (ids.length === 0 && upns.length === 0) return;
  await tx.query(
    `UPDATE users SET updated_at = now(), updated_by = $3
      WHERE (id = ANY($1::uuid[]) OR lower(user_principal_name) = ANY($2::text[]))
        AND (updated_at IS DISTINCT FROM now() OR updated_by IS DISTINCT FROM $3)`,
    [ids, upns, stamp],
  );
}

async function guardAgainstLockout(tx: Queryable, minimum: number): Promise<void> {
  const [row] = await tx.query<{ admins: number }>(
    `SELECT count(*)::int AS admins FROM users u JOIN user_roles r ON r.user_id = u.id
      WHERE r.role_template_id = $1 AND u.account_enabled AND u.deleted_at IS NULL`,
    [GLOBAL_ADMINISTRATOR],
  );
  const admins = row?.admins ?? 0;
  if (admins < minimum) {
    throw new TenantctlError(
      `refused: this apply would leave ${admins} enabled Global administrator(s), fewer than settings.minGlobalAdmins (${minimum}); nothing was changed`,
    );
  }
}

/** The notify list and settings.adminEmail, each once; adminEmail not where it is the reset user's own mailbox (admin-copy.ts). */
function recipientsOf(credential: NewCredential, adminEmail: string | null): string[] {
  const all = [...credential.notify, ...(adminEmail && !credential.adminCopyWithheld ? [adminEmail] : [])];
  return [...new Map(all.map((address) => [address.toLowerCase(), address])).values()];
}

/** settings.adminEmail where this credential withholds its copy, else nothing. */
const withheldOf = (credential: NewCredential, adminEmail: string | null): string[] => (adminEmail && credential.adminCopyWithheld ? [adminEmail] : []);

/**
 * Queues one notification per new credential that has somewhere to go, each
 * password sealed for the outbox's public key: the clear text never reaches
 * the database, so neither its table files nor its WAL ever hold it.
 */
async function queueNotifications(tx: Queryable, credentials: readonly NewCredential[], applyId: number, adminEmail: string | null): Promise<CredentialDelivery[]> {
  const rows = credentials.map((c) => ({
    upn: c.userPrincipalName,
    recipients: recipientsOf(c, adminEmail),
    withheld: withheldOf(c, adminEmail),
    password: c.temporaryPassword,
    reason: c.reason,
    force: c.stored.forceChange,
    sealed: c.sealed,
    from: c.passwordFrom,
  }));
  const queued = rows.filter((r) => r.recipients.length > 0);
  if (queued.length > 0) {
    const recipient = await storedRecipient(tx);
    if (recipient === null) {
      throw new TenantctlError(
        `this database has no outbox key to seal ${queued.length} temporary password(s) for: run \`tenantctl init\` once (it creates the key); nothing was changed`,
      );
    }
    // Sealed while hashing, unless the key changed since (init --rotate-outbox-key).
    const sealed = await Promise.all(
      queued.map(async (r) => ({
        upn: r.upn,
        recipients: r.recipients,
        withheld: r.withheld,
        sealed: r.sealed?.recipient === recipient ? r.sealed.value : await sealSecret(recipient, r.password),
        reason: r.reason,
        force: r.force,
        from: r.from,
      })),
    );
    await tx.query(
      `INSERT INTO credential_notifications (apply_id, user_id, user_principal_name, recipients, withheld_recipients, sealed_password, reason, force_change, password_from)
       SELECT $2, u.id, u.user_principal_name, ARRAY(SELECT jsonb_array_elements_text(x.recipients)),
              ARRAY(SELECT jsonb_array_elements_text(x.withheld)), x.sealed, x.reason, x.force, x."from"
         FROM jsonb_to_recordset($1::jsonb) AS x(upn text, recipients jsonb, withheld jsonb, sealed text, reason text, force boolean, "from" text)
         JOIN users u ON lower(u.user_principal_name) = lower(x.upn)`,
      [JSON.stringify(sealed), applyId],
    );
  }
  return rows.map((r) => ({ userPrincipalName: r.upn, recipients: r.recipients, ...(r.withheld.length > 0 ? { withheld: r.withheld } : {}) }));
}

/**
 * Applies exactly the reviewed plan, all or nothing: under the tenant lock it
 * re-reads every row the plan was made from and refuses if any changed, then
 * runs one set-based statement per kind of change, records purchases, the
 * audit entry and the credential notifications, and checks the lockout guard
 * before committing. The caller asks for the approvals (checkApprovals); an
 * apply is refused, never recorded, without how each one needed was given.
 */
export async function applyPlan(db: Database, plan: PlanDocument, context: ApplyContext): Promise<ApplyResult> {
  const approvals = recordApprovals(plan.approvals, context.approvals);
  if (approvals.missing.length > 0) throw new Error(`applyPlan: the plan needs the approvals ${approvals.missing.join(', ')}, not given`);
  const changes = plan.changes.map(bareChange);
  const progress = context.onProgress ?? NO_PROGRESS;
  const credentials = context.credentials
    ? await context.credentials.finish(() => storedRecipient(db))
    : await prepareCredentials(changes, context.env, progress, () => storedRecipient(db));
  // Steps of the transaction: the staleness check, each kind of change, the rest.
  const total = 2 + RELEASE_PHASE.length + GRANT_PHASE.length;
  let done = 0;
  const step = () => progress({ stage: 'applying in one transaction', done: ++done, total });
  const prepared = new Map(credentials.map((c) => [c.userPrincipalName.toLowerCase(), c.stored]));
  // Which plan this is, so a saved plan applied again is told it was (stale-plan.ts); worked out before the lock.
  const digest = planDigest(plan);
  // With the summary, for `history`: the settings column holds only the values after.
  const settingsRecorded = plan.settingsToRecord && plan.settingsToRecord.length > 0 ? { settingsRecorded: plan.settingsToRecord } : {};
  const latest = latestMigrationVersion();
  try {
    return await db.transaction(async (tx) => {
      await takeApplyLock(db, tx, context.lockTimeoutMs);
      await refuseSchemaChangedSince(tx, latest, 'nothing was changed');
      progress({ stage: 'applying in one transaction', done, total });
      const stale = refuseStale(tx, plan);
      // Built while the server digests the directory's row versions (100,000
      // adoptions: a 120 MB text), not after, with the lock held.
      const changesText = JSON.stringify(plan.changes);
      const snapshot = await stale.catch((cause: unknown) => staleOrApplied(tx, plan, cause));
      try {
        context.verifyUnderLock?.(snapshot);
      } catch (cause) {
        await staleOrApplied(tx, plan, cause);
      }
      step();
      // The changes go in as `json` (migration 0008): stored as written, not decomposed.
      const [audit] = await tx.query<{ id: string }>(
        `INSERT INTO applies (actor, host, git_commit, config_hash, plan_hash, tool_version, summary, changes, settings, approvals, plan_digest)
         VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::json, $9::jsonb, $10::jsonb, $11) RETURNING id`,
        [context.actor, context.host, context.gitCommit, plan.configHash, plan.planHash, context.toolVersion,
          JSON.stringify({ ...plan.summary, purchases: plan.purchases, cost: plan.cost, ...settingsRecorded }), changesText,
          // The settings travel with the apply, so `export` can write back those last applied.
          JSON.stringify(plan.settings), JSON.stringify(approvals.record),
          digest],
      );
      const applyId = Number(audit?.id);
      // Marks this transaction as tenantctl's own, so migration 0004's triggers
      // do not stamp the rows it writes as changed outside tenantctl.
      await tx.query(`SELECT set_config('tenantctl.apply_id', $1, true)`, [String(applyId)]);
      const statementContext: StatementContext = { credentials: prepared, stamp: `apply #${applyId} (${context.actor})` };
      await runPhase(tx, RELEASE_PHASE, changes, statementContext, step);
      await recordPurchases(tx, plan, applyId, context.actor);
      await runPhase(tx, GRANT_PHASE, changes, statementContext, step);
      await stampTouchedUsers(tx, changes, statementContext.stamp);
      await guardAgainstLockout(tx, plan.settings.minGlobalAdmins);
      const delivered = await queueNotifications(tx, credentials, applyId, plan.settings.adminEmail);
      step();
      return { applyId, changes, purchases: plan.purchases, credentials: delivered, ...settingsRecorded };
    });
  } catch (cause) {
    if (cause instanceof LockNotObtained) throw await lockTimeoutError(db, cause.timeoutMs);
    throw cause;
  }
}
