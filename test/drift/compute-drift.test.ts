import { describe, expect, it } from 'vitest';
import { computeDrift, type DriftFinding } from '../../src/drift/drift.js';
import { removalCandidates, type OutsideRemovals } from '../../src/drift/read-outside-removals.js';
import { diffUser } from '../../src/plan/diff-user.js';
import type { TenantState, User } from '../../src/state/tenant-state.js';
import { catalog, currentUser, desiredUser, EXCHANGE_ADMIN, GA, state, subscription } from '../support/fixtures.js';

const NOW = new Date('2026-06-01T12:00:00.000Z');
const APPLIED = { updatedBy: 'apply #7 (alice)', updatedAt: '2026-05-01T10:00:00.000Z' };
const TRACE = { by: 'apply #7 (alice)', applyId: 7, actor: 'alice', outsideRole: null, at: '2026-05-01T10:00:00.000Z' };
const E3 = { sku: 'ENTERPRISEPACK', disabledPlans: [] };
const noSeats = catalog([]);

/** The findings without the directory ids the fixtures number as they go. */
function drift(desired: TenantState, current: TenantState, tenantCatalog = noSeats): Omit<DriftFinding, 'userId'>[] {
  return computeDrift({ desired, current, catalog: tenantCatalog, now: NOW }).findings.map((finding) => {
    const { userId: _id, ...rest } = finding as DriftFinding & { userId?: string | null };
    return rest;
  });
}

interface Case {
  readonly name: string;
  readonly desired: User[];
  readonly current: User[];
  readonly expected: readonly object[];
}

const joep = 'joep@contoso.com';

