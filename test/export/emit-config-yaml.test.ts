// emitConfigYaml must write exactly renderConfigYaml's bytes (yaml's Document
// API, the reference) for every configuration: generated ones with strings
// from a hostile alphabet, the examples, the hostile corpus, and the shapes
// where it hands parts (or all) of the work back to yaml.
import fs from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { RawConfig } from '../../src/config/raw-config.js';
import { renderConfigYaml, type RenderOptions } from '../../src/export/config-yaml.js';
import { emitConfigYaml, userYaml } from '../../src/export/emit-config-yaml.js';
import { writesPlain } from '../../src/export/plain-scalar.js';
import { fromRoot } from '../config/expectations.js';
import { HOSTILE_VALUES } from '../support/hostile-strings.js';

const HEADER: RenderOptions = {
  header: ['yaml-language-server: $schema=../schemas/tenant.schema.json', 'Exported by tenantctl 0.0.0-test.'],
  settingsComment: ['Users added later need someone to receive their temporary password:', 'adminEmail: it-desk@example.com'],
};

/** Both paths on one configuration; the reference first, so a failure shows what yaml writes. */
function expectSame(config: RawConfig, options: RenderOptions = HEADER): void {
  const reference = renderConfigYaml(config, options);
  expect(emitConfigYaml(config, options)).toBe(reference);
}

/** Words and numbers YAML 1.1 or 1.2 reads as something other than a string. */
const KEYWORDS = [
  'yes', 'Yes', 'YES', 'yEs', 'no', 'No', 'NO', 'on', 'On', 'ON', 'off', 'OFF', 'y', 'Y', 'n', 'N', 'true', 'True', 'FALSE', 'null',
  'Null', 'NULL', '~', '', '.inf', '-.inf', '+.INF', '.nan', '.NaN', '0x1F', '0o17', '012', '0b101', '1_000', '1e3', 'e5', '1E-3',
  '1.5', '.5', '5.', '-1', '+1', '12:30', '1:20:30.5', '2024-01-01', '2001-12-14t21:59:43.10-05:00', '2001-12-14 21:59:43.10 -5', '<<',
  '=', '---', '...', '--- x', '%YAML', 'Ede', 'Bead', 'face', 'Infinity', 'NaN',
];

/** Pieces a hostile string is made of: indicators, breaks and blanks, unicode that yaml quotes or passes through. */
const PIECES = [
  ...'-?:,[]{}#&*!|>\'"%@`'.split(''), ': ', ' #', '- ', '? ', '\n', '\r\n', '\r', '\t', ' ', '  ', '\n\n', 'a', 'Zoë', 'e\u0301', '日本',
  '0', '12', 'x', 'O\'Brien', 'R&D', '+31 6', '(0)', 'a@b.c', 'foo/bar', '_', '.', '\u202e', '\u2066', '\u200b', '\u200d', '\ufeff',
  '\u2028', '\u2029', '\u0085', '\u00a0', '\u0007', '\u001b[1A', '\u007f', '\u009b', '\ud800', '\udfff', '🎉', '\u0000', ...KEYWORDS,
];

const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.array(fc.constantFrom(...PIECES), { maxLength: 8 }).map((parts) => parts.join('')) },
  { weight: 2, arbitrary: fc.constantFrom(...KEYWORDS, ...HOSTILE_VALUES) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...PIECES), fc.integer({ min: 100, max: 3000 })).map(([piece, n]) => `long ${piece.repeat(n)}`) },
);
/** Mostly ordinary text, so that whole users go the fast way; sometimes hostile. */
const text: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('Megan Bowen', 'IT', 'Sales Lead', '+31 6 1234 0001', '1015 BA', 'Amsterdam', 'Kraków', "O'Brien & Co") },
  { weight: 2, arbitrary: hostileString },
);
const texts = fc.array(text, { maxLength: 3 });

const license = fc.oneof(text, fc.record({ sku: text, disabledPlans: fc.option(texts, { nil: undefined }) }, { requiredKeys: ['sku'] }));

const user = fc.record(
  {
    userPrincipalName: text, displayName: text, givenName: text, surname: text, mailNickname: text, accountEnabled: fc.boolean(),
    jobTitle: text, department: text, mobilePhone: text, businessPhones: texts, streetAddress: text, city: text, state: text,
    postalCode: text, country: text, usageLocation: text, notify: fc.oneof(texts, text), roles: texts, licenses: fc.array(license, { maxLength: 3 }),
    password: fc.record({ generate: fc.boolean(), fromEnv: text, reset: fc.oneof(text, fc.integer()) }, { requiredKeys: [] }),
    renamedFrom: text,
  },
  { requiredKeys: ['userPrincipalName', 'displayName'] },
);

