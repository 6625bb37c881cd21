import fs from 'node:fs';
import path from 'node:path';
import { LockNotObtained, lockTimeoutError } from '../apply/apply-lock.js';
import { markCommand, type CommandMark } from '../audit/command-mark.js';
import { CommitOutcomeUnknown } from '../db/commit-outcome-unknown.js';
import type { Database, Queryable } from '../db/database.js';
import { holdSchemaVersion } from '../db/migrate.js';
import { TenantctlError } from '../diagnostics/tenantctl-error.js';
import { refuseTrackedPath } from '../files/git-work-tree.js';
import { writePrivateFile } from '../files/write-private-file.js';
import { terminalText } from '../render/escape-terminal.js';
import {
  defaultKeyPath, formatKeyFile, generateIdentity, readKeyFile, refuseReadableKey, storedRecipient, storeRecipient, OUTBOX_KEY_VARIABLE,
} from './outbox-key.js';
import { lockQueuedCredentials } from './lock-queued-credentials.js';
import { openSealed, sealSecret } from './seal.js';

/** What init did about the outbox key, for its report. */
export type OutboxKeySetup =
  | { readonly status: 'created' | 'adopted'; readonly file: string; readonly recipient: string }
  | {
      readonly status: 'kept';
      readonly file: string;
      readonly recipient: string;
      readonly fileFound: boolean;
      /** Keys in the file besides the database's: left by a rotation whose commit went unconfirmed. */
      readonly otherKeys: number;
    }
  | {
      readonly status: 'rotated';
      readonly file: string;
      readonly recipient: string;
      readonly resealed: number;
      readonly previousFile: string | null;
      /** With discardLost: the users whose queued credentials no key opened, now erased. */
      readonly discarded: readonly string[];
    };

export interface OutboxKeyRequest {
  /** --outbox-key or TENANTCTL_OUTBOX_KEY, resolved; null: the default place. */
  readonly configured: string | null;
  readonly rotate: boolean;
  /**
   * With rotate, when the current key is lost: erase the queued credentials
   * no key in the file opens (they can never be delivered) instead of
   * refusing, and name their users, whose passwords must be reset.
   */
  readonly discardLost?: boolean;
  readonly lockTimeoutMs: number;
  /** Who init says it is, kept with the key's change in other_writes (migration 0016). */
  readonly mark?: CommandMark;
}

const HOW = `name a file outside the repository with --outbox-key or ${OUTBOX_KEY_VARIABLE}, or have git ignore it`;

const note = () => `tenantctl outbox key, created ${new Date().toISOString()}`;

/** Writes a new key file without replacing an existing one; null when one appeared first. */
function createKeyFile(file: string, identity: string, recipient: string): boolean {
  refuseTrackedPath(file, 'to write the outbox key to', HOW);
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  return writePrivateFile(file, formatKeyFile([{ identity, recipient, note: note() }]), { replace: false });
}

/** Stores the first public key, marked as init's. */
async function storeFirstRecipient(db: Database, recipient: string, mark: CommandMark | undefined): Promise<void> {
  await db.transaction(async (tx) => {
    await holdSchemaVersion(db, tx);
    if (mark) await markCommand(tx, mark);
    await storeRecipient(tx, recipient);
  });
}

async function firstKey(db: Database, configured: string | null, mark: CommandMark | undefined): Promise<OutboxKeySetup> {
  if (configured !== null) {
    const existing = await readKeyFile(configured);
    if (existing === null) {
      const fresh = await generateIdentity();
      if (createKeyFile(configured, fresh.identity, fresh.recipient)) {
        await storeFirstRecipient(db, fresh.recipient, mark);
        return { status: 'created', file: configured, recipient: fresh.recipient };
      }
    }
    refuseTrackedPath(configured, 'the outbox key', HOW);
    refuseReadableKey(configured);
    const key = existing ?? (await readKeyFile(configured));
    const recipient = key?.recipients[0];
    if (!recipient) throw new TenantctlError(`the outbox key ${configured} vanished while init read it; run init again`);
    await storeFirstRecipient(db, recipient, mark);
    return { status: 'adopted', file: configured, recipient };
  }
  const fresh = await generateIdentity();
  const file = defaultKeyPath(fresh.recipient);
  createKeyFile(file, fresh.identity, fresh.recipient);
  await storeFirstRecipient(db, fresh.recipient, mark);
  return { status: 'created', file, recipient: fresh.recipient };
}

