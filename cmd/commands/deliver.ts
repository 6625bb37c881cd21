import os from 'node:os';
import type { Command } from 'commander';
import { parseDatabaseUrl } from '../../src/db/database-url.js';
import { ExitCode, TenantctlError } from '../../src/diagnostics/tenantctl-error.js';
import { emailProblem } from '../../src/config/notify-addresses.js';
import type { MailAddress } from '../../src/outbox/compose-message.js';
import { deliverPending, type DeliveryCounts, type NotificationDelivery, type Transport } from '../../src/outbox/deliver.js';
import { loadOutboxKey } from '../../src/outbox/load-outbox-key.js';
import { HEADER_BREAKING } from '../../src/outbox/notification-addresses.js';
import { loadMailer } from '../../src/outbox/on-demand-libraries.js';
import { configuredKeyPath, OUTBOX_KEY_VARIABLE } from '../../src/outbox/outbox-key.js';
import { sweepPickupLeftovers, type Leftover } from '../../src/outbox/pickup-leftovers.js';
import { createPickupTransport, type PickupTransport } from '../../src/outbox/pickup-transport.js';
import { createSmtpTransport } from '../../src/outbox/smtp-transport.js';
import { terminalText } from '../../src/render/escape-terminal.js';
import { resolveActor } from '../actor.js';
import { databaseUrl, lockTimeoutMs, type DatabaseOptions, withDatabase } from '../database-option.js';
import { err, exitForSignal, out, outliveTheTerminal } from '../terminal.js';
import { removeEmptyFolders } from '../../src/files/create-folders.js';

interface DeliverOptions extends DatabaseOptions {
  readonly pickup?: string;
  readonly outboxKey?: string;
  readonly smtpInsecureLoopback?: boolean;
}

/** The transport, where it sends (safe to print), and how to let go of it. */
interface Destination {
  readonly transport: Transport;
  readonly description: string;
  readonly close: () => void;
  /** The pickup folder's transport, when messages go there. */
  readonly pickup?: PickupTransport;
  /** The relay's login, when it logs in. */
  readonly login?: string | null;
}

function destination(options: DeliverOptions): Destination {
  if (options.pickup) {
    const transport = createPickupTransport(options.pickup);
    return { transport, description: `the pickup folder ${transport.directory}`, close: () => undefined, pickup: transport };
  }
  const url = process.env.TENANTCTL_SMTP_URL;
  if (!url) {
    throw new TenantctlError(
      'deliver needs somewhere to send the credentials: set TENANTCTL_SMTP_URL (e.g. smtp://user:password@smtp.contoso.com:587) or pass --pickup DIR',
    );
  }
  const transport = createSmtpTransport(url, { insecureLoopback: options.smtpInsecureLoopback === true });
  return { transport, description: transport.displayUrl, close: () => transport.close(), login: transport.login };
}

