import type { Database, Queryable } from '../db/database.js';
import { latestMigrationVersion, refuseSchemaChangedSince } from '../db/migrate.js';
import { composeMessage, type CredentialMessage, type MailAddress, type PendingNotification } from './compose-message.js';
import { checkPasswordPolicy } from '../credentials/password-policy.js';
import { notificationAddressProblem } from './notification-addresses.js';
import { TenantctlError } from '../diagnostics/tenantctl-error.js';
import { RelayUnusable } from './relay-failure.js';
import { openSealed } from './seal.js';

/** A recipient the mail server refused while accepting the message for the others. */
export interface RejectedRecipient {
  readonly address: string;
  /** The server's reply, e.g. `550 5.1.1 no such user`. */
  readonly reason: string;
}

/** What a transport reports once the message is out of tenantctl's hands. */
export interface SendOutcome {
  readonly rejected: readonly RejectedRecipient[];
  /** Something the operator should know about how it was delivered (no secret). */
  readonly note?: string;
}

/**
 * Where messages go. `send` resolves once the message is accepted for at
 * least one recipient (listing any refused in `rejected`) and rejects when it
 * was accepted for none; either way it must never put the password into the
 * error.
 */
export interface Transport {
  send(message: CredentialMessage): Promise<SendOutcome>;
}

/** The outcome for one notification. Never carries the password. */
export interface NotificationDelivery {
  readonly id: number;
  readonly userPrincipalName: string;
  readonly recipients: readonly string[];
  /** settings.adminEmail, not sent to as the reset user's own mailbox (as apply queued it); absent when none. */
  readonly withheld?: readonly string[];
  /** `failed`: still queued, with attempts and last_error recorded; the next deliver retries it. */
  readonly status: 'delivered' | 'failed';
  readonly error?: string;
  /** Delivered, but not to these: the server refused them for good or for now. */
  readonly rejected?: readonly RejectedRecipient[];
  /** Failed for the relay itself (no connection, no TLS, login refused): the rest were not tried. */
  readonly relayUnusable?: true;
  /** Delivered, with this said about how (SendOutcome.note). */
  readonly note?: string;
}

/** How many notifications one deliverPending call tried, by outcome. */
export interface DeliveryCounts {
  readonly delivered: number;
  readonly failed: number;
  /** Delivered, but refused for some of their recipients. */
  readonly partial: number;
}

/** What one deliverPending call did. */
export interface DeliveryReport {
  /** Every notification tried, in id order; empty with `keepDeliveries: false`. */
  readonly notifications: readonly NotificationDelivery[];
  readonly counts: DeliveryCounts;
  /** Queued for users deleted since (in the recycle bin): kept, not sent, until a restore. */
  readonly heldBack: number;
  /** Still queued and not tried, as the relay failed on the last one tried or a stop was asked for. */
  readonly notTried: number;
  /** Stopped before the outbox was empty because `stopRequested` said so (SIGINT, SIGTERM, SIGHUP). */
  readonly stopped: boolean;
}

/**
 * A user deleted after its credentials were queued is in the recycle bin: a
 * message saying its account was created would be wrong, and the password
 * would open nothing. The notification stays queued, sealed: restored (with
 * its password, as Entra restores it) the user gets it on the next deliver;
 * deleted for good, the row goes with the user (ON DELETE CASCADE).
 */
const USER_NOT_DELETED = 'NOT EXISTS (SELECT 1 FROM users u WHERE u.id = c.user_id AND u.deleted_at IS NOT NULL)';

export interface DeliveryOptions {
  /** The outbox's private key(s) (AGE-SECRET-KEY-1…), to open each sealed password. */
  readonly identities: readonly string[];
  /** The From address (TENANTCTL_MAIL_FROM); default `tenantctl@` the new user's domain. */
  readonly from?: MailAddress;
  /** Called after each notification's outcome is committed, e.g. to print progress. */
  readonly onResult?: (delivery: NotificationDelivery) => void;
  /**
   * Asked before each notification: true stops delivery there, the one being
   * sent finished and recorded first, the rest left queued (SIGINT, SIGTERM, SIGHUP).
   */
  readonly stopRequested?: () => boolean;
  /**
   * False: `notifications` stays empty, and only `counts` tell what happened
   * (each outcome goes to onResult). An outbox of 100,000 notifications would
   * otherwise keep every outcome, with its error text, in memory to the end.
   */
  readonly keepDeliveries?: boolean;
  /**
   * On PostgreSQL, how long a statement may wait for a lock another session
   * holds (a migration in progress, a transaction left open on the outbox);
   * without it deliver waited for as long as that session lived.
   */
  readonly lockTimeoutMs?: number;
}

interface NotificationRow {
  readonly id: string | number;
  readonly user_id: string;
  readonly user_principal_name: string;
  readonly recipients: string[];
  readonly withheld_recipients: string[];
  readonly sealed_password: string | null;
  readonly last_error: string | null;
  readonly reason: 'created' | 'reset';
  readonly force_change: boolean;
}

