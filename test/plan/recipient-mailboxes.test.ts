// Which addresses a mailbox takes (RECIPIENT_MAILBOX_TAKEN, recipient-mailboxes.ts):
// the end-to-end case is recipient-mailbox-scenario.ts; these are the edges of
// how an address reaches a mailbox, as mailbox-owners.ts reads it.
import { describe, expect, it } from 'vitest';
import { computePlan } from '../../src/plan/compute-plan.js';
import type { TenantState, User } from '../../src/state/tenant-state.js';
import { admin, catalog, currentUser, desiredUser, EXCHANGE_ADMIN, GA, settings, state } from '../support/fixtures.js';

const NOW = new Date('2026-12-01T00:00:00Z');
type UserOverrides = NonNullable<Parameters<typeof desiredUser>[1]>;

/** Emma's mailNickname set to `nickname`; the codes of the plan's warnings and its approvals. */
function plan(adminEmail: string, nickname: string, others: { desired?: User[]; current?: User[] } = {}, current?: TenantState) {
  const emma = desiredUser('emma@contoso.com', { attributes: { mailNickname: nickname }, notify: ['emma@example.org'] });
  const result = computePlan({
    now: NOW,
    desired: state(admin.desired, emma, ...(others.desired ?? [])),
    current: current ?? state(admin.current, currentUser('emma@contoso.com'), ...(others.current ?? [])),
    catalog: catalog(),
    settings: settings({ adminEmail }),
  });
  return { taken: result.plan.warnings.filter((w) => w.code === 'RECIPIENT_MAILBOX_TAKEN').map((w) => w.message), approvals: result.plan.approvals };
}

