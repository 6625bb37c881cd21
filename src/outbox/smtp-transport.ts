import nodemailer, { type SMTPSentMessageInfo } from 'nodemailer';
import type { ConnectionOptions } from 'node:tls';
import { maskUrl } from '../db/database-url.js';
import { TenantctlError } from '../diagnostics/tenantctl-error.js';
import { mailOptions } from './compose-message.js';
import type { RejectedRecipient, Transport } from './deliver.js';

/** Settings a URL cannot carry conveniently (tests, unusual relays). */
export interface SmtpTransportOptions {
  readonly tls?: ConnectionOptions;
  /** Never upgrade with STARTTLS, even when the server offers it. */
  readonly ignoreTLS?: boolean;
  /** Milliseconds to wait for the connection, the greeting and each reply. */
  readonly timeoutMs?: number;
}

/** An SMTP relay; `displayUrl` has the password masked and is safe to print. */
export interface SmtpTransport extends Transport {
  readonly displayUrl: string;
  close(): void;
}

// A deliver holds the notification's row lock while it sends, so a silent
// server must not hold it for long.
const DEFAULT_TIMEOUT_MS = 30_000;

function parseSmtpUrl(url: string): URL {
  const problem = `unsupported SMTP URL ${maskUrl(url)}: use smtp://user:password@host:587 (STARTTLS when offered) or smtps://user:password@host:465`;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TenantctlError(problem);
  }
  if ((parsed.protocol !== 'smtp:' && parsed.protocol !== 'smtps:') || parsed.hostname === '') throw new TenantctlError(problem);
  return parsed;
}

function decoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * Sends through the relay a URL names: `smtp://user:password@host:port` or
 * `smtps://…` (TLS from the start). nodemailer's query options work too, e.g.
 * `?requireTLS=true` or `?tls.rejectUnauthorized=false`. Errors never contain
 * the URL's password.
 */
export function createSmtpTransport(url: string, options: SmtpTransportOptions = {}): SmtpTransport {
  const parsed = parseSmtpUrl(url);
  const secrets = [parsed.password, decoded(parsed.password)].filter((s) => s.length > 0);
  const timeout = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const transporter = nodemailer.createTransport({
    url,
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
    ...(options.tls ? { tls: options.tls } : {}),
    ...(options.ignoreTLS ? { ignoreTLS: true } : {}),
  });
  const redact = (text: string) => secrets.reduce((t, secret) => t.split(secret).join('****'), text);
  return {
    displayUrl: maskUrl(url),
    async send(message) {
      let info: SMTPSentMessageInfo;
      try {
        info = await transporter.sendMail(mailOptions(message));
      } catch (cause) {
        throw new Error(redact(cause instanceof Error ? cause.message : String(cause)));
      }
      const errors = info.rejectedErrors ?? [];
      const rejected: RejectedRecipient[] = info.rejected.map((address) => {
        const error = errors.find((e) => e.recipient === address);
        return { address, reason: redact(error?.response ?? error?.message ?? 'refused by the server') };
      });
      return { rejected };
    },
    close() {
      transporter.close();
    },
  };
}
