import fs from 'node:fs';
import path from 'node:path';
import { mailOptions, type CredentialMessage } from './compose-message.js';
import { loadMailer } from './on-demand-libraries.js';
import type { Transport } from './deliver.js';
import { writePrivateFile } from '../files/write-private-file.js';
import { checkPickupFolder, confirmPickupFolder, type CheckedFolder } from './pickup-folder.js';

/** A folder a mail server (IIS, Exchange, Postfix tooling) picks messages up from. */
export interface PickupTransport extends Transport {
  readonly directory: string;
  /** The folder as checkPickupFolder found it: what it must still be (confirmPickupFolder). */
  readonly checked: CheckedFolder;
}

/**
 * `credentials-42.6f1c…eml`, named as the Message-ID is (credentialMessageId):
 * the user's id (a random UUID) keeps notification 42 of one database apart
 * from notification 42 of another sharing the folder.
 */
export function pickupFileName(message: Pick<CredentialMessage, 'notificationId' | 'userId'>): string {
  return `credentials-${message.notificationId}.${message.userId}.eml`;
}

/** The Date header, the one line two compositions of one notification differ in. */
const DATE_LINE = /^Date: [^\r\n]*\r\n/m;

/**
 * Whether `file` is exactly `raw` but for its Date: the message a deliver
 * killed after placing it and before recording it (SIGKILL, a power cut)
 * wrote, which the pickup service has not taken yet. Only a regular file of
 * this user (opened with O_NOFOLLOW), no larger than the message give or take
 * a Date, is read.
 */
function isSameMessage(file: string, raw: Buffer): boolean {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
    const stat = fs.fstatSync(fd);
    if (!stat.isFile() || stat.uid !== process.getuid?.() || stat.size > raw.length + 100) return false;
    const existing = Buffer.alloc(stat.size);
    const read = fs.readSync(fd, existing, 0, stat.size, 0);
    const strip = (b: Buffer) => b.toString('latin1').replace(DATE_LINE, '');
    if (read !== stat.size || strip(existing) !== strip(raw)) return false;
    // The run that wrote it may have died before syncing its folder: made durable before the password is erased.
    fs.fsyncSync(fd);
    try {
      const folder = fs.openSync(path.dirname(file), fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
      try {
        fs.fsyncSync(folder);
      } finally {
        fs.closeSync(folder);
      }
    } catch {
      // Some platforms cannot fsync a folder (as in write-private-file.ts); the file itself is synced.
    }
    return true;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/**
 * Writes each message as an RFC 5322 `.eml` file (CRLF line ends) readable
 * only by its owner (0600), creating the folder with 0700 when missing, and
 * refusing a folder git would commit or others may write (pickup-folder.ts).
 * writePrivateFile syncs and renames, so a pickup service never reads half a
 * message, and it is on disk before deliver commits and erases the password.
 * A file of that name already there is never replaced. When it is this very
 * message (but for its Date), written by a deliver that was killed before
 * recording it (the crash window in deliver.ts), it counts as delivered, with
 * a note; anything else there fails the send, the notification stays queued,
 * and a person has to look.
 */
export function createPickupTransport(directory: string): PickupTransport {
  const folder = path.resolve(directory);
  const checked = checkPickupFolder(folder);
  // nodemailer is loaded by the first message (see smtp-transport.ts).
  let composer: Promise<ReturnType<(typeof import('nodemailer'))['createTransport']>> | undefined;
  const compose = () => (composer ??= loadMailer().then(({ default: mailer }) => mailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' })));
  return {
    directory: folder,
    checked,
    async send(message) {
      const info = await (await compose()).sendMail(mailOptions(message));
      const raw = Buffer.isBuffer(info.message) ? info.message : Buffer.from(String(info.message));
      const name = pickupFileName(message);
      confirmPickupFolder(folder, checked);
      if (!writePrivateFile(path.join(folder, name), raw, { replace: false })) {
        if (isSameMessage(path.join(folder, name), raw)) {
          return { rejected: [], note: 'its message was in the pickup folder already, written by an earlier deliver that was stopped before it could record it' };
        }
        throw new Error(
          `the pickup folder already has ${name}, left by an earlier deliver that stopped before recording it, or by someone else; nothing was overwritten: if the pickup service has not taken it, check it and remove it, then deliver again`,
        );
      }
      // Checked again: a swap during the write would have put the file elsewhere, and it must not count as delivered.
      confirmPickupFolder(folder, checked);
      return { rejected: [] };
    },
  };
}