describe('RECIPIENT_MAILBOX_TAKEN', () => {
  it.each([
    ['settings.adminEmail in another case', 'IT-Desk@Contoso.com'],
    ['settings.adminEmail with a plus tag', 'it-desk+copies@contoso.com'],
    ['settings.adminEmail at another tenant domain', 'it-desk@contoso.onmicrosoft.com'],
  ])('a nickname reaching %s', (_name, adminEmail) => {
    const { taken, approvals } = plan(adminEmail, 'it-desk');
    expect(taken).toHaveLength(1);
    expect(taken[0]).toMatch(/^settings\.adminEmail it-desk@contoso\.(com|onmicrosoft\.com) would reach the mailbox of emma@contoso\.com \(its mailNickname becomes it-desk\)/);
    expect(approvals).toEqual(['privileged']);
  });

  it("a nickname reaching an administrator's notify, not another user's", () => {
    const joep = (roles: string[]) => desiredUser('joep@contoso.com', { notify: ['security@contoso.onmicrosoft.com'], roles });
    const { taken } = plan('it-desk@example.org', 'security', { desired: [joep([EXCHANGE_ADMIN])], current: [currentUser('joep@contoso.com')] });
    expect(taken).toEqual([
      'security@contoso.onmicrosoft.com, notify of joep@contoso.com, an administrator, would reach the mailbox of emma@contoso.com (its mailNickname becomes security), which then reads the temporary passwords sent there; apply needs --approve-privileged',
    ]);
    // A role held now counts as one the configuration gives.
    expect(plan('it-desk@example.org', 'security', { desired: [joep([])], current: [currentUser('joep@contoso.com', { roles: [EXCHANGE_ADMIN] })] }).taken).toHaveLength(1);
    // A user without one: a reset sending its password anywhere needs no approval either.
    expect(plan('it-desk@example.org', 'security', { desired: [joep([])], current: [currentUser('joep@contoso.com')] })).toEqual({ taken: [], approvals: [] });
  });

  it('not an address outside the tenant domains, nor one another account signs in with, nor one the mailbox had', () => {
    expect(plan('it-desk@example.org', 'it-desk')).toEqual({ taken: [], approvals: [] });
    // it-desk@contoso.com is the shared mailbox's own name: Exchange keeps it for that account.
    const shared = desiredUser('it-desk@contoso.com', { accountEnabled: false });
    expect(plan('it-desk@contoso.com', 'it-desk', { desired: [shared], current: [currentUser('it-desk@contoso.com', { accountEnabled: false })] }).taken).toEqual([]);
    // Emma's own name: her mailbox receives it already.
    expect(plan('emma@contoso.com', 'emma2', {}).taken).toEqual([]);
  });

  it('a nickname reaching the recipient of a password still queued, whatever the configuration says now (helper-154)', () => {
    const emma = desiredUser('emma@contoso.com', { attributes: { mailNickname: 'it-desk' }, notify: ['emma@example.org'] });
    const taken = (queued: readonly string[]) => {
      const current: TenantState = { ...state(admin.current, currentUser('emma@contoso.com')), ...(queued.length > 0 ? { queuedRecipients: new Set(queued) } : {}) };
      const result = computePlan({ now: NOW, desired: state(admin.desired, emma), current, catalog: catalog(), settings: settings({ adminEmail: null }) });
      return { taken: result.plan.warnings.filter((w) => w.code === 'RECIPIENT_MAILBOX_TAKEN').map((w) => w.message), approvals: result.plan.approvals };
    };
    expect(taken(['it-desk+copies@contoso.com', 'emma@example.org'])).toEqual({
      taken: [
        'it-desk@contoso.com, a recipient of temporary passwords queued and not delivered yet, would reach the mailbox of emma@contoso.com (its mailNickname becomes it-desk), which then reads those the next deliver sends there; apply needs --approve-privileged',
      ],
      approvals: ['privileged'],
    });
    expect(taken(['emma@example.org'])).toEqual({ taken: [], approvals: [] });
    expect(taken([])).toEqual({ taken: [], approvals: [] });
  });

  it('resetting the password of a mailbox an earlier apply recorded as settings.adminEmail, removed since or now (helper-154)', () => {
    const reset = { source: { kind: 'generate' }, forceChangePasswordNextSignIn: true, resetToken: '2026-12-01' } as const;
    const emma = desiredUser('emma@contoso.com', { attributes: { mailNickname: 'it-desk' }, notify: ['emma@example.org'], password: reset });
    const resetOf = (adminEmail: string | null, recorded: readonly string[]) => {
      const current: TenantState = {
        ...state(admin.current, currentUser('emma@contoso.com', { attributes: { mailNickname: 'it-desk' } })),
        ...(recorded.length > 0 ? { recordedAdminEmails: new Set(recorded) } : {}),
      };
      const result = computePlan({ now: NOW, desired: state(admin.desired, emma), current, catalog: catalog(), settings: settings({ adminEmail }) });
      return { taken: result.plan.warnings.filter((w) => w.code === 'RECIPIENT_MAILBOX_TAKEN').map((w) => w.message), approvals: result.plan.approvals };
    };
    expect(resetOf(null, ['helpdesk@contoso.com', 'it-desk@contoso.com'])).toEqual({
      taken: [
        'this plan resets the password of emma@contoso.com, whose mailbox is it-desk@contoso.com, settings.adminEmail as an earlier apply recorded it, which keeps the copies of the temporary passwords sent there then; apply needs --approve-privileged',
      ],
      approvals: ['privileged'],
    });
    // In force, it is said so.
    expect(resetOf('it-desk@contoso.com', ['it-desk@contoso.com']).taken).toEqual([
      'this plan resets the password of emma@contoso.com, whose mailbox is settings.adminEmail it-desk@contoso.com, which gets a copy of every temporary password; apply needs --approve-privileged',
    ]);
    expect(resetOf(null, ['helpdesk@contoso.com'])).toEqual({ taken: [], approvals: [] });
    expect(resetOf(null, [])).toEqual({ taken: [], approvals: [] });
  });

  it("resetting the password of or unblocking a mailbox an administrator's notify names or a queued password goes to (helper-156)", () => {
    const reset = { source: { kind: 'generate' }, forceChangePasswordNextSignIn: true, resetToken: '2026-12-07' } as const;
    /** Sam (no role, notify the pull request author's) as declared and as in the directory, beside Joep, who may be an administrator. */
    const taken = (sam: { desired: UserOverrides; current?: UserOverrides; nickname?: string }, joepRoles: string[], queued: readonly string[] = []) => {
      const attributes = { mailNickname: sam.nickname ?? 'security' };
      // Joep's notify reaches Sam's mailbox by its nickname at another tenant domain, in another case, with a plus tag.
      const joep = desiredUser('joep@contoso.com', { notify: ['Security+pw@Contoso.onmicrosoft.com'], roles: joepRoles });
      const current: TenantState = {
        ...state(admin.current, currentUser('sam@contoso.com', { attributes, ...sam.current }), currentUser('joep@contoso.com', { roles: joepRoles })),
        ...(queued.length > 0 ? { queuedRecipients: new Set(queued) } : {}),
      };
      const desired = state(admin.desired, desiredUser('sam@contoso.com', { attributes, notify: ['attacker@evil.example'], ...sam.desired }), joep);
      const result = computePlan({ now: NOW, desired, current, catalog: catalog(), settings: settings({ adminEmail: 'it-desk@example.org' }) });
      return { taken: result.plan.warnings.filter((w) => w.code === 'RECIPIENT_MAILBOX_TAKEN').map((w) => w.message), approvals: result.plan.approvals };
    };
    const whose = 'whose mailbox is security@contoso.onmicrosoft.com, notify of joep@contoso.com, an administrator, which gets the temporary passwords sent there; apply needs --approve-privileged';
    expect(taken({ desired: { password: reset } }, [EXCHANGE_ADMIN])).toEqual({ taken: [`this plan resets the password of sam@contoso.com, ${whose}`], approvals: ['privileged'] });
    expect(taken({ desired: { accountEnabled: true }, current: { accountEnabled: false } }, [EXCHANGE_ADMIN])).toEqual({
      taken: [`this plan allows sam@contoso.com to sign in again, ${whose}`],
      approvals: ['privileged'],
    });
    // Sam's mailbox receiving no such address, or Joep holding no role now or after the plan: no approval.
    expect(taken({ desired: { password: reset }, nickname: 'sam' }, [EXCHANGE_ADMIN])).toEqual({ taken: [], approvals: [] });
    expect(taken({ desired: { password: reset } }, [])).toEqual({ taken: [], approvals: [] });
    // A password queued for Sam's mailbox counts, whatever the configuration says now.
    expect(taken({ desired: { password: reset } }, [], ['security@contoso.com']).taken).toEqual([
      'this plan resets the password of sam@contoso.com, whose mailbox is security@contoso.com, a recipient of temporary passwords queued and not delivered yet, which gets those the next deliver sends there; apply needs --approve-privileged',
    ]);
  });

  it("an administrator's notify naming its own mailbox: its reset sends it its own password, privileged as an administrator's (helper-156)", () => {
    const reset = { source: { kind: 'generate' }, forceChangePasswordNextSignIn: true, resetToken: '2026-12-07' } as const;
    const resetOfJoep = (otherNotify: readonly string[]) => {
      const joep = desiredUser('joep@contoso.com', { notify: ['joep@contoso.com'], roles: [EXCHANGE_ADMIN], password: reset });
      const other = desiredUser('admin@contoso.com', { roles: [GA], notify: [...otherNotify] });
      const result = computePlan({
        now: NOW,
        desired: state(other, joep),
        current: state(admin.current, currentUser('joep@contoso.com', { roles: [EXCHANGE_ADMIN] })),
        catalog: catalog(),
        settings: settings({ adminEmail: 'it-desk@example.org' }),
      });
      return { taken: result.plan.warnings.filter((w) => w.code === 'RECIPIENT_MAILBOX_TAKEN').map((w) => w.message), approvals: result.plan.approvals };
    };
    expect(resetOfJoep([])).toEqual({ taken: [], approvals: ['privileged'] });
    // Another administrator's passwords sent there are another matter.
    expect(resetOfJoep(['joep@contoso.com']).taken).toEqual([
      'this plan resets the password of joep@contoso.com, whose mailbox is joep@contoso.com, notify of admin@contoso.com, an administrator, which gets the temporary passwords sent there; apply needs --approve-privileged',
    ]);
  });

  it('a mailbox created or restored from deleted users at the address of a password still queued (helper-158)', () => {
    // settings.adminEmail removed and the administrator's notify changed in the same pull request, which creates the mailbox with notify its author's.
    const taken = (user: User, directory: readonly User[], queued: readonly string[]) => {
      const current: TenantState = { ...state(admin.current, ...directory), queuedRecipients: new Set(queued) };
      const result = computePlan({ now: NOW, desired: state(admin.desired, user), current, catalog: catalog(), settings: settings({ adminEmail: null }) });
      return { taken: result.plan.warnings.filter((w) => w.code === 'RECIPIENT_MAILBOX_TAKEN').map((w) => w.message), approvals: result.plan.approvals };
    };
    const created = (upn: string, mailNickname?: string) => desiredUser(upn, { notify: ['attacker@evil.example'], ...(mailNickname ? { attributes: { mailNickname } } : {}) });
    expect(taken(created('it-desk@contoso.com'), [], ['it-desk@contoso.com'])).toEqual({
      taken: [
        'it-desk@contoso.com, a recipient of temporary passwords queued and not delivered yet, would reach the mailbox of it-desk@contoso.com (a user this plan creates), which then reads those the next deliver sends there; apply needs --approve-privileged',
      ],
      approvals: ['privileged'],
    });
    // By its nickname at another tenant domain, and a queued address with a plus tag.
    expect(taken(created('sam@contoso.com', 'security'), [], ['Security+pw@contoso.onmicrosoft.com']).taken).toEqual([
      'security@contoso.onmicrosoft.com, a recipient of temporary passwords queued and not delivered yet, would reach the mailbox of sam@contoso.com (a user this plan creates), which then reads those the next deliver sends there; apply needs --approve-privileged',
    ]);
    // A deleted user's mail is not delivered: restored, its mailbox receives what is still queued there.
    const deleted = currentUser('it-desk@contoso.com', {}, { deletedAt: '2026-11-25T00:00:00.000Z' });
    expect(taken(created('it-desk@contoso.com'), [deleted], ['it-desk@contoso.com']).taken).toEqual([
      'it-desk@contoso.com, a recipient of temporary passwords queued and not delivered yet, would reach the mailbox of it-desk@contoso.com (restored from deleted users), which then reads those the next deliver sends there; apply needs --approve-privileged',
    ]);
    // Restored under a new name, it gets its old one back as well.
    const renamed = desiredUser('desk.old@contoso.com', { notify: ['attacker@evil.example'], renamedFrom: 'it-desk@contoso.com' });
    const both = computePlan({
      now: NOW,
      desired: state(admin.desired, renamed),
      current: { ...state(admin.current, deleted), queuedRecipients: new Set(['it-desk@contoso.com']) },
      catalog: catalog(),
      settings: settings({ adminEmail: null }),
    });
    expect(both.plan.changes.map(({ change }) => change.kind).filter((kind) => kind === 'user.restore' || kind === 'user.rename')).toEqual(['user.rename', 'user.restore']);
    expect(both.plan.warnings.filter((w) => w.code === 'RECIPIENT_MAILBOX_TAKEN').map((w) => w.message)).toEqual([
      'it-desk@contoso.com, a recipient of temporary passwords queued and not delivered yet, would reach the mailbox of desk.old@contoso.com (restored from deleted users), which then reads those the next deliver sends there; apply needs --approve-privileged',
    ]);
    // A mailbox no queued password goes to, or nothing queued: no approval.
    expect(taken(created('sam@contoso.com'), [], ['it-desk@contoso.com'])).toEqual({ taken: [], approvals: [] });
    expect(taken(created('it-desk@contoso.com'), [], [])).toEqual({ taken: [], approvals: [] });
  });

  it("allowing the shared mailbox settings.adminEmail is to sign in again, and no other user's", () => {
    const unblocked = desiredUser('it-desk@contoso.com', { accountEnabled: true });
    const blocked = currentUser('it-desk@contoso.com', { accountEnabled: false });
    const result = computePlan({ now: NOW, desired: state(admin.desired, unblocked), current: state(admin.current, blocked), catalog: catalog(), settings: settings({ adminEmail: 'it-desk@contoso.com' }) });
    expect(result.plan.warnings.filter((w) => w.code === 'RECIPIENT_MAILBOX_TAKEN').map((w) => w.message)).toEqual([
      'this plan allows it-desk@contoso.com to sign in again, whose mailbox is settings.adminEmail it-desk@contoso.com, which gets a copy of every temporary password; apply needs --approve-privileged',
    ]);
    expect(result.plan.approvals).toEqual(['privileged']);
    const other = computePlan({ now: NOW, desired: state(admin.desired, unblocked), current: state(admin.current, blocked), catalog: catalog(), settings: settings({ adminEmail: 'helpdesk@contoso.com' }) });
    expect(other.plan.approvals).toEqual([]);
  });
});
