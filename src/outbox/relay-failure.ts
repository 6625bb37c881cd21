/**
 * A failure of the relay itself (unreachable, no TLS or an untrusted certificate, a refused login),
 * not of one message: every message after it would fail the same way, each
 * after its own timeout, so deliver stops at the first.
 */
export class RelayUnusable extends Error {}

// What fails before any message's own data is sent: the relay's name, the connection, TLS, the login.
// Not a timeout or a dropped connection: nodemailer reports a stall at one message's RCPT the same way
// (ETIMEDOUT, ECONNECTION), and stopping there would keep that message first and block the rest on every run.
const RELAY_CODES: ReadonlySet<string> = new Set(['EDNS', 'ETLS', 'EAUTH', 'ENOAUTH', 'EPROXY']);
// Node's words for a certificate it does not trust (tls's X509 verification errors, and the host check).
const UNTRUSTED_CERTIFICATE =
  /self[- ]signed certificate|unable to (?:verify the first certificate|get local issuer certificate|get issuer certificate)|certificate has expired|certificate is not yet valid|does not match certificate's altnames/i;
const UNREACHABLE = /\b(ECONNREFUSED|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN)\b/;

interface MailerError {
  readonly code?: unknown;
  readonly command?: unknown;
  readonly message?: unknown;
}

/**
 * A send's failure in tenantctl's words, `redact` applied to whatever the
 * relay or nodemailer said (it may quote the URL's password).
 */
export function sendFailure(cause: unknown, relay: string, redact: (text: string) => string): Error {
  const e = (cause ?? {}) as MailerError;
  const said = redact(typeof e.message === 'string' ? e.message : String(cause));
  // requireTLS: nodemailer sends STARTTLS whether or not the relay offers it, and fails on the refusal.
  const noStartTls = (e.code === 'ETLS' && e.command === 'STARTTLS' && /upgrading/i.test(said)) || /does not support required STARTTLS/i.test(said);
  if (noStartTls) {
    return new RelayUnusable(
      `the relay ${relay} does not offer TLS (STARTTLS: ${said}), so nothing was sent: use a relay that does (smtp://…:587), or smtps://…:465 for TLS from the start; only a relay on this machine may be used without TLS, with deliver --smtp-insecure-loopback`,
    );
  }
  // Node's certificate checks fail the TLS handshake before any message, the same way for every one.
  if (e.code === 'ESOCKET' && UNTRUSTED_CERTIFICATE.test(said)) {
    return new RelayUnusable(
      `the relay ${relay}'s TLS certificate was refused (${said}), so nothing was sent: for a relay whose certificate a private CA signed, ` +
        'give Node that CA with NODE_EXTRA_CA_CERTS=FILE (a PEM file) where deliver runs; otherwise check that the URL names the host its certificate is for',
    );
  }
  if (e.code === 'ESOCKET' && /wrong version number/i.test(said)) {
    return new RelayUnusable(
      `the relay ${relay} did not answer in TLS (${said}), so nothing was sent: smtps:// is for a port that speaks TLS from the start (465); for a port that uses STARTTLS (587) write smtp://`,
    );
  }
  const unreachable = e.code === 'ESOCKET' && UNREACHABLE.test(said);
  return unreachable || (typeof e.code === 'string' && RELAY_CODES.has(e.code)) ? new RelayUnusable(said) : new Error(said);
}
