import type { SMTPSentMessageInfo } from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool/index.js';
import type { ConnectionOptions } from 'node:tls';
import { maskBeforeLastAt, maskUrl, PASSWORD_CUT_SHORT, passwordCutShort } from '../db/database-url.js';
import { TenantctlError } from '../diagnostics/tenantctl-error.js';
import { loadMailer } from './on-demand-libraries.js';
import { mailOptions } from './compose-message.js';
import type { RejectedRecipient, Transport } from './deliver.js';
import { sendFailure } from './relay-failure.js';

/** Settings a URL cannot carry (tests, unusual relays). */
export interface SmtpTransportOptions {
  /** Extra TLS settings, e.g. a private CA for the relay's certificate. */
  readonly tls?: ConnectionOptions;
  /**
   * Send without TLS. Only for a relay on this machine (127.0.0.0/8, ::1,
   * localhost), where the connection never crosses a network; refused for
   * any other host (`deliver --smtp-insecure-loopback`).
   */
  readonly insecureLoopback?: boolean;
  /** Milliseconds to wait for the connection, the greeting and each reply; a whole message gets that for each reply it waits for. */
  readonly timeoutMs?: number;
}

/** An SMTP relay; `displayUrl` has the password masked and is safe to print. */
export interface SmtpTransport extends Transport {
  readonly displayUrl: string;
  /** The user name the relay is logged in to, if any (often a mailbox's address). */
  readonly login: string | null;
  close(): void;
}

// A deliver holds the notification's row lock while it sends, so a silent
// server must not hold it for long.
const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * The replies one message can wait for besides one RCPT TO per recipient: the
 * connection, the greeting, EHLO, STARTTLS, EHLO again, up to three for AUTH,
 * RSET on a reused connection, MAIL FROM, DATA and the end of the data.
 */
const REPLIES_BESIDES_RECIPIENTS = 12;

/**
 * How long one message may take in all: the timeout for each reply it waits
 * for. nodemailer's socket timeout counts only silence, so a relay that
 * trickles a reply (a `250-` line every few seconds, never the last one) kept
 * a send waiting for ever, the notification's row locked, and a deliver run
 * from cron never ended.
 */
function messageDeadlineMs(timeoutMs: number, recipients: number): number {
  return timeoutMs * (REPLIES_BESIDES_RECIPIENTS + recipients);
}

/**
 * The value of TENANTCTL_SMTP_URL as an error may show it. maskUrl finds the
 * password only after a `scheme://`; a value mistyped short of it
 * (`smtps//user:password@host`, `smtp:user:password@host`) or the password
 * alone would otherwise be printed whole, into a CI log.
 */
function shownSmtpValue(url: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? maskUrl(url) : maskBeforeLastAt(url);
}

function parseSmtpUrl(url: string): URL {
  const problem = `unsupported SMTP URL ${shownSmtpValue(url)}: use smtp://user:password@host:587 (STARTTLS) or smtps://user:password@host:465`;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TenantctlError(passwordCutShort(url) ? `${problem}; ${PASSWORD_CUT_SHORT}` : problem);
  }
  if ((parsed.protocol !== 'smtp:' && parsed.protocol !== 'smtps:') || parsed.hostname === '') throw new TenantctlError(problem);
  // A raw `/`, `?` or `#` in a password of digits (smtp://relay:2024?Summer@host) ends the
  // authority early: the URL parses as host `relay`, port 2024, and the rest of the password
  // becomes a path, parameter or fragment, which the message below would list as a name.
  if (/@/.test(parsed.pathname + parsed.search + parsed.hash)) {
    throw new TenantctlError(`unsupported SMTP URL ${maskUrl(url)}: ${PASSWORD_CUT_SHORT}`);
  }
  // nodemailer would let URL parameters (ignoreTLS, requireTLS, tls.*) override the TLS rules below.
  if (parsed.search !== '') {
    throw new TenantctlError(`the SMTP URL ${maskUrl(url)} has parameters (${parsed.search.slice(1).split('&').map((p) => p.split('=')[0]).join(', ')}); tenantctl takes none: remove them`);
  }
  return parsed;
}

/** 127.0.0.0/8, ::1 and localhost: a relay on this machine. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

function decoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * The forms in which the relay's password can come back in its replies:
 * as written in the URL, decoded, and as nodemailer sends it in AUTH PLAIN
 * (base64 of NUL user NUL password) and AUTH LOGIN (base64 of the password).
 * A relay that echoes the command it refuses would otherwise put the
 * password, merely base64-encoded, in the report and in last_error. With and
 * without the padding, so an echo that drops it is caught too.
 */
