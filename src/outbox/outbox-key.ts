import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Queryable } from '../db/database.js';
import { TenantctlError } from '../diagnostics/tenantctl-error.js';
// Loaded when first needed (see seal.ts).
import { loadAge as age } from './on-demand-libraries.js';
import { modeText } from '../files/file-mode.js';
import { readInputFile } from '../config/read-input-file.js';
import { terminalText } from '../render/escape-terminal.js';

/**
 * The outbox's private key as `age-keygen` writes it: comment lines and one
 * or more `AGE-SECRET-KEY-1…` lines. More than one only while a rotation is
 * under way (the new key first, then the one it replaces), so a crash in the
 * middle leaves every queued credential openable.
 */
export interface OutboxKeyFile {
  readonly path: string;
  readonly identities: readonly string[];
  /** The public key (age1…) of each identity, in the same order. */
  readonly recipients: readonly string[];
}

export const OUTBOX_KEY_VARIABLE = 'TENANTCTL_OUTBOX_KEY';

/**
 * Where a key lives when neither --outbox-key nor TENANTCTL_OUTBOX_KEY names
 * it: under the user's configuration folder, outside any repository, named
 * after its public key so several databases never share one file by accident.
 */
export function defaultKeyPath(recipient: string): string {
  const config = process.env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config');
  return path.join(config, 'tenantctl', 'outbox', `${recipient}.key`);
}

export function configuredKeyPath(option: string | undefined): string | null {
  const named = option ?? process.env[OUTBOX_KEY_VARIABLE];
  // Set but blank (a CI secret the job cannot read) was taken for unset, and init made a new key
  // where nobody keeps it (the runner's home), or, for " ", a private key file named " " in the
  // working directory: refused, as an empty TENANTCTL_DATABASE_URL and an empty --outbox-key are.
  if (option === undefined && named !== undefined && named.trim() === '') {
    throw new TenantctlError(
      `$${OUTBOX_KEY_VARIABLE} is set but empty (a CI secret this job cannot read?): set it to the outbox key's file, or unset it for the default under ~/.config/tenantctl/outbox`,
    );
  }
  // The key's text where its file's name belongs (a CI secret put in the variable as it is) was
  // quoted as a path in the refusal: the private key printed in the job's log.
  if (named && /AGE-SECRET-KEY-|[\r\n]/i.test(named)) {
    throw new TenantctlError(
      `${option === undefined ? `$${OUTBOX_KEY_VARIABLE}` : '--outbox-key'} holds a key (not shown), not the name of a file: ` +
        'write the key to a file only you may read and name that file',
    );
  }
  return named ? path.resolve(named) : null;
}

export async function generateIdentity(): Promise<{ identity: string; recipient: string }> {
  const { generateX25519Identity, identityToRecipient } = await age();
  const identity = await generateX25519Identity();
  return { identity, recipient: await identityToRecipient(identity) };
}

/** The file's text in age-keygen's format, so `age -d -i FILE` reads it as is. */
export function formatKeyFile(entries: readonly { identity: string; recipient: string; note: string }[]): string {
  return entries.map((e) => `# ${e.note}\n# public key: ${e.recipient}\n${e.identity}\n`).join('');
}

/**
 * A key file is a few lines (about 150 bytes a key; two keys during a
 * rotation). Anything much larger is not one, and is not read whole.
 */
export const KEY_FILE_LIMIT = 64 * 1024;

/**
 * The key file's identities, or null when there is no such file. Read as
 * every input is (readInputFile): a FIFO without a writer was opened with a
 * blocking read and hung deliver for good (SIGTERM too, the thread being
 * stuck in open), and /dev/zero was read until memory ran out. A symbolic
 * link is followed, as before: the administrator named the path, and secret
 * mounts (Kubernetes) are links; the mode checked is the target's.
 */
export async function readKeyFile(file: string): Promise<OutboxKeyFile | null> {
  const shown = terminalText(file);
  const read = readInputFile(file, KEY_FILE_LIMIT, 'an outbox key file', 'name the key file init wrote', shown);
  if (read.problem?.kind === 'unreadable') {
    if (read.problem.code === 'ENOENT') return null;
    throw new TenantctlError(`cannot read the outbox key ${shown}: ${read.problem.reason}`);
  }
  if (read.problem) throw new TenantctlError(`refusing the outbox key: ${read.problem.message}`);
  const text = read.bytes.toString('utf8');
  const identities = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.startsWith('AGE-SECRET-KEY-1'));
  const recipients: string[] = [];
  const { identityToRecipient } = await age();
  for (const identity of identities) {
    try {
      recipients.push(await identityToRecipient(identity));
    } catch {
      throw new TenantctlError(`the outbox key ${shown} holds a malformed AGE-SECRET-KEY line; restore the file init wrote`);
    }
  }
  if (identities.length === 0) {
    throw new TenantctlError(`${shown} holds no outbox key (no AGE-SECRET-KEY-1… line); restore the file init wrote`);
  }
  return { path: file, identities, recipients };
}

/**
 * A private key others may read is one to stop using: init refuses to adopt
 * or keep it and deliver to open anything with it, in the same words.
 */
export function refuseReadableKey(file: string): void {
  let mode: number;
  try {
    mode = fs.statSync(file).mode & 0o777;
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new TenantctlError(`cannot read the outbox key ${file}: ${(cause as NodeJS.ErrnoException).code ?? String(cause)}`);
  }
  if ((mode & 0o077) !== 0) {
    throw new TenantctlError(
      `the outbox key ${file} may be read by others (mode ${modeText(mode)}): run chmod 600 on it, ` +
        'and rotate the key (`tenantctl init --rotate-outbox-key`) if others did read it',
    );
  }
}

/** The public key queued credentials are sealed for, or null before init made one. */
export async function storedRecipient(db: Queryable): Promise<string | null> {
  const [row] = await db.query<{ recipient: string }>('SELECT recipient FROM outbox_key');
  return row?.recipient ?? null;
}

export async function storeRecipient(db: Queryable, recipient: string): Promise<void> {
  await db.query(
    `INSERT INTO outbox_key (recipient) VALUES ($1)
     ON CONFLICT (singleton) DO UPDATE SET recipient = EXCLUDED.recipient, created_at = now()`,
    [recipient],
  );
}
