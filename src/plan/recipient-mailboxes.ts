import { nicknameOf } from '../config/rules/mailbox-owners.js';
import { andList } from '../diagnostics/message-lists.js';
import type { User } from '../state/tenant-state.js';
import type { Change } from './change.js';
import type { PlanWarning } from './plan.js';
import { phonesSet } from './privileged-roles.js';

/** The warning that makes apply ask --approve-privileged (approvals.ts lists its messages). */
export const RECIPIENT_MAILBOX_CODE = 'RECIPIENT_MAILBOX_TAKEN';

/** How each such warning ends; apply's refusal lists the warnings without it, as its own line says so. */
export const NEEDS_APPROVAL = 'apply needs --approve-privileged';

export interface RecipientMailboxInput {
  readonly changes: readonly Change[];
  /** Declared users, by lower-cased UPN: an administrator's notify is where its temporary passwords go. */
  readonly desired: ReadonlyMap<string, User>;
  /** The directory's users, by the lower-cased UPN they are planned under (renames resolved). */
  readonly current: ReadonlyMap<string, User>;
  readonly adminEmail: string | null;
  /** The tenant's domains, lower-cased: a nickname reaches its mailbox at each. */
  readonly tenantDomains: ReadonlySet<string>;
  /** The names an account (by id) had before and still receives mail at (former-names.ts). */
  readonly formerNames: (userId: string | undefined) => readonly string[];
  /** The recipients of temporary passwords queued and not delivered yet (TenantState.queuedRecipients). */
  readonly queuedRecipients?: ReadonlySet<string>;
  /** Every settings.adminEmail an apply recorded (TenantState.recordedAdminEmails). */
  readonly recordedAdminEmails?: ReadonlySet<string>;
}

/** `local+tag@domain` is delivered to `local@domain` (plus addressing), as mailbox-owners.ts reads it. */
function deliveredForms(address: string): string[] {
  const lower = address.trim().toLowerCase();
  const at = lower.lastIndexOf('@');
  const plus = lower.indexOf('+');
  return plus > 0 && plus < at ? [lower, `${lower.slice(0, plus)}${lower.slice(at)}`] : [lower];
}

/** The addresses a mailbox of this UPN and nickname receives: its UPN, its nickname at each tenant domain and at the UPN's own. */
function addressesOf(upn: string, nickname: string, tenantDomains: ReadonlySet<string>): string[] {
  const lower = upn.toLowerCase();
  const local = nickname.toLowerCase();
  const own = lower.slice(lower.lastIndexOf('@') + 1);
  const addresses = [lower];
  for (const domain of tenantDomains) addresses.push(`${local}@${domain}`);
  if (!tenantDomains.has(own)) addresses.push(`${local}@${own}`);
  return addresses;
}

/** A place that sends temporary passwords to an address; `admin` is the lower-cased UPN whose notify names it. */
interface Place {
  readonly where: string;
  readonly admin?: string;
}

interface Recipients {
  /** Each delivered form of an address temporary passwords are sent to, with every place that names it, first first. */
  readonly sent: ReadonlyMap<string, readonly Place[]>;
  /**
   * The delivered forms of settings.adminEmail, true, and of each one an
   * apply recorded before, false: its mailbox keeps the copies sent then.
   */
  readonly adminCopy: ReadonlyMap<string, boolean>;
}

const ADMIN_COPY = 'settings.adminEmail';
const QUEUED = 'a recipient of temporary passwords queued and not delivered yet';

function recipients(input: RecipientMailboxInput): Recipients {
  const sent = new Map<string, Place[]>();
  const add = (address: string, place: Place) => {
    for (const form of deliveredForms(address)) {
      const places = sent.get(form);
      if (places === undefined) sent.set(form, [place]);
      else places.push(place);
    }
  };
  if (input.adminEmail) add(input.adminEmail, { where: ADMIN_COPY });
  // An administrator's: another user's password a pull request may send anywhere with a reset, which needs no approval.
  for (const [key, user] of input.desired) {
    if (!user.notify?.length || (user.roles.length === 0 && !input.current.get(key)?.roles.length)) continue;
    for (const address of user.notify) add(address, { where: `notify of ${user.userPrincipalName}, an administrator`, admin: key });
  }
  // Sent where apply queued them, whatever the configuration says since (adminEmail removed, an admin's notify changed).
  for (const address of input.queuedRecipients ?? []) add(address, { where: QUEUED });
  const adminCopy = new Map<string, boolean>();
  for (const form of input.adminEmail ? deliveredForms(input.adminEmail) : []) adminCopy.set(form, true);
  for (const address of input.recordedAdminEmails ?? []) for (const form of deliveredForms(address)) if (!adminCopy.has(form)) adminCopy.set(form, false);
  return { sent, adminCopy };
}