export function credentialForms(user: string, password: string): string[] {
  const pass = decoded(password);
  if (pass.length === 0) return [];
  const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
  const encoded = [base64(`\u0000${user}\u0000${pass}`), base64(pass)];
  return [...new Set([password, pass, ...encoded, ...encoded.map((e) => e.replace(/=+$/, ''))])]
    .filter((s) => s.length > 0)
    // The longest first: the password inside its own base64 form would otherwise break that form up before it is found.
    .sort((a, b) => b.length - a.length);
}

/** A password form shorter than this is not blotted out of a relay's words, which are then not shown. */
const MIN_BLOTTED = 8;

/**
 * What hides `secrets` (credentialForms) in what the relay or nodemailer
 * says: each form blotted out as `****`. A short password cannot be: blotting
 * "ab" out of `535 Authentication failed` leaves the words around it, and
 * where the blots fall spells the password out. Words with a short form in
 * them are replaced as a whole.
 */
export function relayRedactor(secrets: readonly string[]): (text: string) => string {
  return (text) => {
    const found = secrets.filter((secret) => text.includes(secret));
    if (found.length === 0) return text;
    if (found.some((secret) => secret.length < MIN_BLOTTED)) {
      return `(what the relay said is not shown: the SMTP password is shorter than ${MIN_BLOTTED} characters, too short to blot out of it without showing where it was; use a longer one)`;
    }
    return found.reduce((t, secret) => t.split(secret).join('****'), text);
  };
}

/**
 * Sends through the relay a URL names: `smtp://user:password@host:port`
 * (STARTTLS required) or `smtps://…` (TLS from the start). Without TLS only
 * with `insecureLoopback`, to a relay on this machine. Errors never contain
 * the URL's password.
 */
export function createSmtpTransport(url: string, options: SmtpTransportOptions = {}): SmtpTransport {
  const parsed = parseSmtpUrl(url);
  const secrets = credentialForms(decoded(parsed.username), parsed.password);
  const timeout = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const secure = parsed.protocol === 'smtps:';
  if (options.insecureLoopback && !isLoopbackHost(parsed.hostname)) {
    throw new TenantctlError(
      `--smtp-insecure-loopback is only for a relay on this machine (127.0.0.1, ::1, localhost), not ${parsed.hostname}: the credentials would cross the network in the clear`,
    );
  }
  const user = decoded(parsed.username);
  const settings: SMTPPool.Options = {
    // One connection for the whole run (deliver sends one message at a time), not a TLS
    // handshake and a login per message; a relay may delay each greeting or limit connections.
    pool: true,
    maxConnections: 1,
    // A message whose connection drops while it is sent fails, as without a pool: sent again
    // automatically it could reach its recipients twice (see deliver.ts on that window).
    maxRequeues: 0,
    host: parsed.hostname.replace(/^\[|\]$/g, ''),
    port: parsed.port ? Number(parsed.port) : secure ? 465 : 587,
    secure,
    // STARTTLS or nothing: a relay that does not offer it is refused, never spoken to in the clear.
    requireTLS: !options.insecureLoopback,
    ...(user ? { auth: { user, pass: decoded(parsed.password) } } : {}),
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
    ...(options.tls ? { tls: options.tls } : {}),
  };
  // nodemailer is loaded by the first send: only deliver needs it, and every command starts faster without it.
  let transporter: Promise<ReturnType<(typeof import('nodemailer'))['createTransport']>> | undefined;
  const connect = () => (transporter ??= loadMailer().then(({ default: mailer }) => mailer.createTransport(settings)));
  const redact = relayRedactor(secrets);
  const host = settings.host ?? '';
  const relay = `${host.includes(':') ? `[${host}]` : host}:${settings.port ?? ''}`;
  return {
    displayUrl: maskUrl(url),
    login: user || null,
    async send(message) {
      const deadlineMs = messageDeadlineMs(timeout, message.to.length);
      // nodemailer's pool closes the connection of a message whose signal aborts, and fails that message.
      const deadline = AbortSignal.timeout(deadlineMs);
      let info: SMTPSentMessageInfo;
      try {
        info = await (await connect()).sendMail({ ...mailOptions(message), signal: deadline });
      } catch (cause) {
        if (deadline.aborted) {
          throw new Error(
            `the relay ${relay} had not taken the message after ${deadlineMs / 1000}s (its replies came too slowly, or one never ended), so deliver closed the connection; if it had accepted the message already, the next deliver sends it again with the same Message-ID`,
          );
        }
        throw sendFailure(cause, relay, redact);
      }
      const errors = info.rejectedErrors ?? [];
      const rejected: RejectedRecipient[] = info.rejected.map((address) => {
        const error = errors.find((e) => e.recipient === address);
        return { address, reason: redact(error?.response ?? error?.message ?? 'refused by the server') };
      });
      return { rejected };
    },
    close() {
      // Nothing to close when nodemailer could not be loaded; each send reported that already.
      void transporter?.then(
        (t) => t.close(),
        () => undefined,
      );
    },
  };
}
