// The markdown comment shows 256 characters of a warning's message. A grant
// of every admin role at once, or a reset whose temporary password went to
// five long addresses, pushed what changed (and the phone set after the
// reset) out of them: the approver read "pieter.bakker@contoso.com (granted
// Global administrator, Billing administrator, …" and nothing of a way in.
// What changed comes first now, each way named, whatever the UPN's length.
import { describe, expect, it } from 'vitest';
import type { Change } from '../../src/plan/change.js';
import { rolesGranted } from '../../src/plan/privileged-roles.js';
import { unapprovedWayInWarnings } from '../../src/plan/unapproved-ways-in.js';
import type { UnapprovedWayIn, User } from '../../src/state/tenant-state.js';
import { BUILTIN_ROLES } from '../../src/catalog/builtin-roles.js';

const ID = '00000000-0000-4000-8000-0000000000a1';
const UPN = `${'p'.repeat(64)}@${'contoso'.repeat(6)}.com`;
const SHOWN = 256;

const user = { userPrincipalName: UPN, directory: { id: ID } } as unknown as User;
const grants: Change[] = BUILTIN_ROLES.map((role) => ({ kind: 'role.grant', userPrincipalName: UPN, roleTemplateId: role.templateId, roleName: role.displayName }));
const at = '2026-12-07T23:00:00.000Z';
const recipients = Array.from({ length: 5 }, (_, i) => `${'it-desk'.repeat(9)}${i}@${'contoso'.repeat(6)}.com`);
const ways: UnapprovedWayIn[] = [
  { way: 'created', applyId: 1, at, recipients },
  { way: 'password', applyId: 12345, at, recipients },
  { way: 'mobilePhone', applyId: 12345, at, recipients: [] },
  { way: 'businessPhones', applyId: null, at, recipients: [] },
  { way: 'signIn', applyId: null, at, recipients: [] },
];

describe('WAY_IN_CHANGED_WITHOUT_ROLE', () => {
  it('names the account and every way changed in the characters markdown keeps', () => {
    const [warning, ...rest] = unapprovedWayInWarnings(rolesGranted(grants), new Map([[UPN, user]]), new Map([[ID, ways]]));
    expect(rest).toEqual([]);
    const kept = warning!.message.slice(0, SHOWN);
    expect(kept.startsWith(`${UPN}: `)).toBe(true);
    for (const changed of ['account created', 'password reset', 'mobile phone set', 'business phone set', 'sign-in allowed again']) expect(kept).toContain(changed);
    // The rest is still said whole: where the passwords went, by which apply, the roles granted.
    expect(warning!.message).toContain(`password reset by apply #12345 on 2026-12-07, its temporary password sent to ${recipients.slice(0, 4).join(', ')} and ${recipients[4]}`);
    expect(warning!.message).toContain(`this plan grants it ${BUILTIN_ROLES.slice(0, -1).map((r) => r.displayName).join(', ')} and ${BUILTIN_ROLES.at(-1)!.displayName}`);
  });

  it('names the variable a password came from, never one whose name is written like a password', () => {
    const warn = (passwordFrom: string | null) =>
      unapprovedWayInWarnings(rolesGranted(grants.slice(0, 1)), new Map([[UPN, user]]), new Map([[ID, [{ way: 'password', applyId: 3, at, recipients: ['it-desk@contoso.com'], passwordFrom }]]]))[0]!.message;
    expect(warn('XDG_RUNTIME_DIR')).toContain('password reset by apply #3 on 2026-12-07, its temporary password from $XDG_RUNTIME_DIR sent to it-desk@contoso.com');
    expect(warn(null)).toContain('its temporary password sent to it-desk@contoso.com');
    // Apply stores '' for such a name; the database's text is checked again all the same.
    for (const hidden of ['', 'Welkom2016x']) {
      expect(warn(hidden)).toContain('its temporary password from a variable whose name is written like a password (not shown here) sent to');
      expect(warn(hidden)).not.toContain('Welkom2016x');
    }
  });
});
