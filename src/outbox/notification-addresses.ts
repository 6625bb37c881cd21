import { emailProblem } from '../config/notify-addresses.js';
import { upnProblem } from '../config/rules/upn-rules.js';

/** Characters no address or name in a header may hold: controls (CR, LF, ESC…), format characters (bidi overrides), line separators. */
export const HEADER_BREAKING = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

/**
 * Why a notification's UPN or recipients cannot be sent to, or null when
 * they can. apply writes only what validate accepted: a UPN that upnProblem
 * passes and recipients that are each one address of the schema's `email`
 * format. Anything else came from some other writer of the database (the
 * owner may insert notifications, migration 0029), and sending it would let the row
 * pick the recipients (`a@contoso.com, b@evil.example`, a CRLF and a `Bcc:`)
 * or, through the UPN, the sender and the body.
 */
export function notificationAddressProblem(userPrincipalName: string, recipients: readonly string[]): string | null {
  const problems: string[] = [];
  if (upnProblem(userPrincipalName) !== null || HEADER_BREAKING.test(userPrincipalName)) {
    problems.push(`its user name ${JSON.stringify(userPrincipalName)} is not a valid sign-in ID`);
  }
  const bad = recipients.filter((r) => emailProblem(r) !== null || HEADER_BREAKING.test(r));
  if (bad.length > 0) problems.push(`${bad.length === 1 ? 'a recipient is' : `${bad.length} recipients are`} not one plain email address each (${bad.map((r) => JSON.stringify(r)).join(', ')})`);
  if (recipients.length === 0) problems.push('it has no recipients');
  if (problems.length === 0) return null;
  return (
    `not sent: ${problems.join(', and ')}; apply never queues such a notification, so its row was written by something else. ` +
    'Check who can write to the database, then delete the row, or reset the user\'s password to queue new credentials'
  );
}
