import { describe, expect, it } from 'vitest';
import { attributeLines, formatValue, userSections, type ChangeLine } from '../../src/render/change-lines.js';
import { mixed } from './scenarios.js';

const lines = (raw: readonly ChangeLine[]) => raw.map((line) => `${' '.repeat(line.depth * 2)}${line.sign} ${line.text}`);

describe('attributeLines', () => {
  it.each<[string, unknown, unknown, string[]]>([
    ['jobTitle', 'Sales Lead', 'Head of Sales', ['~ jobTitle: "Sales Lead" → "Head of Sales"']],
    ['jobTitle', null, 'Head of Sales', ['+ jobTitle: "Head of Sales"']],
    ['jobTitle', 'Sales Lead', null, ['- jobTitle: "Sales Lead" → (not set)']],
    ['businessPhones', [], ['+31 20 555 0100'], ['+ businessPhones: ["+31 20 555 0100"]']],
    ['businessPhones', ['+31 20 555 0100'], ['+31 20 555 0199'], ['~ businessPhones: ["+31 20 555 0100"] → ["+31 20 555 0199"]']],
    ['displayName', 'Joep "JD" de Vries', 'Joep', ['~ displayName: "Joep \\"JD\\" de Vries" → "Joep"']],
    ['displayName', 'x'.repeat(60), 'y', [`~ displayName: "${'x'.repeat(60)}" → "y"`]],
    ['displayName', 'x'.repeat(61), 'y', ['~ displayName:', `  - | ${'x'.repeat(61)}`, '  + | y']],
    ['streetAddress', 'Herengracht 1\n1015 BA Amsterdam', 'Herengracht 2\n1015 BA Amsterdam', ['~ streetAddress:', '  - | Herengracht 1', '  + | Herengracht 2', '    | 1015 BA Amsterdam']],
    ['streetAddress', 'Herengracht 1\r\n1015 BA Amsterdam', 'Herengracht 1\n1015 BA Amsterdam\nNL', ['~ streetAddress:', '    | Herengracht 1', '    | 1015 BA Amsterdam', '  + | NL']],
    ['streetAddress', null, 'Herengracht 1\n1015 BA Amsterdam', ['+ streetAddress:', '  + | Herengracht 1', '  + | 1015 BA Amsterdam']],
    ['streetAddress', 'Herengracht 1\n1015 BA Amsterdam', null, ['- streetAddress:', '  - | Herengracht 1', '  - | 1015 BA Amsterdam']],
    ['displayName', 'Red \u001b[31m', 'Right-to-left \u202e', ['~ displayName: "Red \\u001b[31m" → "Right-to-left \\u202e"']],
    ['streetAddress', 'a\n\u001b[2J', 'a', ['~ streetAddress:', '    | a', '  - | \\u001b[2J']],
    // The text `\u003a:` and the characters `::` (a workflow command, shown escaped) read differently.
    ['streetAddress', 'x\n::warning::y', 'x\n\\u003a:warning::y', ['~ streetAddress:', '    | x', '  - | \\u003a:warning::y', '  + | \\\\u003a:warning::y']],
    // helper-77: a change of line endings, or of spaces at a line's end, alone.
    ['streetAddress', 'Herengracht 1\r\n1015 BA Amsterdam', 'Herengracht 1\n1015 BA Amsterdam', ['~ streetAddress:', '    | Herengracht 1', '    | 1015 BA Amsterdam', '  ~ (only the line endings differ: CRLF → LF)']],
    ['streetAddress', 'Herengracht 1 \n1015 BA Amsterdam', 'Herengracht 1\n1015 BA Amsterdam\t', ['~ streetAddress:', '  - | Herengracht 1\\u0020', '  - | 1015 BA Amsterdam', '  + | Herengracht 1', '  + | 1015 BA Amsterdam\\u0009']],
  ])('%s: %j → %j', (attribute, from, to, expected) => {
    expect(lines(attributeLines(attribute, from, to))).toEqual(expected);
  });
});

describe('formatValue', () => {
  it.each<[unknown, string]>([
    [null, '(not set)'],
    [[], '(not set)'],
    ['', '""'],
    ['Sales', '"Sales"'],
    [['a', 'b'], '["a", "b"]'],
    [true, 'true'],
  ])('%j → %s', (value, expected) => {
    expect(formatValue(value)).toBe(expected);
  });
});

describe('userSections', () => {
  it('groups changes per user with the header sign and note of what happens to the user', () => {
    const headers = userSections(mixed()).map((section) => `${section.sign} ${section.userPrincipalName} (${section.note})`);
    expect(headers).toEqual([
      '~ anna@contoso.com (update)',
      '~ bob@contoso.com (update)',
      '~ carol@contoso.com (update)',
      '- dave@contoso.com (delete)',
      '~ erik@contoso.com (adopt: tenantctl takes over management)',
      '+ fatima@contoso.com (restore)',
      '~ gert@contoso.com (update)',
      '~ harry@contoso.com (update)',
      '~ ivo@contoso.com (update)',
      '+ joep@contoso.com (create)',
      '~ kees.jansen@contoso.com (rename)',
      '+ lisa@contoso.com (create)',
      '+ mila@contoso.com (purge the expired deleted account; create)',
    ]);
  });

  it('never shows a password, only where it comes from and who receives it', () => {
    const joep = userSections(mixed()).find((section) => section.userPrincipalName === 'joep@contoso.com');
    expect(lines(joep?.lines ?? []).filter((line) => /password/.test(line))).toEqual([
      '+ password: from $JOEP_INITIAL_PASSWORD, to be changed at next sign-in',
      '+ temporary password sent to: joep.private@example.org, it-desk@contoso.com',
    ]);
  });
});