const cases: Case[] = [
  { name: 'nothing differs', desired: [desiredUser(joep)], current: [currentUser(joep, {}, APPLIED)], expected: [] },
  {
    name: 'an attribute changed',
    desired: [desiredUser(joep, { attributes: { jobTitle: 'Sales Lead' } })],
    current: [currentUser(joep, { attributes: { jobTitle: 'Sales Director' } }, APPLIED)],
    expected: [
      {
        kind: 'user.changed',
        severity: 'medium',
        userPrincipalName: joep,
        fields: [{ field: 'jobTitle', expected: 'Sales Lead', actual: 'Sales Director' }],
        lastChange: TRACE,
      },
    ],
  },
  {
    name: 'an attribute set that the configuration leaves unset, and a phone removed',
    desired: [desiredUser(joep, { attributes: { businessPhones: ['+31 20 555 0100'] } })],
    current: [currentUser(joep, { attributes: { city: 'Haarlem' } }, APPLIED)],
    expected: [
      {
        kind: 'user.changed',
        fields: [
          { field: 'businessPhones', expected: ['+31 20 555 0100'], actual: [] },
          { field: 'city', expected: null, actual: 'Haarlem' },
        ],
      },
    ],
  },
  {
    name: 'a Global administrator role granted outside tenantctl is high',
    desired: [desiredUser(joep, { roles: [EXCHANGE_ADMIN] })],
    current: [currentUser(joep, { roles: [EXCHANGE_ADMIN, GA].sort() }, APPLIED)],
    expected: [
      {
        kind: 'user.changed',
        severity: 'high',
        fields: [{ field: 'roles', expected: ['Exchange administrator'], actual: ['Exchange administrator', 'Global administrator'] }],
      },
    ],
  },
  {
    name: 'any admin role granted outside tenantctl is high, not Global administrator alone',
    desired: [desiredUser(joep)],
    current: [currentUser(joep, { roles: [EXCHANGE_ADMIN] }, APPLIED)],
    expected: [{ kind: 'user.changed', severity: 'high', fields: [{ field: 'roles', expected: [], actual: ['Exchange administrator'] }] }],
  },
  {
    name: 'a role revoked outside tenantctl',
    desired: [desiredUser(joep, { roles: [EXCHANGE_ADMIN] })],
    current: [currentUser(joep, {}, APPLIED)],
    expected: [{ kind: 'user.changed', severity: 'medium', fields: [{ field: 'roles', expected: ['Exchange administrator'], actual: [] }] }],
  },
  {
    name: 'a license assigned outside tenantctl',
    desired: [desiredUser(joep, { licenses: [E3] })],
    current: [currentUser(joep, { licenses: [E3, { sku: 'STANDARDPACK', disabledPlans: [] }] }, APPLIED)],
    expected: [{ kind: 'user.changed', fields: [{ field: 'licenses', expected: ['ENTERPRISEPACK'], actual: ['ENTERPRISEPACK', 'STANDARDPACK'] }] }],
  },
  {
    name: 'a service plan switched back on',
    desired: [desiredUser(joep, { licenses: [{ sku: 'ENTERPRISEPACK', disabledPlans: ['SWAY', 'YAMMER_ENTERPRISE'] }] })],
    current: [currentUser(joep, { licenses: [{ sku: 'ENTERPRISEPACK', disabledPlans: ['YAMMER_ENTERPRISE'] }] }, APPLIED)],
    expected: [
      { kind: 'user.changed', fields: [{ field: 'disabledPlans', sku: 'ENTERPRISEPACK', expected: ['SWAY', 'YAMMER_ENTERPRISE'], actual: ['YAMMER_ENTERPRISE'] }] },
    ],
  },
  {
    name: 'blocked outside tenantctl',
    desired: [desiredUser(joep)],
    current: [currentUser(joep, { accountEnabled: false }, APPLIED)],
    expected: [{ kind: 'user.blocked', severity: 'medium', fields: [{ field: 'accountEnabled', expected: true, actual: false }], lastChange: TRACE }],
  },
  {
    name: 'unblocked outside tenantctl',
    desired: [desiredUser(joep, { accountEnabled: false })],
    current: [currentUser(joep, {}, APPLIED)],
    expected: [{ kind: 'user.unblocked', severity: 'high', fields: [{ field: 'accountEnabled', expected: false, actual: true }] }],
  },
  {
    name: 'deleted outside tenantctl, with its license released',
    desired: [desiredUser(joep, { licenses: [E3] })],
    current: [currentUser(joep, {}, { ...APPLIED, deletedAt: '2026-05-20T08:00:00.000Z' })],
    expected: [
      { kind: 'user.changed', fields: [{ field: 'licenses', expected: ['ENTERPRISEPACK'], actual: [] }] },
      { kind: 'user.deleted', severity: 'high', deletedAt: '2026-05-20T08:00:00.000Z', lastChange: TRACE },
      { ...{ kind: 'user.in-recycle-bin', severity: 'info', userPrincipalName: joep, deletedAt: '2026-05-20T08:00:00.000Z', restorableUntil: '2026-06-19T08:00:00.000Z', daysRemaining: 17 }, managed: true },
    ],
  },
  {
    name: 'declared but absent',
    desired: [desiredUser(joep, { roles: [GA], licenses: [E3] })],
    current: [],
    expected: [{ kind: 'user.missing', severity: 'medium', userPrincipalName: joep, inDeletedUsers: false }],
  },
  {
    name: 'declared, only an unmanaged deleted user of that name',
    desired: [desiredUser(joep)],
    current: [currentUser(joep, {}, { managed: false, deletedAt: '2026-05-20T08:00:00.000Z' })],
    expected: [{ kind: 'user.missing', inDeletedUsers: true }, { ...{ kind: 'user.in-recycle-bin', severity: 'info', userPrincipalName: joep, deletedAt: '2026-05-20T08:00:00.000Z', restorableUntil: '2026-06-19T08:00:00.000Z', daysRemaining: 17 }, managed: false }],
  },
  {
    name: 'declared, present, not yet adopted',
    desired: [desiredUser(joep, { attributes: { department: 'Sales' } })],
    current: [currentUser(joep, {}, { managed: false })],
    expected: [{ kind: 'user.unadopted', severity: 'low', fields: [{ field: 'department', expected: 'Sales', actual: null }] }],
  },
  {
    name: 'declared, not yet adopted, holding a Global administrator role the configuration does not give it: high, as on a managed user',
    desired: [desiredUser(joep)],
    current: [currentUser(joep, { roles: [GA] }, { managed: false })],
    expected: [{ kind: 'user.unadopted', severity: 'high', fields: [{ field: 'roles', expected: [], actual: ['Global administrator'] }], outsideWrite: null }],
  },
  {
    name: 'managed, active, not declared: restored outside tenantctl',
    desired: [],
    current: [currentUser(joep, {}, APPLIED)],
    expected: [{ kind: 'user.restored', severity: 'high', userPrincipalName: joep, privileged: false, roles: [], lastChange: TRACE }],
  },
  {
    // Written into the directory as managed, by SQL: an admin nobody declared, whatever its flag says.
    name: 'managed, active, not declared, holding Global administrator: critical, naming the role',
    desired: [],
    current: [currentUser('svc-backup@contoso.com', { roles: [GA] }, { updatedBy: 'outside tenantctl by database role ci_apply', updatedAt: '2026-05-02T00:00:00.000Z' })],
    expected: [
      {
        kind: 'user.restored',
        severity: 'critical',
        userPrincipalName: 'svc-backup@contoso.com',
        privileged: true,
        roles: [expect.objectContaining({ displayName: 'Global administrator' })],
      },
    ],
  },
  {
    name: 'managed, deleted by tenantctl, not declared: a notice while it is in the recycle bin, with the days left',
    desired: [],
    current: [currentUser(joep, {}, { deletedAt: '2026-05-20T08:00:00.000Z' })],
    expected: [{ ...{ kind: 'user.in-recycle-bin', severity: 'info', userPrincipalName: joep, deletedAt: '2026-05-20T08:00:00.000Z', restorableUntil: '2026-06-19T08:00:00.000Z', daysRemaining: 17 }, managed: true }],
  },
  {
    name: 'deleted more than 30 days ago: gone for good, no notice',
    desired: [],
    current: [currentUser(joep, {}, { deletedAt: '2026-04-20T08:00:00.000Z' })],
    expected: [],
  },
  {
    name: 'an unmanaged Global administrator is critical',
    desired: [],
    current: [currentUser('mallory@contoso.com', { roles: [GA], licenses: [E3] }, { managed: false })],
    expected: [
      {
        kind: 'user.unmanaged',
        severity: 'critical',
        userPrincipalName: 'mallory@contoso.com',
        displayName: 'mallory',
        accountEnabled: true,
        privileged: true,
        roles: [{ templateId: GA, displayName: 'Global administrator', privileged: true }],
        licenses: [E3],
      },
    ],
  },
  {
    name: 'an unmanaged admin is high, an unmanaged user medium',
    desired: [],
    current: [currentUser('ex@contoso.com', { roles: [EXCHANGE_ADMIN] }, { managed: false }), currentUser('legacy@contoso.com', {}, { managed: false })],
    expected: [
      { kind: 'user.unmanaged', severity: 'high', userPrincipalName: 'ex@contoso.com', privileged: false },
      { kind: 'user.unmanaged', severity: 'medium', userPrincipalName: 'legacy@contoso.com', roles: [] },
    ],
  },
  { name: 'an unmanaged deleted user', desired: [], current: [currentUser('old@contoso.com', { roles: [GA] }, { managed: false, deletedAt: '2026-01-01T00:00:00.000Z' })], expected: [] },
  {
    name: 'a temporary password past its expiry, never changed',
    desired: [desiredUser(joep)],
    current: [
      currentUser(joep, {}, { ...APPLIED, passwordTemporary: true, passwordSetAt: '2026-02-01T09:00:00.000Z', passwordExpiresAt: '2026-05-02T09:00:00.000Z' }),
    ],
    expected: [
      {
        kind: 'password.expired',
        severity: 'medium',
        userPrincipalName: joep,
        managed: true,
        passwordSetAt: '2026-02-01T09:00:00.000Z',
        passwordExpiresAt: '2026-05-02T09:00:00.000Z',
        daysOverdue: 30,
        lastChange: TRACE,
      },
    ],
  },
  {
    name: 'an expired password the user has changed',
    desired: [desiredUser(joep)],
    current: [currentUser(joep, {}, { passwordTemporary: false, passwordExpiresAt: '2026-05-02T09:00:00.000Z' })],
    expected: [],
  },
  {
    name: 'a temporary password not expired yet',
    desired: [desiredUser(joep)],
    current: [currentUser(joep, {}, { passwordTemporary: true, passwordExpiresAt: '2026-06-01T12:00:00.001Z' })],
    expected: [],
  },
  {
    name: 'a password reset the configuration asks for is not drift',
    desired: [desiredUser(joep, { password: { source: { kind: 'generate' }, forceChangePasswordNextSignIn: true, resetToken: '2026-06-01' } })],
    current: [currentUser(joep)],
    expected: [],
  },
  {
    name: 'last change written by something other than an apply',
    desired: [desiredUser(joep, { attributes: { city: 'Utrecht' } })],
    current: [currentUser(joep, {}, { updatedBy: 'psql', updatedAt: '2026-05-03T00:00:00.000Z' })],
    expected: [{ kind: 'user.changed', lastChange: { by: 'psql', applyId: null, actor: null, outsideRole: null, at: '2026-05-03T00:00:00.000Z' } }],
  },
  {
    name: 'last change stamped by the database as made outside tenantctl',
    desired: [desiredUser(joep, { attributes: { city: 'Utrecht' } })],
    current: [currentUser(joep, {}, { updatedBy: 'outside tenantctl by database role dba', updatedAt: '2026-05-03T00:00:00.000Z' })],
    expected: [
      {
        kind: 'user.changed',
        lastChange: { by: 'outside tenantctl by database role dba', applyId: null, actor: null, outsideRole: 'dba', at: '2026-05-03T00:00:00.000Z' },
      },
    ],
  },
];

