// A hostile pull request grants Global administrator to an account whose
// name passes for an existing admin's, or sends a temporary password to a
// domain that passes for the tenant's. The plan must say so in its warnings,
// which every format shows first; names that were there before must not
// raise it on every plan.
import { describe, expect, it } from 'vitest';
import { GLOBAL_ADMINISTRATOR } from '../../src/catalog/catalog.js';
import { renderMarkdown } from '../../src/render/markdown.js';
import { renderText } from '../../src/render/text.js';
import { DEFAULT_SETTINGS } from '../../src/state/settings.js';
import { admin, adminDeclared, declared, existing, planDocument } from '../render/scenarios.js';

const GA = { roles: [GLOBAL_ADMINISTRATOR] };
const megan = () => existing('megan.bowen@contoso.com', { displayName: 'Megan Bowen' }, GA);
const meganDeclared = (extra = {}) => declared('megan.bowen@contoso.com', { displayName: 'Megan Bowen' }, { ...GA, ...extra });

/** New users' passwords go to settings.adminEmail, so the planner has someone to send them to. */
const SETTINGS = { ...DEFAULT_SETTINGS, adminEmail: 'it-desk@contoso.com' };

const warningsOf = (desired: Parameters<typeof planDocument>[0]['desired'], current = [admin(), megan()], settings = SETTINGS) =>
  planDocument({ desired, current, settings }).warnings.filter((w) => w.code.startsWith('LOOKALIKE_'));