const MAX_ERROR_LENGTH = 1000;

/**
 * The forms in which a relay that quotes the message it refuses can give the
 * temporary password back: as written, and quoted-printable (`=` as `=3D`),
 * which nodemailer turns to for the whole body once a line passes 76
 * characters, as `User ID: …` does for a long UPN. The policy's other
 * characters are printable ASCII, which quoted-printable leaves as they are,
 * and the password's line is too short to be broken.
 */
function passwordForms(password: string): string[] {
  return [...new Set([password.replaceAll('=', '=3D'), password])];
}

/** The error as one line for last_error and the report, with the password blotted out. */
function describeFailure(cause: unknown, password: string): string {
  let text = (cause instanceof Error ? cause.message : String(cause)).replace(/\s+/g, ' ').trim() || 'unknown error';
  if (password) for (const secret of passwordForms(password)) text = text.split(secret).join('****');
  return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH - 1)}…` : text;
}

/**
 * Locks the next pending notification after `afterId` for this transaction,
 * named as its user is now: renamed since apply queued it, the user signs in
 * with the new name (the old one is kept in the row, for the audit).
 * SKIP LOCKED passes over a row another deliver is sending right now, so two
 * runs never hold (and never send) the same notification.
 */
async function claimNext(tx: Queryable, afterId: number): Promise<NotificationRow | null> {
  const [row] = await tx.query<NotificationRow>(
    `SELECT c.id, c.user_id::text AS user_id, COALESCE(u.user_principal_name, c.user_principal_name) AS user_principal_name,
            c.recipients, c.withheld_recipients, c.sealed_password, c.last_error, c.reason, c.force_change
       FROM credential_notifications c
       LEFT JOIN users u ON u.id = c.user_id
      WHERE c.delivered_at IS NULL AND c.id > $1 AND ${USER_NOT_DELETED}
      ORDER BY c.id
      LIMIT 1
        FOR UPDATE OF c SKIP LOCKED`,
    [afterId],
  );
  return row ?? null;
}

/** Marks it delivered and erases the sealed password in one statement (the table's CHECK demands both). */
async function markDelivered(tx: Queryable, id: number): Promise<void> {
  await tx.query(
    `UPDATE credential_notifications
        SET delivered_at = now(), sealed_password = NULL, attempts = attempts + 1,
            last_attempt_at = now(), last_error = NULL
      WHERE id = $1`,
    [id],
  );
}

async function markFailed(tx: Queryable, id: number, error: string): Promise<void> {
  await tx.query(
    `UPDATE credential_notifications
        SET attempts = attempts + 1, last_attempt_at = now(), last_error = $2
      WHERE id = $1`,
    [id, error],
  );
}

async function deliverOne(tx: Queryable, row: NotificationRow, transport: Transport, options: DeliveryOptions): Promise<NotificationDelivery> {
  const id = Number(row.id);
  const withheld = row.withheld_recipients.length > 0 ? { withheld: row.withheld_recipients } : {};
  const identity = { id, userPrincipalName: row.user_principal_name, recipients: row.recipients, ...withheld };
  if (row.sealed_password === null) {
    const error = row.last_error ?? 'no temporary password is stored for this notification; reset the user\'s password to send new credentials';
    await markFailed(tx, id, error);
    return { ...identity, status: 'failed', error };
  }
  // Before the password is opened: a row that names its own recipients must not get it into memory either.
  const addressProblem = notificationAddressProblem(row.user_principal_name, row.recipients);
  if (addressProblem !== null) {
    await markFailed(tx, id, addressProblem);
    return { ...identity, status: 'failed', error: addressProblem };
  }
  let password: string;
  try {
    password = await openSealed(options.identities, row.sealed_password);
  } catch {
    const error =
      'the outbox key cannot open this sealed password: it was sealed for another key, or the stored value is damaged; deliver with the key it was sealed for, or reset the user\'s password to send new credentials';
    await markFailed(tx, id, error);
    return { ...identity, status: 'failed', error };
  }
  // apply seals only what the policy allows (8 to 16 characters of its alphabet, no line break). Anything
  // else was sealed by another writer of the database (the public key is readable) and would write
  // lines of its own into the body of a message sent in the tenant's name. The account name is not
  // checked: a rename since the password was queued is no reason to hold it back.
  if (checkPasswordPolicy(password, '').length > 0) {
    const error =
      'not sent: the sealed temporary password is not one the password policy allows; apply never queues such a notification, so its row was written by something else. ' +
      "Check who can write to the database, then delete the row, or reset the user's password to queue new credentials";
    await markFailed(tx, id, error);
    return { ...identity, status: 'failed', error };
  }
  const notification: PendingNotification = { id, userId: row.user_id, userPrincipalName: row.user_principal_name, recipients: row.recipients, temporaryPassword: password, reason: row.reason, forceChange: row.force_change };
  let outcome: SendOutcome;
  try {
    outcome = await transport.send(composeMessage(notification, options.from));
  } catch (cause) {
    const error = describeFailure(cause, password);
    await markFailed(tx, id, error);
    return { ...identity, status: 'failed', error, ...(cause instanceof RelayUnusable ? { relayUnusable: true as const } : {}) };
  }
  await markDelivered(tx, id);
  const rejected = outcome.rejected.map((r) => ({ address: r.address, reason: describeFailure(r.reason, password) }));
  return { ...identity, status: 'delivered', ...(rejected.length > 0 ? { rejected } : {}), ...(outcome.note ? { note: outcome.note } : {}) };
}

/**
 * Sends every queued credential notification, oldest first, each in a
 * transaction of its own: lock the row, open its sealed password with the
 * outbox key (in memory only), send, then in one statement mark it delivered
 * and erase the sealed password, and commit. A failed send leaves the row
 * queued with attempts + 1, last_attempt_at and last_error, and delivery goes
 * on with the next one; each row is tried at most once per call. A failure of
 * the relay itself (RelayUnusable) stops it: the rest stay queued, not tried.
 *
 * Never lost, never sent twice, with one window: if the process or the
 * database connection dies after the mail server accepted the message and
 * before the commit, the row is still pending and the next deliver sends it
 * again. That copy carries the same Message-ID (see credentialMessageId), so
 * it is recognisable as the same message, and mail systems that de-duplicate
 * by Message-ID drop it. Closing the window would need the mail server to take
 * part in the transaction, which SMTP cannot.
 *
 * A message accepted for some recipients and refused for others counts as
 * delivered: sending it again would give the accepted recipients a second
 * copy, and a refused address may be refused for good. The refused ones are
 * reported in `rejected`.
 */
export async function deliverPending(db: Database, transport: Transport, options: DeliveryOptions): Promise<DeliveryReport> {
  const { lockTimeoutMs } = options;
  if (db.kind !== 'postgres' || lockTimeoutMs === undefined) return deliverAll(db, transport, options);
  // For the session, once (not a statement more per notification); put back as it was afterwards.
  const [setting] = await db.query<{ previous: string }>(`SELECT current_setting('lock_timeout') AS previous, set_config('lock_timeout', $1, false)`, [
    `${Math.max(1, Math.round(lockTimeoutMs))}ms`,
  ]);
  try {
    return await deliverAll(db, transport, options);
  } catch (cause) {
    if ((cause as { code?: unknown }).code !== '55P03') throw cause;
    throw new TenantctlError(
      `deliver waited ${lockTimeoutMs / 1000}s for a lock on the outbox that another session holds (a migration in progress, or a transaction left open); the notifications not sent yet stay queued: end that session, or raise --lock-timeout`,
    );
  } finally {
    await db.query(`SELECT set_config('lock_timeout', $1, false)`, [setting?.previous ?? '0']).catch(() => undefined);
  }
}

async function deliverAll(db: Database, transport: Transport, options: DeliveryOptions): Promise<DeliveryReport> {
  const notifications: NotificationDelivery[] = [];
  const tally = { delivered: 0, failed: 0, partial: 0 };
  let afterId = 0;
  let stopped = false;
  let relayUnusable = false;
  const latest = latestMigrationVersion();
  for (;;) {
    if (options.stopRequested?.()) {
      stopped = true;
      break;
    }
    const delivery = await db.transaction(async (tx) => {
      const row = await claimNext(tx, afterId);
      if (row === null) return null;
      // Its row lock waited for a migration in progress: the version is read after it.
      await refuseSchemaChangedSince(tx, latest, 'the notifications not sent yet stay queued');
      return deliverOne(tx, row, transport, options);
    });
    if (delivery === null) break;
    afterId = delivery.id;
    tally[delivery.status] += 1;
    if ((delivery.rejected ?? []).length > 0) tally.partial += 1;
    if (options.keepDeliveries !== false) notifications.push(delivery);
    options.onResult?.(delivery);
    if (delivery.relayUnusable) {
      relayUnusable = true;
      break;
    }
  }
  const [counts] = await db.query<{ held: number; not_tried: number }>(
    `SELECT count(*) FILTER (WHERE NOT ${USER_NOT_DELETED})::int AS held,
            count(*) FILTER (WHERE c.id > $1::bigint AND ${USER_NOT_DELETED})::int AS not_tried
       FROM credential_notifications c WHERE c.delivered_at IS NULL`,
    // Null (nothing counted) unless the relay or a stop ended the run.
    [relayUnusable || stopped ? afterId : null],
  );
  return { notifications, counts: tally, heldBack: counts?.held ?? 0, notTried: counts?.not_tried ?? 0, stopped };
}