/**
 * The addresses a user's mailbox receives, as it is (`user` of the
 * directory, with the names it had before) or as declared: its UPN, and its
 * nickname at each tenant domain unless another account signs in with that
 * address (Exchange keeps it for that account).
 */
function mailboxAddresses(user: User, key: string, input: RecipientMailboxInput, formerNames: readonly string[]): Set<string> {
  const addresses = new Set<string>();
  for (const [upn, nickname] of [[user.userPrincipalName, user.attributes.mailNickname] as const, ...formerNames.map((name) => [name, nicknameOf(name)] as const)]) {
    addressesOf(upn, nickname, input.tenantDomains).forEach((address, index) => {
      if (index === 0 || !isSignInNameOfAnother(address, key, input)) addresses.add(address);
    });
  }
  return addresses;
}

/**
 * The addresses temporary passwords are sent to (settings.adminEmail, an
 * administrator's notify) that a change of the plan gives to another
 * mailbox, and the changes that reset the password of a mailbox receiving
 * one or let it sign in again, or of a mailbox an earlier apply recorded
 * as settings.adminEmail: it keeps the copies sent there, and removing the
 * setting in the same pull request (which needs no approval) took the reset
 * of it-desk's owner out of this check. Each is a way to read the credentials
 * sent there, administrators' among them, made of changes that are not
 * privileged on their own: a pull request setting a colleague's
 * mailNickname to `it-desk` (settings.adminEmail it-desk@contoso.com, not a
 * declared user) planned one plain update, after which the copy of every
 * temporary password reached that colleague. Another user's notify is left
 * out: a reset sending that user's password anywhere needs no approval
 * either. An address the mailbox received before (its names, those it had
 * before a rename) is not taken. So is the recipient of a temporary
 * password queued and not delivered yet, whatever the configuration says
 * since: deliver sends it where apply queued it, and a pull request that
 * removed settings.adminEmail and gave a colleague `mailNickname: it-desk`
 * had the next deliver send that colleague every copy still waiting.
 * Resetting the password of, or unblocking, a mailbox that receives any of
 * these addresses is the same: security@ (an administrator's notify, the
 * mailbox of a user holding no role) reset with `notify` a pull request's
 * author's address gave that author the administrator's temporary
 * passwords, past and next, with no approval, and so did pointing its phone
 * at the author's (a self-service reset sends its code there). So is creating such a
 * mailbox, or restoring one from deleted users, whose mail was not
 * delivered: validation refuses a created one at an address in force
 * (NOTIFY_CREATED_MAILBOX), not at one only queued, and a pull request
 * removing settings.adminEmail and creating it-desk@ with its author's
 * notify planned one plain creation, the copies still queued for it-desk@
 * then sent to that author's new mailbox.
 * Apply asks --approve-privileged, as for GLOBAL_ADMINS_ABOVE_MAX.
 */
export function recipientMailboxWarnings(input: RecipientMailboxInput): PlanWarning[] {
  const concerned = input.changes.filter(
    (c) =>
      c.kind === 'user.create' ||
      c.kind === 'user.restore' ||
      c.kind === 'user.rename' ||
      c.kind === 'user.password-reset' ||
      c.kind === 'user.unblock' ||
      (c.kind === 'user.update' && (c.attributes.some((a) => a.attribute === 'mailNickname') || phonesSet(c).length > 0)),
  );
  if (concerned.length === 0) return [];
  const { sent, adminCopy } = recipients(input);
  if (sent.size === 0 && adminCopy.size === 0) return [];
  const warnings: PlanWarning[] = [];
  const seen = new Set<string>();
  // A mailbox created or restored first: a rename or nickname of it in the same plan has nothing before it either.
  const fresh = (c: Change) => c.kind === 'user.create' || c.kind === 'user.restore';
  const formerNames = (user: User) => input.formerNames(user.directory?.id);
  for (const change of [...concerned.filter(fresh), ...concerned.filter((c) => !fresh(c))]) {
    const key = change.userPrincipalName.toLowerCase();
    const desired = input.desired.get(key);
    const current = input.current.get(key);
    if (!desired) continue;
    // A mailbox created, or given back from deleted users (whose mail was not delivered), received nothing before.
    if (change.kind === 'user.create' || change.kind === 'user.restore') {
      if (seen.has(key)) continue;
      seen.add(key);
      const how = change.kind === 'user.create' ? 'a user this plan creates' : 'restored from deleted users';
      // Restored, it has its addresses back, those of a name it had before (renamed in the same plan) among them.
      const restored = change.kind === 'user.restore' && current ? [...mailboxAddresses(current, key, input, formerNames(current))] : [];
      warnings.push(...takenAddresses({ desired, key, before: new Set(), how, sent, input, also: restored }));
      continue;
    }
    if (!current) continue;
    const upn = desired.userPrincipalName;
    // A phone set is where a self-service reset sends its code: a way in as a reset is (privileged-roles.ts).
    const phones = change.kind === 'user.update' ? phonesSet(change) : [];
    if (change.kind === 'user.password-reset' || change.kind === 'user.unblock' || phones.length > 0) {
      const whose = mailboxReceiving(mailboxAddresses(current, key, input, formerNames(current)), key, sent, adminCopy);
      const what =
        change.kind === 'user.password-reset' ? `resets the password of ${upn}` : change.kind === 'user.unblock' ? `allows ${upn} to sign in again` : `${andList(phones)} of ${upn}`;
      if (whose !== undefined) warnings.push({ code: RECIPIENT_MAILBOX_CODE, message: `this plan ${what}, whose mailbox is ${whose}; ${NEEDS_APPROVAL}` });
      // The same update may give the mailbox a nickname too, checked below.
      if (change.kind !== 'user.update' || !change.attributes.some((a) => a.attribute === 'mailNickname')) continue;
    }
    if (seen.has(key)) continue;
    seen.add(key);
    const how = current.userPrincipalName.toLowerCase() === key ? `its mailNickname becomes ${desired.attributes.mailNickname}` : `renamed from ${current.userPrincipalName}`;
    warnings.push(...takenAddresses({ desired, key, before: () => mailboxAddresses(current, key, input, formerNames(current)), how, sent, input }));
  }
  return warnings;
}