describe('look-alike names a plan brings in', () => {
  it('a new admin whose UPN passes for an existing admin\'s, on the same or another tenant domain', () => {
    const warnings = warningsOf([
      adminDeclared(),
      meganDeclared(),
      declared('rnegan.bowen@contoso.com', { displayName: 'Megan Bowen' }, GA),
      declared('megan.bowen@contoso.onmicrosoft.com', { displayName: 'Megan B.' }, GA),
    ]);
    expect(warnings).toEqual([
      {
        code: 'LOOKALIKE_UPN',
        message:
          'megan.bowen@contoso.onmicrosoft.com, created by this plan, looks like megan.bowen@contoso.com, an existing user holding Global administrator; ' +
          'rnegan.bowen@contoso.com, created by this plan, looks like megan.bowen@contoso.com, an existing user holding Global administrator. ' +
          'Make sure each is the account meant: in the plan, a look-alike passes for the other.',
      },
      {
        code: 'LOOKALIKE_NAMESAKE',
        message:
          'the displayName "Megan Bowen" of rnegan.bowen@contoso.com, created by this plan, is the name of megan.bowen@contoso.com, "Megan Bowen", an existing user holding Global administrator. ' +
          'A namesake of an administrator: make sure this is not an account posing as them in the address book.',
      },
    ]);
  });

  it('a display name written in Cyrillic look-alikes, naming the characters that differ', () => {
    const warnings = warningsOf([adminDeclared(), meganDeclared(), declared('m.bowen@contoso.com', { displayName: 'Меgаn Bowen' }, GA)]);
    expect(warnings).toEqual([
      {
        code: 'LOOKALIKE_DISPLAY_NAME',
        message:
          'the displayName "Меgаn Bowen" of m.bowen@contoso.com looks like "Megan Bowen" of megan.bowen@contoso.com, an existing user holding Global administrator, ' +
          'but is written with U+041C, U+0435, U+0430. Make sure this is not an account posing as the other in the address book.',
      },
    ]);
  });

  it('a display name with a character drawn as nothing, named and shown escaped in text output', () => {
    const desired = [adminDeclared(), meganDeclared(), declared('m.bowen@contoso.com', { displayName: 'Megan Bowen\u200b' }, GA)];
    expect(warningsOf(desired)).toEqual([
      {
        code: 'LOOKALIKE_DISPLAY_NAME',
        message:
          'the displayName "Megan Bowen\u200b" of m.bowen@contoso.com looks like "Megan Bowen" of megan.bowen@contoso.com, an existing user holding Global administrator, ' +
          'but is written with U+200B. Make sure this is not an account posing as the other in the address book.',
      },
    ]);
    const text = renderText(planDocument({ desired, current: [admin(), megan()], settings: SETTINGS }), { color: false });
    expect(text).toContain('! LOOKALIKE_DISPLAY_NAME: the displayName "Megan Bowen\\u200b" of m.bowen@contoso.com looks like "Megan Bowen"');
  });

  it.each([
    ['Megan Bo\u00adwen', 'written with U+00AD'],
    ['Megan\ufe0f Bowen', 'written with U+FE0F'],
    ['Megan Bowen\u{e0041}', 'written with U+E0041'],
    ['\u202eMegan Bowen\u202c', 'written with U+202E, U+202C'],
    ['Megan\u00a0Bowen', 'written with U+00A0'],
    ['Megan  Bowen', 'spaced differently'],
    ['Megan Bowen ', 'spaced differently'],
  ])('a display name %j, %s', (name, how) => {
    const [warning] = warningsOf([adminDeclared(), meganDeclared(), declared('m.bowen@contoso.com', { displayName: name }, GA)]);
    expect(warning?.code).toBe('LOOKALIKE_DISPLAY_NAME');
    expect(warning?.message).toContain(`looks like "Megan Bowen" of megan.bowen@contoso.com, an existing user holding Global administrator, but is ${how}. Make sure`);
  });

  it('a look-alike whose skeleton keeps a letter of another script (the key is the name\'s, not the skeleton\'s)', () => {
    // Cyrillic capital shha has no Latin look-alike in the table, and its small letter does: the skeleton
    // keeps "һ", whose own skeleton would be "h". Both names must still be found by the same key.
    const helen = existing('helen.smith@contoso.com', { displayName: 'Һe1en Smith' }, GA);
    const warnings = warningsOf([adminDeclared(), meganDeclared(), declared('helen.smith@contoso.com', { displayName: 'Һe1en Smith' }, GA), declared('h.smith@contoso.com', { displayName: 'Һelen Smith' })], [admin(), megan(), helen]);
    expect(warnings.map((w) => w.code)).toEqual(['LOOKALIKE_DISPLAY_NAME']);
    expect(warnings[0]!.message).toMatch(/^the displayName "Һelen Smith" of h\.smith@contoso\.com looks like "Һe1en Smith" of helen\.smith@contoso\.com/);
  });

  it.each([
    ['Bowen, Megan', 'written in the other order'],
    ['Megan Bowen.', 'written with other punctuation at its end'],
    ['BOWEN,  Megan !', 'written in the other order and with other punctuation at its end'],
    ['Bowen, M\u0435gan', 'written in the other order and with U+0435'],
  ])('a display name %j: the surname first after a comma, punctuation at its end', (displayName, how) => {
    const warnings = warningsOf([adminDeclared(), meganDeclared(), declared('m.bowen@contoso.com', { displayName }, GA)]);
    expect(warnings).toEqual([
      {
        code: 'LOOKALIKE_DISPLAY_NAME',
        message:
          `the displayName "${displayName}" of m.bowen@contoso.com looks like "Megan Bowen" of megan.bowen@contoso.com, an existing user holding Global administrator, ` +
          `but is ${how}. Make sure this is not an account posing as the other in the address book.`,
      },
    ]);
  });

  it('not for a name in the other order without a comma, nor one with more than two parts around commas', () => {
    for (const displayName of ['Bowen Megan', 'Bowen, Megan, Jr', 'Megan Bowen, Jr.', 'Megan Bowen-']) {
      expect(warningsOf([adminDeclared(), meganDeclared(), declared('m.bowen@contoso.com', { displayName }, GA)])).toEqual([]);
    }
  });

  it.each([
    ['megan.bowen@contoso.com', 'megan.bowen@contoso.com'],
    [' MeganBowen@contoso.onmicrosoft.com', 'megan.bowen@contoso.com'],
    ['rnegan.bowen@fabrikam.example', 'megan.bowen@contoso.com'],
  ])('a display name %j written as an existing admin\'s UPN', (displayName, looksLike) => {
    const warnings = warningsOf([adminDeclared(), meganDeclared(), declared('m.bowen@contoso.com', { displayName }, GA)]);
    expect(warnings).toEqual([
      {
        code: 'LOOKALIKE_DISPLAY_NAME',
        message:
          `the displayName "${displayName}" of m.bowen@contoso.com looks like the UPN ${looksLike}, an existing user holding Global administrator, written as a display name. ` +
          'Make sure this is not an account posing as the other in the address book.',
      },
    ]);
  });

  it('not for a display name written as the user\'s own UPN, nor as an address like no one\'s', () => {
    expect(warningsOf([adminDeclared(), meganDeclared(), declared('svc.backup@contoso.com', { displayName: 'svc.backup@contoso.com' })])).toEqual([]);
    expect(warningsOf([adminDeclared(), meganDeclared(), declared('m.bowen@contoso.com', { displayName: 'megan.bowen.it@contoso.com' })])).toEqual([]);
    expect(warningsOf([adminDeclared(), meganDeclared(), declared('m.bowen@contoso.com', { displayName: '@megan' })])).toEqual([]);
  });

  it('a rename to a look-alike of another user, but not of its own old name', () => {
    const lotte = existing('lotte.smit@contoso.com', { displayName: 'Lotte Smit' });
    const renamed = (upn: string) => declared(upn, { displayName: 'Lotte Smit' }, { renamedFrom: 'lotte.smit@contoso.com' });
    expect(warningsOf([adminDeclared(), meganDeclared(), renamed('lotte.srnit@contoso.com')], [admin(), megan(), lotte])).toEqual([]);
    expect(warningsOf([adminDeclared(), meganDeclared(), renamed('rnegan.bowen@contoso.com')], [admin(), megan(), lotte])[0]?.message).toMatch(
      /^rnegan\.bowen@contoso\.com, the new name this plan gives lotte\.smit@contoso\.com, looks like megan\.bowen@contoso\.com/,
    );
  });

  it('not for namesakes, nor for look-alikes that were there before the plan', () => {
    const jan = (upn: string, make: typeof declared | typeof existing) => make(upn, { displayName: 'Jan de Vries' }, {});
    expect(warningsOf([adminDeclared(), meganDeclared(), jan('jan.devries@contoso.com', declared), jan('jan.devries2@contoso.com', declared)], [admin(), megan(), jan('jan.devries@contoso.com', existing)])).toEqual([]);
    const rnegan = (make: typeof declared | typeof existing) => make('rnegan.bowen@contoso.com', { displayName: 'R. Negan' }, {});
    expect(warningsOf([adminDeclared(), meganDeclared(), rnegan(declared)], [admin(), megan(), rnegan(existing)])).toEqual([]);
    // Megan's UPN written in another case is a rename, but brings in no name rnegan did not pass for already.
    const upper = declared('Megan.Bowen@contoso.com', { displayName: 'Megan Bowen', mailNickname: 'megan.bowen' }, GA);
    const plan = planDocument({ desired: [adminDeclared(), upper, rnegan(declared)], current: [admin(), megan(), rnegan(existing)], settings: SETTINGS });
    expect(plan.changes.map((c) => c.kind)).toEqual(['user.rename']);
    expect(plan.warnings.filter((w) => w.code.startsWith('LOOKALIKE_'))).toEqual([]);
  });

  it('quotes a long name cut short: the warnings are always shown whole, at the top', () => {
    const long = `Megan ${'Bowen '.repeat(2000)}`;
    const stored = existing('long@contoso.com', { displayName: long }, { directory: { managed: false } });
    const [warning] = warningsOf([adminDeclared(), meganDeclared(), declared('m.bowen@contoso.com', { displayName: long.replace('M', 'М') }, {})], [admin(), megan(), stored]);
    expect(warning?.message).toMatch(/^the displayName ".egan Bowen .*… \(12006 characters\)" of m\.bowen@contoso\.com looks like "Megan Bowen .*… \(12006 characters\)" of long@contoso\.com/);
    expect(warning?.message.length).toBeLessThan(600);
  });

  it('names five and counts the rest', () => {
    const fakes = ['rnegan.bowen', 'megan.b0wen', 'megan.bovven', 'rnegan.b0wen', 'rnegan.bovven', 'megan.b0vven'];
    const [warning] = warningsOf([adminDeclared(), meganDeclared(), ...fakes.map((local, i) => declared(`${local}@contoso.com`, { displayName: `Fake ${i}` }, {}))]);
    expect(warning?.message.split('; ')).toHaveLength(6);
    expect(warning?.message).toMatch(/; and 1 more\. Make sure/);
  });
});

