import path from 'node:path';
import { mailOptions } from './compose-message.js';
import { loadMailer } from './on-demand-libraries.js';
import type { Transport } from './deliver.js';
import { writePrivateFile } from '../files/write-private-file.js';
import { checkPickupFolder } from './pickup-folder.js';

/** A folder a mail server (IIS, Exchange, Postfix tooling) picks messages up from. */
export interface PickupTransport extends Transport {
  readonly directory: string;
}

/** `credentials-42.eml`: one file per notification, so a retry overwrites it. */
export function pickupFileName(notificationId: number): string {
  return `credentials-${notificationId}.eml`;
}

/**
 * Writes each message as an RFC 5322 `.eml` file (CRLF line ends) readable
 * only by its owner (0600), creating the folder with 0700 when missing, and
 * refusing a folder git would commit or others may write (pickup-folder.ts).
 * writePrivateFile syncs and renames, so a pickup service never reads half a
 * message, and it is on disk before deliver commits and erases the password.
 */
export function createPickupTransport(directory: string): PickupTransport {
  const folder = path.resolve(directory);
  checkPickupFolder(folder);
  // nodemailer is loaded by the first message (see smtp-transport.ts).
  let composer: Promise<ReturnType<(typeof import('nodemailer'))['createTransport']>> | undefined;
  const compose = () => (composer ??= loadMailer().then(({ default: mailer }) => mailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' })));
  return {
    directory: folder,
    async send(message) {
      const info = await (await compose()).sendMail(mailOptions(message));
      const raw = Buffer.isBuffer(info.message) ? info.message : Buffer.from(String(info.message));
      writePrivateFile(path.join(folder, pickupFileName(message.notificationId)), raw);
      return { rejected: [] };
    },
  };
}