const counts = fc.dictionary(text, fc.integer({ min: 0, max: 1000 }), { maxKeys: 3 });
const config = fc.record(
  {
    defaults: fc.record({ usageLocation: text, country: text, businessPhones: texts, notify: fc.oneof(texts, text), jobTitle: text }, { requiredKeys: [] }),
    settings: fc.record(
      { minGlobalAdmins: fc.integer({ min: 0, max: 5 }), adminEmail: text, maxDeletions: fc.integer(), maxSeats: counts, maxMonthlyPurchaseCost: fc.double(), spareSeats: counts },
      { requiredKeys: [] },
    ),
    users: fc.array(user, { minLength: 1, maxLength: 6 }),
  },
  { requiredKeys: ['users'] },
);
const options = fc.record({
  header: fc.array(fc.oneof(text, fc.constant('')), { maxLength: 4 }),
  settingsComment: fc.option(fc.array(text, { minLength: 1, maxLength: 3 }), { nil: undefined }),
});

describe('emitConfigYaml writes exactly what yaml writes', () => {
  it('for generated configurations with hostile strings, numbers and shapes', () => {
    let written = 0; // users the fast path wrote itself: the property is not only about yaml's fallbacks
    fc.assert(
      fc.property(config, options, (generated, generatedOptions) => {
        expectSame(generated as RawConfig, generatedOptions);
        written += generated.users.filter((one) => userYaml(one) !== null).length;
      }),
      { numRuns: 500 },
    );
    expect(written).toBeGreaterThan(100);
  });

  it('for each hostile and keyword string in every place a user has one', () => {
    for (const value of [...KEYWORDS, ...HOSTILE_VALUES, ...PIECES]) {
      expectSame({
        settings: { minGlobalAdmins: 1 },
        users: [
          { userPrincipalName: 'a@contoso.com', displayName: 'A' },
          { userPrincipalName: value, displayName: value, jobTitle: value, businessPhones: [value, 'x'], roles: [value], licenses: [value, { sku: value, disabledPlans: [value] }] },
          { userPrincipalName: 'z@contoso.com', displayName: value, notify: [value] },
        ],
      });
    }
  });

  it('for the examples', () => {
    for (const dir of ['examples/contoso', 'examples/gitops/github/tenant']) {
      const files = fs.readdirSync(fromRoot(dir)).filter((name) => /^(tenant|users)\.yaml$/.test(name));
      const merged = Object.assign({}, ...files.map((name) => parse(fs.readFileSync(fromRoot(`${dir}/${name}`), 'utf8')) as object)) as RawConfig;
      expect(merged.users?.length).toBeGreaterThan(1);
      expectSame(merged);
      expectSame({ users: merged.users }, { header: [] });
    }
  });

  it('when a user ends in a kept (`|+`) block, a multi-line value or a fragile block', () => {
    for (const street of ['a\n\n', 'a\n', 'a\nb', 'trailing  \nspace', '\n', '\n\n', ' \n', '--- x\n...', 'a\n\n\n', '  indented\nx']) {
      expectSame({ users: [{ userPrincipalName: 'a', displayName: 'A', streetAddress: street }, { userPrincipalName: 'b', displayName: street }, { userPrincipalName: 'c', displayName: 'C' }] });
      expectSame({ defaults: { streetAddress: street }, users: [{ userPrincipalName: 'b', displayName: 'B', jobTitle: street }] });
    }
  });

  it('when it hands the whole configuration to yaml: shared objects, users not last, none, empty, odd values', () => {
    const phones = ['+31 20 555 0100'];
    const shared = { userPrincipalName: 'a', displayName: 'A' };
    const odd: unknown[] = [
      { users: [{ userPrincipalName: 'a', displayName: 'A', businessPhones: phones }, { userPrincipalName: 'b', displayName: 'B', businessPhones: phones }] },
      { users: [shared, shared] },
      { defaults: { businessPhones: phones }, users: [{ userPrincipalName: 'a', displayName: 'A', businessPhones: phones }] },
      { users: [{ userPrincipalName: 'a', displayName: 'A' }], settings: { minGlobalAdmins: 1 } },
      { users: [] },
      {},
      { settings: { minGlobalAdmins: 1 } },
      { users: [{ userPrincipalName: 'a', displayName: 'A', city: null }, { userPrincipalName: 'b', displayName: 'B', city: undefined }] },
      { users: [{ userPrincipalName: 'a', displayName: 'A', roles: [], licenses: [], password: {} }] },
      { users: [{ userPrincipalName: 'a', displayName: 'A', licenses: [['nested']], notify: [null] }] },
      { users: [{ userPrincipalName: 'a', displayName: 'A', when: new Date(0), toJSON: () => 'x' }, 'not a map', 7] },
      { users: [{ userPrincipalName: 'a', displayName: 'A', password: { reset: 3, fromEnv: 'X' }, n: -0, f: 1.5, big: 10n, inf: -Infinity }] },
      { users: [{ 'key: x': 'a', yes: 'b', '': 'c', [`k${'x'.repeat(1100)}`]: 'd' }] },
      {
        users: [
          { userPrincipalName: 'a', n: 0, m: -0, b: false, s: 'false', one: 1, big: 1n, nan: NaN, list: [0, -0, true, 'true'] },
          { userPrincipalName: 'b', n: -0, m: 0, b: 'false', s: false, one: '1', big: '1', nan: 'NaN', list: ['0', '-0', 'true', true] },
        ],
      },
      // eslint-disable-next-line no-sparse-arrays
      { users: [{ userPrincipalName: 'a', roles: ['x', , 'y'] }] },
    ];
    for (const value of odd) expectSame(value as RawConfig);
  });
});