describe('computeDrift: one kind of drift at a time', () => {
  it.each(cases)('$name', ({ desired, current, expected }) => {
    const findings = drift(state(...desired), state(...current));
    expect(findings).toHaveLength(expected.length);
    expected.forEach((finding, index) => expect(findings[index]).toMatchObject(finding));
  });

  it.each(cases)('agrees with the planner on which users differ: $name', ({ desired, current }) => {
    const report = computeDrift({ desired: state(...desired), current: state(...current), catalog: noSeats, now: NOW });
    const users = new Set(report.findings.filter((f) => f.kind !== 'password.expired' && f.kind !== 'user.in-recycle-bin' && !('sku' in f)).map((f) => ('userPrincipalName' in f ? f.userPrincipalName : '')));
    const planned = new Set(
      [...new Set([...desired, ...current].map((u) => u.userPrincipalName))].filter((upn) => {
        const changes = diffUser(desired.find((u) => u.userPrincipalName === upn), current.find((u) => u.userPrincipalName === upn), { now: NOW });
        return changes.some((c) => c.kind !== 'user.password-reset');
      }),
    );
    const unmanaged = current.filter((u) => !u.directory?.managed && !u.directory?.deletedAt && !desired.some((d) => d.userPrincipalName === u.userPrincipalName));
    expect(users).toEqual(new Set([...planned, ...unmanaged.map((u) => u.userPrincipalName)]));
  });

  it('reports a UPN changed in case outside tenantctl, which the plan would rename back', () => {
    const same = { mailNickname: 'joep', displayName: 'Joep' };
    const findings = drift(state(desiredUser(joep, { attributes: same })), state(currentUser('Joep@Contoso.com', { attributes: same }, APPLIED)));
    expect(findings).toEqual([
      {
        kind: 'user.changed',
        severity: 'medium',
        userPrincipalName: 'Joep@Contoso.com',
        fields: [{ field: 'userPrincipalName', expected: joep, actual: 'Joep@Contoso.com' }],
        lastChange: TRACE,
      },
    ]);
  });

  it('reports every field of a user in one finding, attributes first in Graph order', () => {
    const desired = desiredUser(joep, { attributes: { surname: 'de Vries', city: 'Amsterdam' }, roles: [GA], licenses: [E3] });
    const current = currentUser(joep, { attributes: { surname: 'Vries', city: 'Haarlem' }, roles: [], licenses: [] }, APPLIED);
    const [finding] = drift(state(desired), state(current));
    expect(finding).toMatchObject({ kind: 'user.changed' });
    expect(finding && 'fields' in finding ? finding.fields.map((f) => f.field) : []).toEqual(['surname', 'city', 'roles', 'licenses']);
  });
});

