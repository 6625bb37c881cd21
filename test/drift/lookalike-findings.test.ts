import { describe, expect, it } from 'vitest';
import { toDriftDocument } from '../../src/drift/drift-document.js';
import { computeDrift, driftClass, type DriftFindingOf, type Lookalike } from '../../src/drift/drift.js';
import { driftHeadline } from '../../src/render/drift-lines.js';
import type { User } from '../../src/state/tenant-state.js';
import { catalog, currentUser, desiredUser, EXCHANGE_ADMIN, GA, state } from '../support/fixtures.js';

const NOW = new Date('2026-06-01T12:00:00.000Z');
const APPLIED = { updatedBy: 'apply #7 (alice)', updatedAt: '2026-05-01T10:00:00.000Z' };

const megan = desiredUser('megan.bowen@contoso.com', { attributes: { displayName: 'Megan Bowen' } });
const managedMegan = currentUser('megan.bowen@contoso.com', { attributes: { displayName: 'Megan Bowen' } }, APPLIED);
const unmanaged = (upn: string, displayName = 'Someone Else', overrides: Partial<User> = {}) => currentUser(upn, { attributes: { displayName }, ...overrides }, { managed: false });

function report(desired: User[], current: User[]) {
  return computeDrift({ desired: state(...desired), current: state(...current), catalog: catalog([]), now: NOW });
}

function unmanagedFinding(account: User, desired: User[] = [megan], current: User[] = [managedMegan]): DriftFindingOf<'user.unmanaged'> {
  const found = report(desired, [...current, account]).findings.find((f): f is DriftFindingOf<'user.unmanaged'> => f.kind === 'user.unmanaged');
  if (!found) throw new Error('no user.unmanaged finding');
  return found;
}

const byUpn = (looksLike: string, differences: Lookalike['differences'], characters: string[] = []): Lookalike => ({
  name: 'userPrincipalName',
  userPrincipalName: looksLike,
  looksLike,
  differences,
  characters,
});