describe('the fast path is taken for ordinary users', () => {
  it('writes ordinary users itself, and leaves multi-line values and nulls to yaml', () => {
    const ordinary = {
      userPrincipalName: 'megan.bowen@contoso.com', displayName: 'Megan Bowen', jobTitle: 'Head of R&D, EMEA', postalCode: '1000',
      businessPhones: ['+31 20 555 0101'], accountEnabled: false, roles: ['Global administrator'],
      licenses: ['ENTERPRISEPACK', { sku: 'VISIOCLIENT', disabledPlans: ['VISIOONLINE', 'yes'] }],
    };
    expect(userYaml(ordinary)).toBe(
      [
        'userPrincipalName: megan.bowen@contoso.com', '    displayName: Megan Bowen', '    jobTitle: Head of R&D, EMEA', '    postalCode: "1000"',
        '    businessPhones: [+31 20 555 0101]', '    accountEnabled: false', '    roles: [Global administrator]', '    licenses:',
        '      - ENTERPRISEPACK', '      - sku: VISIOCLIENT', '        disabledPlans: [VISIOONLINE, "yes"]',
      ].join('\n'),
    );
    expect(userYaml({ ...ordinary, streetAddress: 'a\nb' })).toBeNull();
    expect(userYaml({ ...ordinary, city: null })).toBeNull();
  });

  it('proves plain only what yaml writes plain', () => {
    for (const value of ['Megan Bowen', '+31 6 1234 0001', '1015 BA', 'Kraków', "O'Brien", 'a@b.c', 'e\u0301', 'R&D, EMEA', 'Infinity']) {
      expect(writesPlain(value, 'value')).toBe(true);
    }
    const notPlain = KEYWORDS.filter((word) => !['Ede', 'Bead', 'face', 'Infinity', 'NaN'].includes(word));
    for (const value of [...notPlain, 'trailing ', ' leading', 'a: b', 'a #b', '-x', 'tab\tx', 'nbsp\u00a0x', '1015', '31-042', 'a\u202eb', 'a\u2028b']) {
      expect(writesPlain(value, 'value')).toBe(false);
    }
    expect(writesPlain('a, b', 'value')).toBe(true);
    expect(writesPlain('a, b', 'flow')).toBe(false);
  });

  it('and what it proves plain, yaml does write plain, in every place', () => {
    const writtenBy = (value: string) => ({
      value: renderConfigYaml({ users: [{ userPrincipalName: value } as never] }, { header: [] }),
      item: renderConfigYaml({ users: [{ userPrincipalName: 'a', notify: [value] } as never] }, { header: [] }),
      flow: renderConfigYaml({ users: [{ userPrincipalName: 'a', roles: [value] } as never] }, { header: [] }),
    });
    const expected = (value: string) => ({
      value: `users:\n  - userPrincipalName: ${value}\n`,
      item: `users:\n  - userPrincipalName: a\n    notify:\n      - ${value}\n`,
      flow: `users:\n  - userPrincipalName: a\n    roles: [${value}]\n`,
    });
    fc.assert(
      fc.property(hostileString, (value) => {
        const written = writtenBy(value);
        const plain = expected(value);
        for (const place of ['value', 'item', 'flow'] as const) if (writesPlain(value, place)) expect(written[place]).toBe(plain[place]);
      }),
      { numRuns: 2000 },
    );
  });
});
