import path from 'node:path';
import { mailOptions, type CredentialMessage } from './compose-message.js';
import { loadMailer } from './on-demand-libraries.js';
import type { Transport } from './deliver.js';
import { writePrivateFile } from '../files/write-private-file.js';
import { checkPickupFolder, confirmPickupFolder } from './pickup-folder.js';

/** A folder a mail server (IIS, Exchange, Postfix tooling) picks messages up from. */
export interface PickupTransport extends Transport {
  readonly directory: string;
}

/**
 * `credentials-42.6f1c…eml`, named as the Message-ID is (credentialMessageId):
 * the user's id (a random UUID) keeps notification 42 of one database apart
 * from notification 42 of another sharing the folder.
 */
export function pickupFileName(message: Pick<CredentialMessage, 'notificationId' | 'userId'>): string {
  return `credentials-${message.notificationId}.${message.userId}.eml`;
}

/**
 * Writes each message as an RFC 5322 `.eml` file (CRLF line ends) readable
 * only by its owner (0600), creating the folder with 0700 when missing, and
 * refusing a folder git would commit or others may write (pickup-folder.ts).
 * writePrivateFile syncs and renames, so a pickup service never reads half a
 * message, and it is on disk before deliver commits and erases the password.
 * A file of that name already there is never replaced: the send fails and the
 * notification stays queued. That file is either this message, written by a
 * deliver that stopped before recording it (the crash window in deliver.ts),
 * or something planted; a person has to look.
 */
export function createPickupTransport(directory: string): PickupTransport {
  const folder = path.resolve(directory);
  const checked = checkPickupFolder(folder);
  // nodemailer is loaded by the first message (see smtp-transport.ts).
  let composer: Promise<ReturnType<(typeof import('nodemailer'))['createTransport']>> | undefined;
  const compose = () => (composer ??= loadMailer().then(({ default: mailer }) => mailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' })));
  return {
    directory: folder,
    async send(message) {
      const info = await (await compose()).sendMail(mailOptions(message));
      const raw = Buffer.isBuffer(info.message) ? info.message : Buffer.from(String(info.message));
      const name = pickupFileName(message);
      confirmPickupFolder(folder, checked);
      if (!writePrivateFile(path.join(folder, name), raw, { replace: false })) {
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
