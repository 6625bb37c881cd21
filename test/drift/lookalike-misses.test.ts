// Disguises drift once missed: separators DOMAIN.md allows in a local part
// beyond . - _, the Greek lunate sigma drawn as c, and a display name that
// is another user's bare local part.
import { describe, expect, it } from 'vitest';
import { computeDrift, type DriftFindingOf } from '../../src/drift/drift.js';
import type { User } from '../../src/state/tenant-state.js';
import { catalog, currentUser, desiredUser, state } from '../support/fixtures.js';

const NOW = new Date('2026-06-01T12:00:00.000Z');
const APPLIED = { updatedBy: 'apply #7 (alice)', updatedAt: '2026-05-01T10:00:00.000Z' };
const managed = (upn: string, displayName: string) => [desiredUser(upn, { attributes: { displayName } }), currentUser(upn, { attributes: { displayName } }, APPLIED)] as const;
const unmanaged = (upn: string, displayName: string) => currentUser(upn, { attributes: { displayName } }, { managed: false });

function unmanagedFinding(account: User, [declared, applied] = managed('megan.bowen@contoso.com', 'Megan Bowen')): DriftFindingOf<'user.unmanaged'> {
  const { findings } = computeDrift({ desired: state(declared), current: state(applied, account), catalog: catalog([]), now: NOW });
  const found = findings.find((f): f is DriftFindingOf<'user.unmanaged'> => f.kind === 'user.unmanaged');
  if (!found) throw new Error('no user.unmanaged finding');
  return found;
}

describe('look-alikes drift once missed', () => {
  it.each(["megan'bowen@contoso.com", 'megan~bowen@contoso.com', "m~egan'bowen@contoso.com"])('%s, an apostrophe or a tilde for the dot', (upn) => {
    const finding = unmanagedFinding(unmanaged(upn, 'Someone Else'));
    expect(finding.lookalikeOf).toEqual([{ name: 'userPrincipalName', userPrincipalName: 'megan.bowen@contoso.com', looksLike: 'megan.bowen@contoso.com', differences: ['separators'], characters: [] }]);
    expect(finding.severity).toBe('high');
  });

  it.each([
    ['\u03f2hristie \u03f2line', 'U+03F2'],
    ['\u03f9hristie Cline', 'U+03F9'],
  ])('a display name %j, the Greek lunate sigma drawn as c', (displayName, character) => {
    const finding = unmanagedFinding(unmanaged('helpdesk@contoso.com', displayName), managed('christie.cline@contoso.com', 'Christie Cline'));
    expect(finding.lookalikeOf).toEqual([{ name: 'displayName', userPrincipalName: 'christie.cline@contoso.com', looksLike: 'Christie Cline', differences: ['characters'], characters: [character] }]);
    expect(finding.severity).toBe('high');
  });

  it.each([
    ['megan.bowen', []],
    ['Megan_Bowen', ['case', 'separators']],
    ['rnegan.bowen', ['drawn-alike']],
  ])('a display name %j, another user\'s bare local part', (displayName, differences) => {
    const finding = unmanagedFinding(unmanaged('it-help@contoso.com', displayName));
    expect(finding.lookalikeOf).toEqual([{ name: 'displayName', userPrincipalName: 'megan.bowen@contoso.com', looksLike: 'megan.bowen@contoso.com', differences: [...differences, 'address'], characters: [] }]);
    expect(finding.severity).toBe('high');
  });

  it('not a name with a hyphen or an apostrophe, as names of people have, nor the account\'s own local part', () => {
    expect(unmanagedFinding(unmanaged('annemarie.x@contoso.com', 'Anne-Marie'), managed('anne-marie@contoso.com', 'Anne-Marie Jansen')).lookalikeOf).toEqual([]);
    expect(unmanagedFinding(unmanaged('it.help@contoso.com', 'it.help')).lookalikeOf).toEqual([]);
  });
});
