// Drift names an unmanaged account whose UPN is one edit from a managed
// administrator's (lookalikeOf, differences typo), and is quiet for the rest.
import { describe, expect, it } from 'vitest';
import { computeDrift, type DriftFindingOf } from '../../src/drift/drift.js';
import type { User } from '../../src/state/tenant-state.js';
import { catalog, currentUser, desiredUser, GA, state } from '../support/fixtures.js';

const NOW = new Date('2026-06-01T12:00:00.000Z');
const APPLIED = { updatedBy: 'apply #7 (alice)', updatedAt: '2026-05-01T10:00:00.000Z' };
const managed = (upn: string, displayName: string, roles: string[] = []) => [desiredUser(upn, { roles, attributes: { displayName } }), currentUser(upn, { roles, attributes: { displayName } }, APPLIED)] as const;
const unmanaged = (upn: string, displayName: string) => currentUser(upn, { attributes: { displayName } }, { managed: false });

function unmanagedFinding(account: User, [declared, applied] = managed('megan.bowen@contoso.com', 'Megan Bowen', [GA])): DriftFindingOf<'user.unmanaged'> {
  const { findings } = computeDrift({ desired: state(declared), current: state(applied, account), catalog: catalog([]), now: NOW });
  const found = findings.find((f): f is DriftFindingOf<'user.unmanaged'> => f.kind === 'user.unmanaged');
  if (!found) throw new Error('no user.unmanaged finding');
  return found;
}

describe('typo-squats of managed administrators', () => {
  it.each([
    ['megann.bowen@contoso.com', ['typo']],
    ['mgean.bowen@contoso.com', ['typo']],
    ['megan.bowem@contoso.onmicrosoft.com', ['domain', 'typo']],
  ])('%s is high, one letter from megan.bowen', (upn, differences) => {
    const finding = unmanagedFinding(unmanaged(upn, 'Someone Else'));
    expect(finding.lookalikeOf).toEqual([{ name: 'userPrincipalName', userPrincipalName: 'megan.bowen@contoso.com', looksLike: 'megan.bowen@contoso.com', differences, characters: [] }]);
    expect(finding.severity).toBe('high');
  });

  it('not beside an ordinary user, nor for short local parts', () => {
    expect(unmanagedFinding(unmanaged('jan.devrie@contoso.com', 'Jan Devrie'), managed('jan.devries@contoso.com', 'Jan de Vries')).lookalikeOf).toEqual([]);
    expect(unmanagedFinding(unmanaged('admins@contoso.com', 'Admins'), managed('admin@contoso.com', 'Tenant Admin', [GA])).lookalikeOf).toEqual([]);
    expect(unmanagedFinding(unmanaged('megan.bowen.admin@contoso.com', 'Megan Bowen (admin)')).lookalikeOf.map((l) => l.name)).toEqual(['displayName']);
  });
});

describe('administrators as the directory has them', () => {
  const MEGAN = { name: 'userPrincipalName', userPrincipalName: 'megan.bowen@contoso.com', looksLike: 'megan.bowen@contoso.com', differences: ['typo'], characters: [] };
  const squat = () => unmanaged('megann.bowen@contoso.com', 'Someone Else');

  it('a managed user granted a role outside git guards its name, though the configuration lists none', () => {
    const grantedOutside = [desiredUser('megan.bowen@contoso.com', { attributes: { displayName: 'Megan Bowen' } }), currentUser('megan.bowen@contoso.com', { roles: [GA], attributes: { displayName: 'Megan Bowen' } }, APPLIED)] as const;
    const finding = unmanagedFinding(squat(), grantedOutside);
    expect(finding.lookalikeOf).toEqual([MEGAN]);
    expect(finding.severity).toBe('high');
  });

  it('an unmanaged administrator guards none: it is a finding itself', () => {
    const admin = currentUser('megan.bowen@contoso.com', { roles: [GA], attributes: { displayName: 'Megan Bowen' } }, { managed: false });
    const [declared, applied] = managed('alex.wilber@contoso.com', 'Alex Wilber');
    const { findings } = computeDrift({ desired: state(declared), current: state(applied, admin, squat()), catalog: catalog([]), now: NOW });
    const unmanagedOnes = findings.filter((f): f is DriftFindingOf<'user.unmanaged'> => f.kind === 'user.unmanaged');
    expect(unmanagedOnes.map((f) => [f.userPrincipalName, f.lookalikeOf])).toEqual([
      ['megan.bowen@contoso.com', []],
      ['megann.bowen@contoso.com', []],
    ]);
  });
});