describe('look-alike domains of temporary password recipients', () => {
  const settings = SETTINGS;

  it('a reset whose password goes to a domain passing for the tenant\'s or another recipient\'s', () => {
    const warnings = warningsOf(
      [adminDeclared(), meganDeclared({ password: { resetToken: '2026-12-01' }, notify: ['megan.bowen@examp1e.org', 'it-desk@contoso.corn'] }), declared('joep@contoso.com', { displayName: 'Joep' }, { notify: ['joep@example.org'] })],
      [admin(), megan(), existing('joep@contoso.com', { displayName: 'Joep' })],
      settings,
    );
    expect(warnings).toEqual([
      {
        code: 'LOOKALIKE_DOMAIN',
        message:
          'megan.bowen@examp1e.org, which receives the temporary password of megan.bowen@contoso.com, is at examp1e.org, which looks like example.org, a domain other notify addresses use; ' +
          'it-desk@contoso.corn, which receives the temporary password of megan.bowen@contoso.com, is at contoso.corn, which looks like contoso.com, a domain of the tenant. ' +
          'Make sure the password goes where it is meant to.',
      },
    ]);
  });

  it('a new user\'s password going to a domain that begins like the tenant\'s', () => {
    const [warning] = warningsOf([adminDeclared(), meganDeclared(), declared('new@contoso.com', { displayName: 'New' }, { notify: ['it-desk@contoso.com.evil.example', 'it-desk@c0ntoso.com-mail.example'] })]);
    expect(warning?.message).toBe(
      'it-desk@contoso.com.evil.example, which receives the temporary password of new@contoso.com, is at contoso.com.evil.example, which begins like contoso.com, a domain of the tenant, but is another domain; ' +
        'it-desk@c0ntoso.com-mail.example, which receives the temporary password of new@contoso.com, is at c0ntoso.com-mail.example, which begins like contoso.com, a domain of the tenant, but is another domain. ' +
        'Make sure the password goes where it is meant to.',
    );
  });

  it('shows in the warning box of the PR comment', () => {
    const plan = planDocument({
      desired: [adminDeclared(), meganDeclared(), declared('new@contoso.com', { displayName: 'New' }, { notify: ['it-desk@c0ntoso.com'] })],
      current: [admin(), megan()],
      settings,
    });
    const markdown = renderMarkdown(plan);
    expect(markdown.slice(0, markdown.indexOf('| To create'))).toContain('> - LOOKALIKE\\_DOMAIN: `it-desk@c0ntoso.com, which receives the temporary password of new@contoso.com, is at c0ntoso.com, which looks like contoso.com');
  });

  it('never a recipient at the tenant\'s own domain', () => {
    expect(warningsOf([adminDeclared(), meganDeclared(), declared('new@contoso.com', { displayName: 'New' }, { notify: ['it-desk@contoso.com', 'x@contoso.corn'] })], [admin(), megan()], settings)
      .map((w) => w.message)
      .join('')).not.toMatch(/it-desk@contoso\.com, which/);
  });
});
