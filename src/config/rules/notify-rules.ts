import { error, type Diagnostic, type SourceLocation } from '../../diagnostics/diagnostic.js';
import { emailProblem, MAX_NOTIFY_ADDRESSES, tooManyAddresses } from '../notify-addresses.js';
import { splitNotify } from '../normalize-user.js';
import { at, type DeclaredUser, type FieldBlock, type Rule, type RuleContext } from './rule.js';

interface WrittenAddress {
  /** Trimmed, as the credentials would be sent to it. */
  readonly address: string;
  readonly location: SourceLocation;
}

/** A block's notify addresses, each located at its list entry (or at the string that holds it). */
function addressesOf(block: FieldBlock): WrittenAddress[] {
  const notify = block.fields.notify;
  if (notify === undefined) return [];
  if (typeof notify === 'string') {
    const location = at(block.location, 'notify');
    return splitNotify(notify).map((address) => ({ address, location }));
  }
  return notify.flatMap((written, index) => (written.trim() === '' ? [] : [{ address: written.trim(), location: at(block.location, 'notify', index) }]));
}

/** At most five addresses, each a valid email address; checked where notify is written. */
export const notifyAddresses: Rule = ({ blocks }) =>
  blocks.flatMap((block): Diagnostic[] => {
    const notify = block.fields.notify;
    if (notify === undefined) return [];
    const problems: Diagnostic[] = [];
    const count = typeof notify === 'string' ? splitNotify(notify).length : notify.length;
    if (count > MAX_NOTIFY_ADDRESSES) {
      const where = typeof notify === 'string' ? at(block.location, 'notify') : at(block.location, 'notify', MAX_NOTIFY_ADDRESSES);
      problems.push(error('NOTIFY_TOO_MANY', tooManyAddresses(count), where));
    }
    const written =
      typeof notify === 'string'
        ? splitNotify(notify).map((address) => ({ written: address, location: at(block.location, 'notify') }))
        : notify.map((address, index) => ({ written: address, location: at(block.location, 'notify', index) }));
    for (const { written: address, location } of written) {
      const problem = emailProblem(address);
      if (problem) problems.push(error('NOTIFY_INVALID_EMAIL', problem, location));
    }
    return problems;
  });

/**
 * Addresses of the mailboxes this configuration creates, lower-cased: each
 * UPN, and `mailNickname@domain` at the UPN's domain and (with the catalog)
 * at every tenant domain. O(users × tenant domains).
 */
function createdMailboxes({ users, catalog }: RuleContext): Map<string, DeclaredUser> {
  const tenantDomains = (catalog?.domains ?? []).map((d) => d.name.toLowerCase());
  const mailboxes = new Map<string, DeclaredUser>();
  const add = (address: string, declared: DeclaredUser): void => {
    if (!mailboxes.has(address)) mailboxes.set(address, declared);
  };
  for (const declared of users) {
    const upn = declared.user.userPrincipalName.toLowerCase();
    add(upn, declared);
    const nickname = declared.user.attributes.mailNickname.toLowerCase();
    for (const domain of new Set([upn.split('@')[1] ?? '', ...tenantDomains])) add(`${nickname}@${domain}`, declared);
  }
  return mailboxes;
}

/**
 * Credentials must reach someone who can read them: never the new user's own
 * mailbox, nor another mailbox this configuration creates.
 */
export const notifyMailboxes: Rule = (context) => {
  const mailboxes = createdMailboxes(context);
  return context.blocks.flatMap((block) =>
    addressesOf(block).flatMap(({ address, location }): Diagnostic[] => {
      const owner = mailboxes.get(address.toLowerCase());
      if (!owner) return [];
      const upn = owner.user.userPrincipalName;
      if (owner === block.user) {
        return [
          error(
            'NOTIFY_OWN_MAILBOX',
            `${address} is the new user's own mailbox: ${upn} cannot read it before signing in with these credentials; send them to a manager, the help desk or a private address`,
            location,
          ),
        ];
      }
      const whose = address.toLowerCase() === upn.toLowerCase() ? 'the mailbox of a user' : `a mailbox of ${upn}, a user`;
      return [
        error(
          'NOTIFY_CREATED_MAILBOX',
          `${address} is ${whose} this configuration creates: nobody can read it yet; send the credentials to a mailbox that exists already`,
          location,
          at(owner.location, 'userPrincipalName'),
        ),
      ];
    }),
  );
};