describe('computeDrift: seats', () => {
  const licensed = (upn: string, sku: string) => currentUser(upn, { licenses: [{ sku, disabledPlans: [] }] });

  it('reports unused seats with their monthly cost, as a notice, not as drift', () => {
    const report = computeDrift({
      desired: state(desiredUser('a@contoso.com', { licenses: [E3] })),
      current: state(licensed('a@contoso.com', 'ENTERPRISEPACK')),
      catalog: catalog([subscription('ENTERPRISEPACK', 3, 20)]),
      now: NOW,
    });
    expect(report.findings).toEqual([
      {
        kind: 'seats.unused',
        severity: 'info',
        sku: 'ENTERPRISEPACK',
        productName: 'Product ENTERPRISEPACK',
        purchased: 3,
        consumed: 1,
        unitPrice: 20,
        currency: 'USD',
        unused: 2,
        monthlyCost: 40,
      },
    ]);
    expect(report.summary).toMatchObject({ drift: false, findings: 0, notices: 1, unusedSeats: 2, unusedMonthlyCost: 40 });
  });

  it('reports a subscription with more assignments than seats, counting deleted users that still hold one', () => {
    const deleted = currentUser('gone@contoso.com', { licenses: [{ sku: 'STANDARDPACK', disabledPlans: [] }] }, { managed: false, deletedAt: '2026-01-01T00:00:00.000Z' });
    const report = computeDrift({
      desired: state(desiredUser('a@contoso.com', { licenses: [{ sku: 'STANDARDPACK', disabledPlans: [] }] })),
      current: state(licensed('a@contoso.com', 'STANDARDPACK'), deleted),
      catalog: catalog([subscription('STANDARDPACK', 1, 8)]),
      now: NOW,
    });
    expect(report.findings).toEqual([
      expect.objectContaining({ kind: 'user.licensed-in-recycle-bin', userPrincipalName: 'gone@contoso.com' }),
      expect.objectContaining({ kind: 'seats.overconsumed', severity: 'high', purchased: 1, consumed: 2, excess: 1, monthlyCost: 8 }),
    ]);
    expect(report.summary.drift).toBe(true);
  });

  it('reports each deleted user that still holds licences, as drift, whether declared or not, in the recycle bin or past it', () => {
    const e1 = { sku: 'STANDARDPACK', disabledPlans: ['SWAY'] };
    const report = computeDrift({
      desired: state(desiredUser('back@contoso.com', { licenses: [E3] }), desiredUser('gone@contoso.com', { licenses: [E3] })),
      current: state(
        // Assigned by SQL after tenantctl deleted it: listed sorted by sku.
        currentUser('binned@contoso.com', { licenses: [E3, e1] }, { deletedAt: '2026-05-20T08:00:00.000Z' }),
        // Past the 30 days and not purged: no notice, but still a seat.
        currentUser('old@contoso.com', { licenses: [E3] }, { managed: false, deletedAt: '2026-01-01T00:00:00.000Z' }),
        // Deleted by SQL with its licences, and declared: apply restores it.
        currentUser('back@contoso.com', { licenses: [E3] }, { ...APPLIED, deletedAt: '2026-05-20T08:00:00.000Z' }),
        // Deleted without licences: a notice only.
        currentUser('empty@contoso.com', {}, { deletedAt: '2026-05-20T08:00:00.000Z' }),
        // Declared, past the 30 days with its licence: apply purges it and creates it again.
        currentUser('gone@contoso.com', { licenses: [E3] }, { ...APPLIED, deletedAt: '2026-01-01T00:00:00.000Z' }),
      ),
      catalog: noSeats,
      now: NOW,
    });
    const held = report.findings.filter((f) => f.kind === 'user.licensed-in-recycle-bin');
    expect(held).toEqual([
      { kind: 'user.licensed-in-recycle-bin', severity: 'medium', userPrincipalName: 'binned@contoso.com', userId: expect.any(String), managed: true, declared: false, deletedAt: '2026-05-20T08:00:00.000Z', licenses: [E3, e1] },
      { kind: 'user.licensed-in-recycle-bin', severity: 'medium', userPrincipalName: 'gone@contoso.com', userId: expect.any(String), managed: true, declared: true, deletedAt: '2026-01-01T00:00:00.000Z', licenses: [E3] },
      { kind: 'user.licensed-in-recycle-bin', severity: 'medium', userPrincipalName: 'old@contoso.com', userId: expect.any(String), managed: false, declared: false, deletedAt: '2026-01-01T00:00:00.000Z', licenses: [E3] },
    ]);
    expect(report.findings.filter((f) => f.kind === 'user.in-recycle-bin').map((f) => f.userPrincipalName)).toEqual(['back@contoso.com', 'binned@contoso.com', 'empty@contoso.com']);
    expect(report.summary).toMatchObject({ drift: true, byKind: expect.objectContaining({ 'user.licensed-in-recycle-bin': 3 }) });
  });

  it('one finding per deleted declared user holding licences: user.deleted in the recycle bin, user.licensed-in-recycle-bin past it', () => {
    const report = computeDrift({
      desired: state(desiredUser('back@contoso.com', { licenses: [E3] }), desiredUser('gone@contoso.com', { licenses: [E3] })),
      current: state(
        // Deleted by SQL with its licences (tenantctl would have released them): deleted outside tenantctl.
        currentUser('back@contoso.com', { licenses: [E3] }, { ...APPLIED, deletedAt: '2026-05-20T08:00:00.000Z' }),
        currentUser('gone@contoso.com', { licenses: [E3] }, { ...APPLIED, deletedAt: '2026-01-01T00:00:00.000Z' }),
      ),
      catalog: noSeats,
      now: NOW,
    });
    const drift = report.findings.filter((f) => f.severity !== 'info').map((f) => `${f.kind} ${f.severity} ${'userPrincipalName' in f ? f.userPrincipalName : ''}`);
    expect(drift).toEqual(['user.deleted high back@contoso.com', 'user.licensed-in-recycle-bin medium gone@contoso.com']);
    expect(report.summary).toMatchObject({ findings: 2, byKind: { 'user.deleted': 1, 'user.licensed-in-recycle-bin': 1, 'user.in-recycle-bin': 1 } });
  });

  it('a deleted user without licences is a notice, not drift', () => {
    const report = computeDrift({ desired: state(), current: state(currentUser('empty@contoso.com', {}, { deletedAt: '2026-05-20T08:00:00.000Z' })), catalog: noSeats, now: NOW });
    expect(report.findings.map((f) => f.kind)).toEqual(['user.in-recycle-bin']);
    expect(report.summary.drift).toBe(false);
  });

  it('reports nothing when the seats are exactly used', () => {
    const report = computeDrift({
      desired: state(desiredUser('a@contoso.com', { licenses: [E3] })),
      current: state(licensed('a@contoso.com', 'ENTERPRISEPACK')),
      catalog: catalog([subscription('ENTERPRISEPACK', 1, 20)]),
      now: NOW,
    });
    expect(report.findings).toEqual([]);
  });
});