/**
 * The rotation's commit went unconfirmed: the database seals for the new key
 * or still for the previous one, and only looking tells which. Both keys are
 * kept where they are, so every queued credential opens either way.
 */
function rotationOutcomeUnknown(lost: CommitOutcomeUnknown, file: string, previousFile: string | null): TenantctlError {
  const kept = previousFile === null
    ? `${file} keeps both the new key and the previous one`
    : `the new key is in ${file} and the previous one stays in ${previousFile}: keep both files`;
  const check = previousFile === null ? `tenantctl init --outbox-key ${file}` : 'tenantctl init';
  return new TenantctlError(
    `lost the connection to ${lost.displayUrl} (${lost.why}) while committing the outbox key rotation: ` +
      `whether the database now seals for the new key or the previous one is unknown. ${kept}, so every queued credential opens either way; ` +
      `run \`${check}\` to see which key the database holds, and \`tenantctl init --rotate-outbox-key\` to end with one key`,
  );
}

/** Refuses a rotation that cannot go on with the key file it found (`current`, null when there is none). */
async function refuseRotation(
  db: Queryable,
  stored: string,
  request: Pick<OutboxKeyRequest, 'configured' | 'discardLost'>,
  currentFile: string,
  current: { readonly recipients: readonly string[] } | null,
): Promise<void> {
  const usable = current !== null && current.recipients.includes(stored);
  const [queued] = await db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM credential_notifications WHERE delivered_at IS NULL AND sealed_password IS NOT NULL',
  );
  if ((queued?.n ?? 0) > 0 && !usable && !request.discardLost) {
    throw new TenantctlError(
      `${queued?.n} queued credential(s) are sealed for the current outbox key ${stored}, which is not in ${currentFile}: ` +
        'pass --outbox-key with that key\'s file so they can be sealed again, or deliver them first; ' +
        'if that key is lost, add --discard-lost-credentials to erase them and reset those users\' passwords',
    );
  }
  if (current !== null && !usable && request.configured !== null) {
    // Rewriting it would destroy a key that may be another database's.
    throw new TenantctlError(
      `refusing to rotate the outbox key into ${currentFile}: it holds ${current.recipients.join(', ')}, not this database's key ${stored}; ` +
        'pass --outbox-key with the current key\'s file, or with a file that does not exist yet',
    );
  }
}

const notThisDatabasesKey = (file: string, stored: string, recipients: readonly string[]) =>
  new TenantctlError(
    `the key in ${file} is not this database's outbox key: credentials are sealed for ${stored}, the file holds ${recipients.join(', ')}; ` +
      'pass the right file, or --rotate-outbox-key with the current key to replace it',
  );

/**
 * setupOutboxKey's refusals about a database that has a key (a file others
 * may read or holding another key; a rotation without the current key's file), checked before
 * init migrates or puts back built-in roles: refused after, init left exit 1
 * with a changed database. setupOutboxKey checks them again, as they stand then.
 */
export async function refuseKeyMismatchEarly(db: Queryable, request: Pick<OutboxKeyRequest, 'configured' | 'rotate' | 'discardLost'>): Promise<void> {
  const stored = await storedRecipientIfAny(db);
  if (stored === null) return;
  const file = request.configured ?? defaultKeyPath(stored);
  const key = await readKeyFile(file);
  if (request.rotate) {
    await refuseRotation(db, stored, request, file, key);
  } else if (key !== null) {
    refuseReadableKey(file);
    if (!key.recipients.includes(stored)) throw notThisDatabasesKey(file, stored, key.recipients);
  }
}