/** `IT desk <it-desk@contoso.com>` or `it-desk@contoso.com`, the whole value; the name may hold no address of its own. */
const NAMED_ADDRESS = /^(?:([^<>"@]*?)\s*<([^<>]*)>|([^<>]*))$/;

function sender(): MailAddress | undefined {
  const from = process.env.TENANTCTL_MAIL_FROM?.trim();
  if (!from) return undefined;
  const refuse = (why: string) =>
    new TenantctlError(`TENANTCTL_MAIL_FROM ${JSON.stringify(from)} ${why}; set it to one address, e.g. "IT desk <it-desk@contoso.com>" or it-desk@contoso.com`);
  // Checked first: a CR or LF would start a header of its own, and a bidi override would disguise the address.
  if (HEADER_BREAKING.test(from)) throw refuse('holds a control or invisible character');
  const [, name, bracketed, bare] = NAMED_ADDRESS.exec(from) ?? [];
  const address = bracketed ?? bare;
  if (address === undefined || emailProblem(address) !== null) throw refuse('is not one email address');
  return { name: name ?? '', address };
}

// The UPN and recipients come from the database, which others may write: escaped like every untrusted value.
function line(delivery: NotificationDelivery): string {
  const who = `credentials of ${terminalText(delivery.userPrincipalName)}`;
  const to = (recipients: readonly string[]) => recipients.map((r) => terminalText(r)).join(', ');
  if (delivery.status === 'failed') {
    return `failed: ${who} to ${to(delivery.recipients)}: ${terminalText(delivery.error ?? 'unknown error')} (will retry on the next deliver)`;
  }
  const refused = new Set((delivery.rejected ?? []).map((r) => r.address.toLowerCase()));
  const accepted = delivery.recipients.filter((r) => !refused.has(r.toLowerCase()));
  const rejected = (delivery.rejected ?? []).map((r) => `\n  refused: ${terminalText(r.address)} (${terminalText(r.reason)}); reset the password to send new credentials`);
  const note = delivery.note ? ` (${terminalText(delivery.note)})` : '';
  const withheld = delivery.withheld && delivery.withheld.length > 0 ? ` (not to settings.adminEmail ${to(delivery.withheld)}: the user's own mailbox)` : '';
  return `delivered ${who} to ${to(accepted)}${withheld}${note}${rejected.join('')}`;
}

/**
 * A relay that logs in as a mailbox that is also sent temporary passwords (settings.adminEmail,
 * most often) puts them in reach of whoever holds TENANTCTL_SMTP_URL, a pipeline secret that
 * needs only to send: with that login and password they sign in to the mailbox and read every copy.
 */
function loginReadsCopies(login: string, received: number): string {
  return `tenantctl: warning: the relay's login ${terminalText(login)} is also a recipient of ${received} of these temporary password(s): whoever holds TENANTCTL_SMTP_URL can read them in that mailbox; have deliver log in with an account that may only send, and no recipient's`;
}

function summary({ delivered, failed, partial: refused }: DeliveryCounts, notTried: number, where: string, stoppedBy: NodeJS.Signals | null): string {
  const parts = [`Delivered ${delivered} of ${delivered + failed + notTried} notification(s) via ${where}.`];
  const why = stoppedBy === null ? 'as the relay itself failed (above)' : `as deliver was stopped by ${stoppedBy}`;
  if (notTried > 0) parts.push(`${failed} failed and ${notTried} more ${notTried === 1 ? 'was' : 'were'} not tried, ${why}; all ${failed + notTried} stay queued for the next deliver.`);
  else if (failed > 0) parts.push(`${failed} failed and stay queued.`);
  if (refused > 0) parts.push(`${refused} reached only some of their recipients.`);
  return parts.join(' ');
}

const STOPPING_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** The signal that asked deliver to stop, if one did, and how to stop listening. */
interface Interruption {
  readonly signal: () => NodeJS.Signals | null;
  /** From now on a signal stops between two notifications (until then, at once). */
  readonly sending: () => void;
  readonly release: () => void;
}

/**
 * SIGINT (Ctrl-C), SIGTERM (a CI job cancelled, systemd stopping a unit) and
 * SIGHUP (the terminal or ssh session it runs in closed) stop deliver between
 * two notifications: the one being sent is finished and recorded (its message
 * written and renamed into the pickup folder, or the relay's answer awaited),
 * the rest stay queued, and the summary says so. By default each of these
 * signals would end the process mid-write, leaving a temporary
 * .eml with a password in the clear, or after the relay accepted a message
 * and before it was recorded, so that the next deliver sends it again. A
 * second signal (the relay hangs) stops at once: the message in flight stays
 * queued; writes to the pickup folder are synchronous, so none is cut.
 * Before the first notification is claimed (waiting for the embedded
 * database's lock or the server, loading the key) nothing is in flight, and
 * a signal stops at once: waiting on to the lock timeout (up to a day) only
 * to stop then would leave Ctrl-C seemingly ignored. With SIGHUP the terminal
 * is often gone: writing to it fails (EIO), which must not end deliver before
 * it records the message it wrote (outliveTheTerminal).
 */
function stopOnSignals(): Interruption {
  let received: NodeJS.Signals | null = null;
  let sending = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (!sending) {
      err(`tenantctl: ${signal}: stopped before sending any notification; all stay queued`);
      exitForSignal(signal);
    }
    if (received === null) {
      received = signal;
      err(`tenantctl: ${signal}: stopping once the notification being sent is recorded; the rest stay queued (${signal} again stops at once)`);
      return;
    }
    err(
      `tenantctl: ${signal} again: stopped at once; the notification being sent stays queued, and if the relay had accepted it already the next deliver sends it again (with the same Message-ID)`,
    );
    exitForSignal(signal);
  };
  for (const signal of STOPPING_SIGNALS) process.on(signal, onSignal);
  outliveTheTerminal();
  return {
    signal: () => received,
    sending: () => {
      sending = true;
    },
    release: () => {
      for (const signal of STOPPING_SIGNALS) process.off(signal, onSignal);
    },
  };
}

/** What sweepPickupLeftovers found, on stderr: names only (tenantctl's own, matched by pattern), never a message's content. */
function reportLeftovers(folder: string, leftovers: readonly Leftover[] | null): void {
  const where = terminalText(folder);
  if (leftovers === null) {
    err(
      `tenantctl: warning: cannot list the pickup folder ${where} (no read permission), so the temporary message files an earlier deliver stopped mid-write may have left there (.credentials-….eml.<random>.tmp, a password in the clear) were not looked for; let this user read the folder, or look for them yourself`,
    );
    return;
  }
  for (const leftover of leftovers) {
    if (leftover.outcome === 'removed') {
      err(`tenantctl: removed ${leftover.name} from the pickup folder ${where}: the half-written message of notification ${leftover.notificationId}, left by an earlier deliver that was stopped while writing it (it is sent again if still queued)`);
    } else {
      err(
        `tenantctl: warning: left ${leftover.name} in the pickup folder ${where}: a temporary message file that names no notification of this database (another database's deliver, or a user deleted since); it holds a password in the clear: if no deliver is writing it, remove it`,
      );
    }
  }
}

export function registerDeliver(program: Command): void {
  program
    .command('deliver')
    .summary('send queued credential notifications (SMTP or a pickup folder)')
    .description(
      'Send the temporary passwords that apply queued for new users to their notify addresses and the administrator, ' +
        'through the SMTP relay in $TENANTCTL_SMTP_URL (smtp://user:password@host:587 with STARTTLS required, or smtps://… for TLS on 465), ' +
        'or as .eml files (mode 0600) into a pickup folder. Each password is opened from its sealed form with the outbox key ' +
        '($TENANTCTL_OUTBOX_KEY or --outbox-key). A delivered password is erased from the database; a failed ' +
        'one stays queued for the next deliver. The sender is $TENANTCTL_MAIL_FROM, else tenantctl@ the user\'s domain.\n\n' +
        'Exits 1 when any notification failed or reached only some of its recipients. Stopped by SIGINT, SIGTERM or SIGHUP, it finishes ' +
        'the notification in flight, leaves the rest queued and exits 130, 143 or 129.\n\n' +
        'Examples:\n' +
        '  TENANTCTL_SMTP_URL=smtp://tenantctl:secret@smtp.contoso.com:587 \\\n      tenantctl deliver\n' +
        '  tenantctl deliver --pickup /var/spool/tenantctl',
    )
    .option('--pickup <dir>', 'write .eml files into this folder instead of sending by SMTP')
    .option('--smtp-insecure-loopback', 'send without TLS, to a relay on this machine only (127.0.0.1, ::1, localhost)')
    .option('--outbox-key <file>', `the outbox's private key, to open the sealed credentials (default: $${OUTBOX_KEY_VARIABLE}, else where init put it)`)
    .action(async (options: DeliverOptions) => {
      // Checked before the database is touched. A database value refused (a key=value string, a
      // mistyped URL) is refused first: `destination` makes the pickup folder.
      parseDatabaseUrl(databaseUrl(options));
      const from = sender();
      const target = destination(options);
      const interruption = stopOnSignals();
      const login = target.login?.includes('@') ? target.login.toLowerCase() : null;
      let toLogin = 0;
      try {
        const report = await withDatabase({ ...options, actor: resolveActor(options.actor) }, async (db) => {
          // Checked even with nothing queued, so a misconfigured job fails now, not at the first credential.
          const key = await loadOutboxKey(db, configuredKeyPath(options.outboxKey));
          const { pickup } = target;
          if (pickup !== undefined) reportLeftovers(pickup.directory, await sweepPickupLeftovers(db, pickup.directory, pickup.checked));
          const [pending] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM credential_notifications WHERE delivered_at IS NULL');
          if (!pending?.n) return { notifications: [], counts: { delivered: 0, failed: 0, partial: 0 }, heldBack: 0, notTried: 0, stopped: false };
          // Without the mailer every notification would fail the same way, one by one: said once, before any is tried.
          await loadMailer().catch((cause: unknown) => {
            throw new TenantctlError(`${(cause as Error).message}; nothing was sent, and all ${pending.n} notification(s) stay queued`);
          });
          return deliverPending(db, target.transport, {
            identities: key.identities,
            from,
            onResult: (delivery) => {
              out(line(delivery));
              if (login !== null && delivery.status !== 'failed' && delivery.recipients.some((r) => r.toLowerCase() === login)) toLogin += 1;
            },
            // Asked before each notification is claimed: from the first on, a signal waits for the one in flight.
            stopRequested: () => {
              interruption.sending();
              return interruption.signal() !== null;
            },
            // Each outcome is printed as it comes; only the counts are needed after.
            keepDeliveries: false,
            lockTimeoutMs: lockTimeoutMs(options),
          });
        });
        const { counts } = report;
        // A stop asked for once nothing was left to send changed nothing: a normal end.
        const stoppedBy = report.stopped && report.notTried > 0 ? interruption.signal() : null;
        if (report.heldBack > 0) {
          out(`Held back ${report.heldBack} notification(s) of users deleted since apply queued them: sent if they are restored, erased when they are deleted for good.`);
        }
        if (stoppedBy !== null) process.exitCode = 128 + os.constants.signals[stoppedBy];
        if (counts.delivered + counts.failed === 0 && stoppedBy === null) {
          out('Nothing to deliver.');
          return;
        }
        out(summary(counts, report.notTried, target.description, stoppedBy));
        if (login !== null && toLogin > 0) err(loginReadsCopies(login, toLogin));
        if (stoppedBy === null && (counts.failed > 0 || counts.partial > 0)) process.exitCode = ExitCode.error;
      } catch (cause) {
        // Refused (no database, no key, the relay unusable): the pickup folder it made, still empty, goes again.
        const made = target.pickup?.checked.made;
        if (target.pickup !== undefined && made !== undefined) removeEmptyFolders(target.pickup.directory, made);
        throw cause;
      } finally {
        interruption.release();
        target.close();
      }
      // Also when nothing was left to stop: the terminal may be gone.
      if (interruption.signal() === 'SIGHUP') exitForSignal('SIGHUP');
    });
}