describe('computeDrift: the report', () => {
  const desired = [
    desiredUser('zed@contoso.com', { attributes: { jobTitle: 'A' } }),
    desiredUser('amy@contoso.com'),
    desiredUser('bob@contoso.com'),
  ];
  const current = [
    currentUser('zed@contoso.com', { attributes: { jobTitle: 'B' } }),
    currentUser('amy@contoso.com', { accountEnabled: false }),
    currentUser('bob@contoso.com', {}, { passwordTemporary: true, passwordExpiresAt: '2026-01-01T00:00:00.000Z' }),
    currentUser('zz-admin@contoso.com', { roles: [GA] }, { managed: false }),
    currentUser('aa-legacy@contoso.com', {}, { managed: false }),
  ];
  const tenantCatalog = catalog([subscription('STANDARDPACK', 2, 8)]);

  it('puts privileged unmanaged users first, then sorts by class, kind and user', () => {
    const report = computeDrift({ desired: state(...desired), current: state(...current), catalog: tenantCatalog, now: NOW });
    expect(report.findings.map((f) => `${f.kind} ${'sku' in f ? f.sku : f.userPrincipalName}`)).toEqual([
      'user.unmanaged zz-admin@contoso.com',
      'user.changed zed@contoso.com',
      'user.blocked amy@contoso.com',
      'user.unmanaged aa-legacy@contoso.com',
      'seats.unused STANDARDPACK',
      'password.expired bob@contoso.com',
    ]);
  });

  it('is the same whatever order the users come in', () => {
    const forward = computeDrift({ desired: state(...desired), current: state(...current), catalog: tenantCatalog, now: NOW });
    const backward = computeDrift({ desired: state(...[...desired].reverse()), current: state(...[...current].reverse()), catalog: tenantCatalog, now: NOW });
    expect(backward).toEqual(forward);
  });

  it('counts findings by severity and kind; drift only when something is above info', () => {
    const report = computeDrift({ desired: state(...desired), current: state(...current), catalog: tenantCatalog, now: NOW });
    expect(report.checkedAt).toBe('2026-06-01T12:00:00.000Z');
    expect(report.summary).toEqual({
      drift: true,
      findings: 5,
      notices: 1,
      privilegedUnmanaged: 1,
      lookalikes: 0,
      bySeverity: { critical: 1, high: 0, medium: 4, low: 0, info: 1 },
      byKind: { 'user.unmanaged': 2, 'user.changed': 1, 'user.blocked': 1, 'seats.unused': 1, 'password.expired': 1 },
      unusedSeats: 2,
      unusedMonthlyCost: 16,
      currency: 'USD',
    });
  });

  it('an unmanaged user is drift on its own', () => {
    const report = computeDrift({ desired: state(), current: state(currentUser('legacy@contoso.com', {}, { managed: false })), catalog: noSeats, now: NOW });
    expect(report.summary.drift).toBe(true);
  });

  it('never carries a password hash or a reset token', () => {
    const withSecrets = currentUser('a@contoso.com', {}, { passwordResetToken: 'token-123', passwordTemporary: true, passwordExpiresAt: '2026-01-01T00:00:00.000Z' });
    const text = JSON.stringify(computeDrift({ desired: state(desiredUser('a@contoso.com')), current: state(withSecrets), catalog: noSeats, now: NOW }));
    expect(text).not.toContain('token-123');
  });
});

