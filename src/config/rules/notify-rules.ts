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
 * Whose mailbox an address (lower-cased) is, among those this configuration
 * creates: each UPN, and `mailNickname@domain` at the UPN's domain and (with
 * the catalog) at every tenant domain. The first user declared wins. Users
 * are indexed by UPN and by nickname, not by every address they create
 * (100,000 users at three domains made 400,000 strings).
 */
function mailboxOwner({ users, catalog }: RuleContext): (address: string) => DeclaredUser | undefined {
  // Domain names never hold an `@` (catalog schema), so an address splits at its last one.
  const tenantDomains = new Set((catalog?.domains ?? []).map((d) => d.name.toLowerCase()));
  const byUpn = new Map<string, number>();
  const byNickname = new Map<string, number[]>();
  users.forEach((declared, index) => {
    const upn = declared.user.userPrincipalName.toLowerCase();
    if (!byUpn.has(upn)) byUpn.set(upn, index);
    const nickname = declared.user.attributes.mailNickname.toLowerCase();
    const same = byNickname.get(nickname);
    if (same) same.push(index);
    else byNickname.set(nickname, [index]);
  });
  const upnDomain = (index: number) => users[index]!.user.userPrincipalName.toLowerCase().split('@')[1] ?? '';
  return (address) => {
    let owner = byUpn.get(address) ?? users.length;
    const split = address.lastIndexOf('@');
    if (split >= 0) {
      const domain = address.slice(split + 1);
      for (const index of byNickname.get(address.slice(0, split)) ?? []) {
        if (index >= owner) break;
        if (tenantDomains.has(domain) || upnDomain(index) === domain) {
          owner = index;
          break;
        }
      }
    }
    return users[owner];
  };
}

/**
 * Credentials must reach someone who can read them: never the new user's own
 * mailbox, nor another mailbox this configuration creates.
 */
export const notifyMailboxes: Rule = (context) => {
  const ownerOf = mailboxOwner(context);
  return context.blocks.flatMap((block) =>
    addressesOf(block).flatMap(({ address, location }): Diagnostic[] => {
      const owner = ownerOf(address.toLowerCase());
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