/**
 * Replaces the outbox key: every queued credential is opened with the current
 * key and sealed again for a new one, in one transaction under the apply lock.
 * The new key file first holds both keys, so a crash at any point leaves every
 * queued credential openable. Only a confirmed commit drops the previous key
 * (the file is rewritten with the new key alone), only a confirmed rollback
 * drops the new one; when the commit's outcome is unknown both stay.
 */
async function rotate(db: Database, stored: string, request: OutboxKeyRequest): Promise<OutboxKeySetup> {
  const currentFile = request.configured ?? defaultKeyPath(stored);
  const current = await readKeyFile(currentFile);
  const usable = current !== null && current.recipients.includes(stored);
  await refuseRotation(db, stored, request, currentFile, current);
  const fresh = await generateIdentity();
  const file = request.configured ?? defaultKeyPath(fresh.recipient);
  const previousFile = file === currentFile ? null : currentFile;
  refuseTrackedPath(file, 'to write the outbox key to', HOW);
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const newEntry = { identity: fresh.identity, recipient: fresh.recipient, note: note() };
  const previous = usable && previousFile === null
    ? current.identities.map((identity, i) => ({ identity, recipient: current.recipients[i] ?? '', note: 'previous key, kept until the rotation commits' }))
    : [];
  writePrivateFile(file, formatKeyFile([newEntry, ...previous]));
  let resealed = 0;
  let discarded: string[] = [];
  try {
    await db.transaction(async (tx) => {
      // In the order a migration takes them (migration lock, then tenant lock): the other would deadlock with it.
      await holdSchemaVersion(db, tx);
      const rows = await lockQueuedCredentials(db, tx, request.lockTimeoutMs);
      if (request.mark) await markCommand(tx, request.mark);
      const resealedRows: { id: number; sealed: string }[] = [];
      const lost: { id: number; upn: string }[] = [];
      for (const row of rows) {
        let secret: string;
        try {
          secret = await openSealed(current?.identities ?? [], row.sealed_password);
        } catch {
          // Sealed for a lost key: undeliverable either way; erased only when asked.
          lost.push({ id: Number(row.id), upn: row.user_principal_name });
          continue;
        }
        resealedRows.push({ id: Number(row.id), sealed: await sealSecret(fresh.recipient, secret) });
      }
      if (request.discardLost && lost.length > 0) {
        await tx.query('DELETE FROM credential_notifications WHERE id = ANY($1::bigint[])', [lost.map((l) => l.id)]);
        discarded = lost.map((l) => l.upn);
      }
      if (resealedRows.length > 0) {
        await tx.query(
          `UPDATE credential_notifications c SET sealed_password = x.sealed
             FROM jsonb_to_recordset($1::jsonb) AS x(id bigint, sealed text) WHERE c.id = x.id`,
          [JSON.stringify(resealedRows)],
        );
      }
      await storeRecipient(tx, fresh.recipient);
      resealed = resealedRows.length;
    });
  } catch (cause) {
    if (cause instanceof CommitOutcomeUnknown) throw rotationOutcomeUnknown(cause, file, previousFile);
    // Rolled back: the database still seals for the previous key, and nothing for the new one.
    if (previous.length > 0) writePrivateFile(file, formatKeyFile(previous));
    else if (previousFile !== null) fs.rmSync(file, { force: true });
    if (cause instanceof LockNotObtained) throw await lockTimeoutError(db, cause.timeoutMs);
    throw cause;
  }
  if (previous.length > 0) writePrivateFile(file, formatKeyFile([newEntry]));
  return { status: 'rotated', file, recipient: fresh.recipient, resealed, previousFile, discarded };
}

/**
 * The configured key file's place and mode, checked before init touches the
 * database: a path refused after the schema was migrated would leave exit 1
 * with a changed database.
 */
export function refuseKeyPathEarly(configured: string | null, rotate: boolean): void {
  if (configured === null) return;
  const exists = fs.existsSync(configured);
  if (exists && !fs.statSync(configured).isFile()) {
    throw new TenantctlError(`the outbox key ${terminalText(configured)} is not a regular file; name the key file, or a new file for init to create`);
  }
  if (!exists) refuseUncreatableFolder(configured);
  refuseTrackedPath(configured, exists ? 'the outbox key' : 'to write the outbox key to', HOW);
  // Rotating is the remedy for a key others may have read: the new file is 0600.
  if (exists && !rotate) refuseReadableKey(configured);
}