describe('unmanaged look-alikes of managed users', () => {
  it.each([
    ['rn for m', 'rnegan.bowen@contoso.com', byUpn('megan.bowen@contoso.com', ['drawn-alike'])],
    ['a Cyrillic а', 'megаn.bowen@contoso.com', byUpn('megan.bowen@contoso.com', ['characters'], ['U+0430'])],
    ['another of the tenant\'s domains', 'megan.bowen@contoso.onmicrosoft.com', byUpn('megan.bowen@contoso.com', ['domain'])],
    ['another domain and case', 'Megan.Bowen@contoso.onmicrosoft.com', byUpn('megan.bowen@contoso.com', ['domain', 'case'])],
    ['a dot left out', 'meganbowen@contoso.com', byUpn('megan.bowen@contoso.com', ['separators'])],
    ['a dot for a hyphen, a capital', 'Megan-Bowen@contoso.com', byUpn('megan.bowen@contoso.com', ['case', 'separators'])],
    ['a character more, not drawn alike', 'megan.b0wen1@contoso.com', null],
    ['a zero-width space', 'megan.\u200bbowen@contoso.com', byUpn('megan.bowen@contoso.com', ['characters'], ['U+200B'])],
  ])('by its UPN: %s', (_name, upn, expected) => {
    const finding = unmanagedFinding(unmanaged(upn));
    expect(finding.lookalikeOf).toEqual(expected ? [expected] : []);
    expect(finding.severity).toBe(expected ? 'high' : 'medium');
    expect(driftClass(finding)).toBe(expected ? 'lookalike' : 'unmanaged');
  });

  it('1 for l and 0 for o, in a UPN that has the letters', () => {
    const finding = unmanagedFinding(unmanaged('a1ex.wi1ber@contoso.com'), [desiredUser('alex.wilber@contoso.com')], []);
    expect(finding.lookalikeOf).toEqual([byUpn('alex.wilber@contoso.com', ['drawn-alike'])]);
  });

  it.each([
    ['Cyrillic М and е', 'Меgan Bowen', ['characters'], ['U+041C', 'U+0435'], 'high'],
    ['a zero-width joiner', 'Megan Bo\u200dwen', ['characters'], ['U+200D'], 'high'],
    ['two spaces', 'Megan  Bowen', ['drawn-alike'], [], 'high'],
    ['a Hangul filler drawn as a blank for the space', 'Megan\u3164Bowen', ['characters'], ['U+3164'], 'high'],
    ['a halfwidth Hangul filler drawn as nothing', 'Megan Bo\uffa0wen', ['characters'], ['U+FFA0'], 'high'],
    ['a bell at its end, which no font draws', 'Megan Bowen\u0007', ['characters'], ['U+0007'], 'high'],
    ['a C1 control inside it', 'Megan Bo\u0090wen', ['characters'], ['U+0090'], 'high'],
    // A namesake: named, for an auditor to check, but no disguise to raise it.
    ['another case', 'MEGAN BOWEN', ['case'], [], 'medium'],
    ['the same name', 'Megan Bowen', ['identical'], [], 'medium'],
    ['the same name and a qualifier in brackets', 'Megan Bowen (IT)', ['qualified'], [], 'medium'],
    ['another case and a qualifier', 'megan bowen {admin} ', ['case', 'qualified'], [], 'medium'],
    // The qualifier does not hide a disguise in front of it.
    ['a Cyrillic е and a qualifier', 'M\u0435gan Bowen [Finance]', ['characters', 'qualified'], ['U+0435'], 'high'],
    // The surname first after a comma is how many directories file a name: a namesake too, unless disguised.
    ['the surname first', 'Bowen, Megan', ['reordered'], [], 'medium'],
    ['the surname first, in capitals', 'BOWEN,MEGAN', ['case', 'reordered'], [], 'medium'],
    ['the surname first, a Cyrillic е', 'Bowen, M\u0435gan', ['characters', 'reordered'], ['U+0435'], 'high'],
    // No one's name ends in a dot a reader passes over.
    ['a dot at its end', 'Megan Bowen.', ['punctuated'], [], 'high'],
    ['an exclamation mark behind a zero-width space', 'Megan Bowen!\u200b', ['characters', 'punctuated'], ['U+200B'], 'high'],
    ['the surname first and a dot', 'Bowen, Megan.', ['reordered', 'punctuated'], [], 'high'],
  ])('by its display name: %s', (_name, displayName, differences, characters, severity) => {
    const finding = unmanagedFinding(unmanaged('helpdesk@contoso.com', displayName));
    expect(finding.lookalikeOf).toEqual([{ name: 'displayName', userPrincipalName: 'megan.bowen@contoso.com', looksLike: 'Megan Bowen', differences, characters }]);
    expect(finding.severity).toBe(severity);
    expect(driftClass(finding)).toBe('lookalike');
  });

  it.each([
    ['the very UPN', 'megan.bowen@contoso.com', ['address'], []],
    ['at another domain, in capitals', ' Megan.Bowen@Contoso.Onmicrosoft.com', ['domain', 'case', 'address'], []],
    ['without its dot, rn for m', 'rneganbowen@contoso.com', ['drawn-alike', 'address'], []],
    ['a Cyrillic а', 'meg\u0430n.bowen@contoso.com', ['characters', 'address'], ['U+0430']],
  ])('by a display name written as a managed user\'s UPN: %s', (_name, displayName, differences, characters) => {
    const finding = unmanagedFinding(unmanaged('helpdesk@contoso.com', displayName));
    expect(finding.lookalikeOf).toEqual([{ name: 'displayName', userPrincipalName: 'megan.bowen@contoso.com', looksLike: 'megan.bowen@contoso.com', differences, characters }]);
    expect(finding.severity).toBe('high');
  });

  it('not by a display name written as its own UPN, nor as an address like no managed user\'s', () => {
    expect(unmanagedFinding(unmanaged('meg@contoso.com', 'meg@contoso.com')).lookalikeOf).toEqual([]);
    expect(unmanagedFinding(unmanaged('helpdesk@contoso.com', 'megan.bowen.it@contoso.com')).lookalikeOf).toEqual([]);
  });

  it('a namesake beside a UPN like no managed user\'s stays medium; with a UPN alike, or a role, it is raised', () => {
    const jan = desiredUser('jan.devries@contoso.com', { attributes: { displayName: 'Jan de Vries' } });
    const managedJan = currentUser('jan.devries@contoso.com', { attributes: { displayName: 'Jan de Vries' } }, APPLIED);
    const namesake = (upn: string, overrides: Partial<User> = {}) => unmanagedFinding(unmanaged(upn, 'Jan de Vries', overrides), [jan], [managedJan]);
    expect(namesake('jan.devries2@contoso.com')).toMatchObject({ severity: 'medium', lookalikeOf: [{ name: 'displayName', differences: ['identical'] }] });
    expect(namesake('jandevries@contoso.com')).toMatchObject({ severity: 'high', lookalikeOf: [{ name: 'userPrincipalName', differences: ['separators'] }, { name: 'displayName' }] });
    expect(namesake('jan.devries2@contoso.com', { roles: [EXCHANGE_ADMIN] }).severity).toBe('high');
    expect(namesake('jan.devries2@contoso.com', { roles: [GA] }).severity).toBe('critical');
  });

  it('names both of its names, the UPN first, and the managed user each looks like', () => {
    const alex = desiredUser('alex.wilber@contoso.com', { attributes: { displayName: 'Alex Wilber' } });
    const finding = unmanagedFinding(unmanaged('rnegan.bowen@contoso.com', 'Alex Wi1ber'), [megan, alex], []);
    expect(finding.lookalikeOf.map((l) => [l.name, l.userPrincipalName, l.differences])).toEqual([
      ['userPrincipalName', 'megan.bowen@contoso.com', ['drawn-alike']],
      ['displayName', 'alex.wilber@contoso.com', ['drawn-alike']],
    ]);
  });

  it('a privileged look-alike stays critical and first; an admin role keeps it high', () => {
    const admin = unmanagedFinding(unmanaged('megan.bowen@contoso.onmicrosoft.com', 'Someone Else', { roles: [GA] }));
    expect(admin).toMatchObject({ severity: 'critical', privileged: true, lookalikeOf: [byUpn('megan.bowen@contoso.com', ['domain'])] });
    expect(driftClass(admin)).toBe('privileged');
    expect(unmanagedFinding(unmanaged('rnegan.bowen@contoso.com', 'Someone Else', { roles: [EXCHANGE_ADMIN] })).severity).toBe('high');
  });

  it('only declared users are looked like: two unmanaged accounts alike, or an undeclared managed one, are not', () => {
    const restored = currentUser('alex.wilber@contoso.com', {}, APPLIED);
    const result = report([], [unmanaged('megan.bowen@contoso.com'), unmanaged('rnegan.bowen@contoso.com'), restored, unmanaged('a1ex.wilber@contoso.com')]);
    expect(result.findings.flatMap((f) => (f.kind === 'user.unmanaged' ? [f.lookalikeOf] : []))).toEqual([[], [], []]);
    expect(result.summary.lookalikes).toBe(0);
  });

  it('keeps a few managed users per skeleton: the first three in the configuration', () => {
    const namesakes = ['megan.bowen', 'megan.b0wen', 'megan.bowen1x', 'rnegan.bowen'].map((local) => desiredUser(`${local}@contoso.com`, { attributes: { displayName: 'Megan Bowen' } }));
    const finding = unmanagedFinding(unmanaged('megan.bowen@contoso.onmicrosoft.com', 'Megan Bowen'), namesakes, []);
    expect(finding.lookalikeOf.map((l) => `${l.name} ${l.userPrincipalName}`)).toEqual([
      'userPrincipalName megan.bowen@contoso.com',
      'userPrincipalName megan.b0wen@contoso.com',
      'userPrincipalName rnegan.bowen@contoso.com',
      'displayName megan.bowen@contoso.com',
      'displayName megan.b0wen@contoso.com',
      'displayName megan.bowen1x@contoso.com',
    ]);
  });

  it('counts them in the summary and the headline, apart from privileged and other unmanaged users; drift either way', () => {
    const result = report(
      [megan],
      [managedMegan, unmanaged('rnegan.bowen@contoso.com'), unmanaged('megan.bowen@contoso.onmicrosoft.com', 'x', { roles: [GA] }), unmanaged('legacy@contoso.com')],
    );
    expect(result.summary).toMatchObject({ drift: true, lookalikes: 1, privilegedUnmanaged: 1, byKind: { 'user.unmanaged': 3 } });
    expect(result.findings.map((f) => `${driftClass(f)} ${'userPrincipalName' in f ? f.userPrincipalName : ''}`)).toEqual([
      'privileged megan.bowen@contoso.onmicrosoft.com',
      'lookalike rnegan.bowen@contoso.com',
      'unmanaged legacy@contoso.com',
    ]);
    const document = toDriftDocument(result, { tenantctlVersion: '0.0.0-test', configHash: null });
    expect(driftHeadline(document)).toBe('Drift: 3 findings (1 privileged unmanaged user, 1 unmanaged look-alike of a managed user, 1 unmanaged user).');
  });
});

describe('the recycle bin names the roles a restore gives back', () => {
  it('lists a deleted user\'s admin roles by name, privileged (Global administrator) marked; none for one tenantctl deleted', () => {
    const result = report(
      [],
      [
        currentUser('kept@contoso.com', { roles: [GA, EXCHANGE_ADMIN] }, { ...APPLIED, deletedAt: '2026-05-20T08:00:00.000Z' }),
        currentUser('released@contoso.com', {}, { ...APPLIED, deletedAt: '2026-05-20T08:00:00.000Z' }),
      ],
    );
    expect(result.findings.flatMap((f) => (f.kind === 'user.in-recycle-bin' ? [[f.userPrincipalName, f.roles]] : []))).toEqual([
      [
        'kept@contoso.com',
        [
          { templateId: EXCHANGE_ADMIN, displayName: 'Exchange administrator', privileged: false },
          { templateId: GA, displayName: 'Global administrator', privileged: true },
        ],
      ],
      ['released@contoso.com', []],
    ]);
  });
});
