import type { SendMailOptions } from 'nodemailer';

/**
 * One queued row of credential_notifications, as delivery reads it. The
 * recipients are the notify addresses (at most five) and the administrator's,
 * de-duplicated by apply; never the new user's own mailbox.
 */
export interface PendingNotification {
  readonly id: number;
  readonly userId: string;
  readonly userPrincipalName: string;
  readonly recipients: readonly string[];
  readonly temporaryPassword: string;
  /** A new account, or a password reset of an existing one. */
  readonly reason: 'created' | 'reset';
  /** The password must be changed at the next sign-in (password.forceChangePasswordNextSignIn). */
  readonly forceChange: boolean;
}

/**
 * One mailbox, kept apart from its display name so that no transport parses
 * a string into addresses: a comma or a CRLF inside one can then never become
 * a second recipient or a header of its own.
 */
export interface MailAddress {
  /** The display name, '' for none. */
  readonly name: string;
  readonly address: string;
}

/**
 * The email for one notification, ready for any transport. `messageId` is the
 * same on every attempt for one notification, so a copy sent again after a
 * crash is recognisably the same message (and mail systems that de-duplicate
 * by Message-ID drop it).
 */
export interface CredentialMessage {
  readonly notificationId: number;
  /** The notification's user (a UUID): with notificationId, unique across databases. */
  readonly userId: string;
  readonly messageId: string;
  readonly from: MailAddress;
  readonly to: readonly string[];
  readonly subject: string;
  readonly text: string;
  readonly headers: Readonly<Record<string, string>>;
}

export const SIGN_IN_URL = 'https://portal.office.com';

/**
 * The sender when TENANTCTL_MAIL_FROM is not set: `tenantctl@` the new user's
 * domain. That domain is one of the tenant's own verified domains, so the
 * tenant's mail relay is the likeliest to accept it and SPF/DMARC to pass; a
 * recipient's domain (often an outside provider) would be neither.
 */
export function defaultSender(userPrincipalName: string): MailAddress {
  const domain = userPrincipalName.slice(userPrincipalName.lastIndexOf('@') + 1).toLowerCase();
  return { name: '', address: `tenantctl@${domain}` };
}

/**
 * `<credentials-42.6f1c…@tenantctl>`: the notification id makes it stable
 * across retries; the user's id (a random UUID) keeps notification 42 of one
 * database apart from notification 42 of another (a test tenant, a
 * re-initialised database), which a mailbox must not drop as a duplicate.
 */
export function credentialMessageId(notification: Pick<PendingNotification, 'id' | 'userId'>): string {
  return `<credentials-${notification.id}.${notification.userId}@tenantctl>`;
}

// Plain ASCII with short lines, so the body goes out as 7bit text and the
// password stays literally readable in the raw file. A UPN of more than 67
// characters makes its line longer than 76, and nodemailer then sends the
// body quoted-printable (a `=` in the password as `=3D`; deliver.ts blots
// out both forms); mail clients show it decoded.
// The words match what happened: a new account or a reset, and a change
// required at the next sign-in only when the configuration asks for one.
function body(notification: PendingNotification): string {
  const what = notification.reason === 'created' ? 'A new Office 365 account has been created.' : 'The password of an Office 365 account has been reset.';
  const change = notification.forceChange
    ? ['The password is temporary: it must be changed at the next sign-in,', 'and within 90 days at the latest.']
    : ['The password is temporary: it must be changed within 90 days.'];
  return [
    what,
    '',
    `User ID: ${notification.userPrincipalName}`,
    `Temporary password: ${notification.temporaryPassword}`,
    '',
    ...change,
    '',
    `Sign in at ${SIGN_IN_URL}`,
    '',
    'Please pass these credentials on to the account holder in person or',
    'by phone, then delete this message.',
    '',
    '-- ',
    'Sent by tenantctl on behalf of the tenant administrators.',
    '',
  ].join('\n');
}

/** Builds the email for one notification; `from` overrides the default sender. */
export function composeMessage(notification: PendingNotification, from?: MailAddress): CredentialMessage {
  return {
    notificationId: notification.id,
    userId: notification.userId,
    messageId: credentialMessageId(notification),
    from: from ?? defaultSender(notification.userPrincipalName),
    to: notification.recipients,
    subject:
      notification.reason === 'created'
        ? `Your new Office 365 account: ${notification.userPrincipalName}`
        : `Your Office 365 password was reset: ${notification.userPrincipalName}`,
    text: body(notification),
    // RFC 3834: no vacation auto-replies to a machine-sent message.
    headers: { 'Auto-Submitted': 'auto-generated' },
  };
}

/**
 * The message as nodemailer takes it, for both the SMTP and the pickup
 * transport. Addresses go as objects, which nodemailer uses as they are; a
 * string it would parse into as many addresses as it finds in it.
 */
export function mailOptions(message: CredentialMessage): SendMailOptions {
  return {
    messageId: message.messageId,
    from: { ...message.from },
    to: message.to.map((address) => ({ name: '', address })),
    subject: message.subject,
    text: message.text,
    headers: { ...message.headers },
  };
}