describe('computeDrift: users taken out of tenantctl outside it (other_writes)', () => {
  const WRITE = { databaseRole: 'ci_writer', at: '2026-05-30T09:00:00.000Z' };
  const removals = (removal: Partial<OutsideRemovals>): OutsideRemovals => ({ deleted: new Map(), released: new Map(), replaced: new Map(), ...removal });
  const findingsWith = (desired: TenantState, current: TenantState, outsideRemovals: OutsideRemovals) =>
    computeDrift({ desired, current, catalog: noSeats, now: NOW, outsideRemovals }).findings;

  it('a declared user whose row was deleted outside tenantctl is high and names who and when', () => {
    const [finding] = findingsWith(state(desiredUser(joep)), state(), removals({ deleted: new Map([[joep, WRITE]]) }));
    expect(finding).toEqual({ kind: 'user.missing', severity: 'high', userPrincipalName: joep, userId: null, inDeletedUsers: false, outsideWrite: WRITE });
  });

  it('a declared user released from management outside tenantctl is high and names who and when', () => {
    const current = currentUser(joep, {}, { managed: false });
    const [finding] = findingsWith(state(desiredUser(joep)), state(current), removals({ released: new Map([[current.directory!.id, WRITE]]) }));
    expect(finding).toEqual({ kind: 'user.unadopted', severity: 'high', userPrincipalName: joep, userId: current.directory!.id, fields: [], outsideWrite: WRITE, replacedUserId: null });
  });

  it('a declared user whose managed account was replaced outside tenantctl is high and names the account replaced', () => {
    const current = currentUser(joep, {}, { managed: false });
    const replacedUserId = '00000000-0000-4000-8000-999999999999';
    const [finding] = findingsWith(state(desiredUser(joep)), state(current), removals({ replaced: new Map([[current.directory!.id, { ...WRITE, replacedUserId }]]) }));
    expect(finding).toEqual({ kind: 'user.unadopted', severity: 'high', userPrincipalName: joep, userId: current.directory!.id, fields: [], outsideWrite: WRITE, replacedUserId });
  });

  it('a write recorded for another user, or of the other kind, attributes nothing', () => {
    const current = currentUser('a@contoso.com', {}, { managed: false });
    const findings = findingsWith(
      state(desiredUser(joep), desiredUser('a@contoso.com')),
      state(current),
      // A delete of a@ (the account that is still there) and a release of another id.
      removals({ deleted: new Map([['a@contoso.com', WRITE]]), released: new Map([['00000000-0000-4000-8000-999999999999', WRITE]]) }),
    );
    expect(findings.map((f) => [f.kind, f.severity, 'outsideWrite' in f ? f.outsideWrite : undefined])).toEqual([
      ['user.missing', 'medium', null],
      ['user.unadopted', 'low', null],
    ]);
  });

  it('asks only about declared users the directory lacks, and declared active users it does not manage', () => {
    const unmanaged = currentUser('b@contoso.com', {}, { managed: false });
    const candidates = removalCandidates(
      state(desiredUser(joep), desiredUser('a@contoso.com'), desiredUser('b@contoso.com'), desiredUser('c@contoso.com')),
      state(currentUser('a@contoso.com'), unmanaged, currentUser('c@contoso.com', {}, { managed: false, deletedAt: '2026-05-20T08:00:00.000Z' }), currentUser('legacy@contoso.com', {}, { managed: false })),
    );
    expect(candidates).toEqual({ upns: [joep], userIds: [unmanaged.directory!.id], userUpns: ['b@contoso.com'] });
  });
});