/**
 * A key file named (--outbox-key or the variable) that does not exist, for a
 * database that has a key already: init would create no file (it makes a key
 * only for a database without one), and an administrator who asked for one
 * would take the missing file for her key. Checked before init migrates, so
 * the refusal changes nothing. `named`: how the file was named, for the message.
 */
export async function refuseKeyFileNotMade(db: Queryable, configured: string | null, named: string, rotate: boolean): Promise<void> {
  if (configured === null || rotate || fs.existsSync(configured)) return;
  const stored = await storedRecipientIfAny(db);
  if (stored === null) return;
  const usual = defaultKeyPath(stored);
  const where = fs.existsSync(usual)
    ? `Its private key is ${usual}, where deliver finds it without ${named}`
    : `Its private key is in the file init created with it (${usual} unless named otherwise, and not there): name that file with ${named}`;
  throw new TenantctlError(
    `the database already has an outbox key (credentials are sealed for ${stored}), so init creates no new key and did not create ${configured}; nothing was changed. ` +
      `${where}; to replace the key, run \`tenantctl init --rotate-outbox-key\` with ${named} naming the current key's file, ` +
      `or, if that key is lost, \`tenantctl init --rotate-outbox-key --discard-lost-credentials\` with ${named} naming the new file`,
  );
}

/** The stored public key, or null before init made one or before the schema has the table. */
async function storedRecipientIfAny(db: Queryable): Promise<string | null> {
  const [table] = await db.query<{ present: boolean }>("SELECT to_regclass('outbox_key') IS NOT NULL AS present");
  return table?.present ? storedRecipient(db) : null;
}

/**
 * The default place (~/.config/tenantctl/outbox), when init is to make a key
 * there: a first key, or a rotation. Its file is named after a key not made
 * yet, so the folder is checked, as the files git would see there: refused
 * after migrating, init left exit 1 with a migrated (or new embedded) database.
 */
export async function refuseDefaultKeyFolderEarly(db: Queryable, configured: string | null, rotate: boolean): Promise<void> {
  if (configured !== null || (!rotate && (await storedRecipientIfAny(db)) !== null)) return;
  const folder = path.dirname(defaultKeyPath('age1'));
  refuseUncreatableFolder(path.join(folder, 'age1.key'));
  refuseTrackedPath(folder, 'to write the outbox key into', HOW, `age1${'q'.repeat(58)}.key`);
}

/** The new key's folder is made (createKeyFile) below the nearest one that exists, which must be a folder. */
function refuseUncreatableFolder(file: string): void {
  let folder = path.dirname(path.resolve(file));
  while (!fs.existsSync(folder) && path.dirname(folder) !== folder) folder = path.dirname(folder);
  if (!fs.statSync(folder).isDirectory()) {
    throw new TenantctlError(`cannot create the outbox key ${file}: ${folder} is a file, not a folder; name a file in a folder`);
  }
}

/**
 * init's part in sealed credentials: make sure the database holds the public
 * key queued credentials are sealed for, creating the key pair (private half
 * in a 0600 file outside the repository) on first use, or rotating it.
 */
export async function setupOutboxKey(db: Database, request: OutboxKeyRequest): Promise<OutboxKeySetup> {
  const stored = await storedRecipient(db);
  if (stored === null) return firstKey(db, request.configured, request.mark);
  if (request.rotate) return rotate(db, stored, request);
  const file = request.configured ?? defaultKeyPath(stored);
  const key = await readKeyFile(file);
  if (key !== null) refuseReadableKey(file);
  if (key !== null && !key.recipients.includes(stored)) throw notThisDatabasesKey(file, stored, key.recipients);
  return { status: 'kept', file, recipient: stored, fileFound: key !== null, otherKeys: key === null ? 0 : key.recipients.length - 1 };
}