/** A mailbox that may be given addresses temporary passwords are sent to, and what it had before. */
interface MailboxTaking {
  /** The user as declared, by lower-cased UPN `key`. */
  readonly desired: User;
  readonly key: string;
  /** The addresses it received before the plan; read only when one of its addresses is reached. */
  readonly before: ReadonlySet<string> | (() => ReadonlySet<string>);
  /** What gives the mailbox its addresses, for the warning: `a user this plan creates`. */
  readonly how: string;
  readonly sent: Recipients['sent'];
  readonly input: RecipientMailboxInput;
  /** Addresses it gets back besides those of its name (a restore's former names); none when absent. */
  readonly also?: readonly string[];
}

/**
 * A warning for each address passwords are sent to that the mailbox of
 * `desired` receives (or one of `also`) and did not receive `before`
 * (usually no address of the mailbox as declared is one passwords are sent
 * to, so `before` is rarely read).
 */
function takenAddresses({ desired, key, before, how, sent, input, also = [] }: MailboxTaking): PlanWarning[] {
  // The UPN is also its nickname at its own domain: each address once.
  const reached = [
    ...new Set([
      ...addressesOf(desired.userPrincipalName, desired.attributes.mailNickname, input.tenantDomains).filter(
        (address, index) => sent.has(address) && (index === 0 || !isSignInNameOfAnother(address, key, input)),
      ),
      ...also.filter((address) => sent.has(address)),
    ]),
  ];
  if (reached.length === 0) return [];
  const had = typeof before === 'function' ? before() : before;
  return reached
    .filter((address) => !had.has(address))
    .map((address) => {
      const where = sent.get(address)?.[0]?.where;
      const sentThere = where === ADMIN_COPY ? `settings.adminEmail ${address}` : `${address}, ${where},`;
      const reads = where === ADMIN_COPY ? 'the copy of every temporary password' : where === QUEUED ? 'those the next deliver sends there' : 'the temporary passwords sent there';
      return { code: RECIPIENT_MAILBOX_CODE, message: `${sentThere} would reach the mailbox of ${desired.userPrincipalName} (${how}), which then reads ${reads}; ${NEEDS_APPROVAL}` };
    });
}

/**
 * What a mailbox of these addresses receives that makes a new password of
 * `key`'s account a way to read credentials, said for a warning, or
 * undefined: settings.adminEmail (or one an apply recorded) first, then an
 * administrator's notify or a queued password. The administrator's own
 * notify is left out: a reset of that account sends its own password.
 */
function mailboxReceiving(addresses: ReadonlySet<string>, key: string, sent: Recipients['sent'], adminCopy: Recipients['adminCopy']): string | undefined {
  for (const address of addresses) {
    const inForce = adminCopy.get(address);
    if (inForce === true) return `settings.adminEmail ${address}, which gets a copy of every temporary password`;
    if (inForce === false) return `${address}, settings.adminEmail as an earlier apply recorded it, which keeps the copies of the temporary passwords sent there then`;
  }
  for (const address of addresses) {
    const place = sent.get(address)?.find((p) => p.admin !== key);
    if (place === undefined) continue;
    return `${address}, ${place.where}, which gets ${place.where === QUEUED ? 'those the next deliver sends there' : 'the temporary passwords sent there'}`;
  }
  return undefined;
}

/** Whether an address is the sign-in name of an account other than `key`'s, declared or in the directory. */
function isSignInNameOfAnother(address: string, key: string, input: RecipientMailboxInput): boolean {
  return address !== key && (input.desired.has(address) || input.current.has(address));
}
