import fs from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { mailOptions } from './compose-message.js';
import type { Transport } from './deliver.js';

/** A folder a mail server (IIS, Exchange, Postfix tooling) picks messages up from. */
export interface PickupTransport extends Transport {
  readonly directory: string;
}

/** `credentials-42.eml`: one file per notification, so a retry overwrites it. */
export function pickupFileName(notificationId: number): string {
  return `credentials-${notificationId}.eml`;
}

async function syncDirectory(directory: string): Promise<void> {
  const handle = await fs.open(directory, 'r');
  try {
    await handle.sync();
  } catch {
    // Some platforms (Windows) cannot fsync a directory; the file itself is synced.
  } finally {
    await handle.close();
  }
}

/**
 * Writes each message as an RFC 5322 `.eml` file (CRLF line ends) readable
 * only by its owner (0600), creating the folder with 0700 when missing. The
 * file is written under a temporary name, synced and renamed, so a pickup
 * service never reads half a message, and it is on disk before deliver
 * commits and erases the password from the database.
 */
export function createPickupTransport(directory: string): PickupTransport {
  const folder = path.resolve(directory);
  const composer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  return {
    directory: folder,
    async send(message) {
      const info = await composer.sendMail(mailOptions(message));
      const raw = Buffer.isBuffer(info.message) ? info.message : Buffer.from(String(info.message));
      await fs.mkdir(folder, { recursive: true, mode: 0o700 });
      const target = path.join(folder, pickupFileName(message.notificationId));
      const temporary = path.join(folder, `.${pickupFileName(message.notificationId)}.${process.pid}.tmp`);
      const handle = await fs.open(temporary, 'w', 0o600);
      try {
        // The mode of open() applies only to a new file and is subject to the umask.
        await handle.chmod(0o600);
        await handle.writeFile(raw);
        await handle.sync();
      } finally {
        await handle.close();
      }
      try {
        await fs.rename(temporary, target);
      } catch (cause) {
        await fs.rm(temporary, { force: true });
        throw cause;
      }
      await syncDirectory(folder);
      return { rejected: [] };
    },
  };
}
