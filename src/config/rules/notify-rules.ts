import { error, type Diagnostic, type SourceLocation } from '../../diagnostics/diagnostic.js';
import { emailProblem, MAX_NOTIFY_ADDRESSES, tooManyAddresses } from '../notify-addresses.js';
import { splitNotify } from '../normalize-user.js';
import type { User } from '../../state/tenant-state.js';
import { existsAlready, isAddressOf, mailboxOwners, nicknameOf, type MailboxOwners } from './mailbox-owners.js';
import { at, type ConfigRule, type DeclaredUser, type FieldBlock, type Rule, type RuleContext } from './rule.js';

interface WrittenAddress {
  /** Trimmed, as the credentials would be sent to it. */
  readonly address: string;
  /** Its index in the notify list, or undefined when notify is one string. */
  readonly index: number | undefined;
}

/** A block's notify addresses, each with where it is written (locations are made only for findings). */
function addressesOf(block: FieldBlock): WrittenAddress[] {
  const notify = block.fields.notify;
  if (notify === undefined) return [];
  if (typeof notify === 'string') return splitNotify(notify).map((address) => ({ address, index: undefined }));
  const addresses: WrittenAddress[] = [];
  notify.forEach((written, index) => {
    const address = written.trim();
    if (address !== '') addresses.push({ address, index });
  });
  return addresses;
}

/** Where an address is written: its list entry, or the string that holds it. */
const locationOf = (block: FieldBlock, { index }: WrittenAddress): SourceLocation =>
  index === undefined ? at(block.location, 'notify') : at(block.location, 'notify', index);

/** At most five addresses, each a valid email address; checked where notify is written. */
export const notifyAddresses: ConfigRule = ({ blocks }) =>
  blocks.flatMap((block): Diagnostic[] => {
    const notify = block.fields.notify;
    if (notify === undefined) return [];
    const problems: Diagnostic[] = [];
    const count = typeof notify === 'string' ? splitNotify(notify).length : notify.length;
    if (count > MAX_NOTIFY_ADDRESSES) {
      const where = typeof notify === 'string' ? at(block.location, 'notify') : at(block.location, 'notify', MAX_NOTIFY_ADDRESSES);
      problems.push(error('NOTIFY_TOO_MANY', tooManyAddresses(count), where));
    }
    const written = typeof notify === 'string' ? splitNotify(notify) : notify;
    written.forEach((address, index) => {
      const problem = emailProblem(address);
      if (problem) problems.push(error('NOTIFY_INVALID_EMAIL', problem, typeof notify === 'string' ? at(block.location, 'notify') : at(block.location, 'notify', index)));
    });
    return problems;
  });

/**
 * Credentials must reach someone who can read them: never the user's own
 * mailbox (nor the one it has before a rename), nor the mailbox of a user this
 * plan creates or deletes, or one in deleted users; `local+tag@domain` reaches
 * `local@domain` (plus addressing). Whether a declared user exists is only
 * known with the directory: without it (validate offline) only the user's own
 * mailbox is judged, as notifying a colleague declared here is the common case.
 * A blocked user's mailbox is not judged: a shared mailbox is one, read by
 * those given access.
 */
export const notifyMailboxes: Rule = (context) => {
  const written = context.blocks.flatMap((block) => addressesOf(block).map((address) => ({ block, address })));
  const adminEmail = context.settings.adminEmail;
  if (written.length === 0 && !adminEmail) return [];
  const owners = mailboxOwners(context, written.length + 1);
  const diagnostics: Diagnostic[] = [];
  for (const { block, address } of written) {
    const finding = mailboxFinding(context, owners, block, address);
    if (finding) diagnostics.push(finding);
  }
  if (adminEmail) diagnostics.push(...adminMailboxFinding(context, adminEmail, owners));
  return diagnostics;
};

/**
 * settings.adminEmail gets a copy of every temporary password: a mailbox of a
 * user this plan creates cannot read them, its owner's own among them, and one
 * of a user it deletes goes with that user. Only known once the directory is
 * read: a declared user who exists already is a mailbox like any other.
 */
function adminMailboxFinding(context: RuleContext, adminEmail: string, owners: MailboxOwners): Diagnostic[] {
  if (!context.current) return [];
  const address = adminEmail.trim().toLowerCase();
  const where = context.settingsLocation ? at(context.settingsLocation, 'adminEmail') : context.anchor;
  const { declared: owner, gone: [, gone] = [] } = owners.owner(address);
  if (owner && !existsAlready(owner, context)) {
    return [
      error(
        'NOTIFY_CREATED_MAILBOX',
        `settings.adminEmail ${adminEmail} is a mailbox of ${owner.user.userPrincipalName}, a user this plan creates: nobody can read it yet, and it would get every temporary password of the apply, its owner's own among them; set adminEmail to a mailbox that exists already`,
        where,
        at(owner.location, 'userPrincipalName'),
      ),
    ];
  }
  if (!gone || !where) return [];
  return [
    error(
      'NOTIFY_DELETED_MAILBOX',
      `settings.adminEmail ${adminEmail} is a mailbox of ${gone.userPrincipalName}, ${goneUser(gone)}: nobody could read the temporary passwords of the apply there; set adminEmail to a mailbox that exists`,
      where,
    ),
  ];
}

