// notify may not name the user's own mailbox, and a renamed account keeps
// each name it had as an alias (TenantState.formerNames): notify at a name of
// an earlier rename is refused as NOTIFY_OWN_MAILBOX, with the name said; a
// name another account holds now is that account's. Both ways the rule looks
// owners up: a few addresses one by one, many through its index.
import { describe, expect, it } from 'vitest';
import type { Catalog } from '../../src/catalog/catalog.js';
import { notifyMailboxes } from '../../src/config/rules/notify-rules.js';
import type { DeclaredUser, FieldBlock, RuleContext } from '../../src/config/rules/rule.js';
import { DEFAULT_SETTINGS } from '../../src/state/settings.js';
import type { TenantState, User } from '../../src/state/tenant-state.js';
import { currentUser, desiredUser } from '../support/fixtures.js';

const catalog = { domains: [{ name: 'contoso.com', verified: true, default: true }, { name: 'contoso.onmicrosoft.com', verified: true, default: false }], subscriptions: [], roles: [] } as unknown as Catalog;

function findings(notify: string[], others: User[] = [], declaredToo: User[] = [], padded = false) {
  const megan = currentUser('megan.smith@contoso.com');
  const current: TenantState = {
    users: new Map([megan, ...others].map((u) => [u.userPrincipalName.toLowerCase(), u])),
    formerNames: new Map([[megan.directory!.id, ['megan.bowen@contoso.com', 'megan.jansen@contoso.com']]]),
  };
  const users = [desiredUser('megan.smith@contoso.com', { notify }), ...declaredToo].map(
    (user, index) => ({ user, raw: {}, own: { notify: user.notify }, location: { file: 'users.yaml', path: ['users', index] } }) as unknown as DeclaredUser,
  );
  const blocks: FieldBlock[] = [{ fields: { notify }, location: users[0]!.location, user: users[0]! }];
  if (padded) blocks.push({ fields: { notify: Array(17).fill('zz@nowhere.example') }, location: { file: 'tenant.yaml', path: ['defaults'] }, user: undefined });
  return notifyMailboxes({ users, blocks, catalog, settings: DEFAULT_SETTINGS, current, now: new Date('2026-12-01T00:00:00Z') } as unknown as RuleContext).map((d) => `${d.code}: ${d.message}`);
}

describe.each([false, true])('notify at a name of an earlier rename (indexed: %s)', (padded) => {
  it.each([['megan.bowen@contoso.com'], ['Megan.Jansen+pw@contoso.com'], ['megan.bowen@contoso.onmicrosoft.com']])('%s is refused as her own mailbox', (address) => {
    const former = address.toLowerCase().includes('jansen') ? 'megan.jansen@contoso.com' : 'megan.bowen@contoso.com';
    expect(findings([address], [], [], padded)).toEqual([
      `NOTIFY_OWN_MAILBOX: ${address} is megan.smith@contoso.com's own mailbox, which keeps ${former}, a name it had before, as an alias: it cannot read it before signing in with these credentials; send them to a manager, the help desk or a private address`,
    ]);
  });

  it('not once another account holds the name, or one is declared under it', () => {
    expect(findings(['megan.bowen@contoso.com'], [currentUser('megan.bowen@contoso.com', {}, { managed: false })], [], padded)).toEqual([]);
    const colleague = desiredUser('megan.bowen@contoso.com', { notify: ['it@contoso.com'] });
    expect(findings(['megan.bowen@contoso.com'], [], [colleague], padded).filter((f) => f.startsWith('NOTIFY_OWN_MAILBOX'))).toEqual([]);
  });
});