/** Why a user of the directory has no mailbox anyone reads once the plan is applied. */
const goneUser = (user: User): string =>
  user.directory?.deletedAt ? `a user in deleted users since ${user.directory.deletedAt.slice(0, 10)}, whose mail is not delivered` : 'a user this plan deletes (it is no longer declared)';

/** `megan@contoso.com's own mailbox: it cannot read it`, for an address (lower-cased) of `owner`'s mailbox. */
function ownMailbox(context: RuleContext, owners: MailboxOwners, owner: DeclaredUser, lower: string): string {
  const upn = owner.user.userPrincipalName;
  const before = owner.user.renamedFrom;
  const itsOwn = isAddressOf(lower, upn, owner.user.attributes.mailNickname, owners.tenantDomains);
  // A name of an earlier rename, unless the rename this plan makes is what names it.
  const former = itsOwn ? undefined : owners.formerNames(owner.user).find((name) => isAddressOf(lower, name, nicknameOf(name), owners.tenantDomains));
  if (former !== undefined && (before === undefined || !isAddressOf(lower, before, nicknameOf(before), owners.tenantDomains))) {
    return `${upn}'s own mailbox, which keeps ${former}, a name it had before, as an alias: it cannot read it`;
  }
  if (before !== undefined && !itsOwn) {
    return `${upn}'s own mailbox, which it keeps through the rename from ${before}: it cannot read it`;
  }
  // Without the directory (validate offline) whether the user is new is not known: an existing one is not called new.
  return !context.current || existsAlready(owner, context) ? `${upn}'s own mailbox: it cannot read it` : `the new user's own mailbox: ${upn} cannot read it`;
}

/**
 * Why sending credentials to an address fails: it is the user's own mailbox,
 * or one of a user this plan creates, deletes or leaves in deleted users;
 * undefined when it does not.
 */
function mailboxFinding(context: RuleContext, owners: MailboxOwners, block: FieldBlock, written: WrittenAddress): Diagnostic | undefined {
  const { address } = written;
  const lower = address.toLowerCase();
  const { declared: owner, gone: [, gone] = [] } = owners.owner(lower);
  if (owner && owner === block.user) {
    return error(
      'NOTIFY_OWN_MAILBOX',
      `${address} is ${ownMailbox(context, owners, owner, lower)} before signing in with these credentials; send them to a manager, the help desk or a private address`,
      locationOf(block, written),
    );
  }
  // defaults.notify reaches every user that writes no notify of its own: for its owner, its own mailbox.
  // Unless the owner is blocked: a shared mailbox (the help desk's) is one, and those given access read it.
  if (owner && block.user === undefined && owner.own.notify === undefined && owner.user.accountEnabled) {
    const upn = owner.user.userPrincipalName;
    return error(
      'NOTIFY_OWN_MAILBOX',
      `${address} in defaults.notify is ${ownMailbox(context, owners, owner, lower)} before signing in with credentials sent there, and ${upn} writes no notify of its own, so it gets defaults.notify; give ${upn} its own notify (a manager, the help desk or a private address), or remove ${address} from defaults.notify`,
      locationOf(block, written),
      at(owner.location, 'userPrincipalName'),
    );
  }
  if (owner) {
    if (!context.current || existsAlready(owner, context)) return undefined;
    const upn = owner.user.userPrincipalName;
    const whose = lower === upn.toLowerCase() ? 'the mailbox of a user' : `a mailbox of ${upn}, a user`;
    return error(
      'NOTIFY_CREATED_MAILBOX',
      `${address} is ${whose} this configuration creates: nobody can read it yet; send the credentials to a mailbox that exists already`,
      locationOf(block, written),
      at(owner.location, 'userPrincipalName'),
    );
  }
  if (!gone) return undefined;
  const whose = lower === gone.userPrincipalName.toLowerCase() ? 'the mailbox of' : `a mailbox of ${gone.userPrincipalName},`;
  return error('NOTIFY_DELETED_MAILBOX', `${address} is ${whose} ${goneUser(gone)}: nobody could read the credentials there; send them to a mailbox that exists`, locationOf(block, written));
}
