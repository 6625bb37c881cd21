import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { loadYamlSources } from '../../src/config/yaml-source.js';
import { drawnDiagnostic, expectFirstLocated, expectLimitedAsBefore } from '../support/locate-first-check.js';

/**
 * locateFirst against files written every way YAML allows that the loader's
 * regions might misjudge: CRLF, comments between and after items, keys on
 * the line of their `- `, quoted and tagged keys, anchors without aliases,
 * flow lists, lists not indented under their key, tabs between tokens, a BOM,
 * astral characters, explicit document markers, block scalars holding `- `.
 */
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantctl-locate-adversarial-'));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

const FILES: Record<string, string> = {
  'a-crlf.yaml': [
    '# CRLF line ends, comments everywhere',
    '"settings": # quoted key',
    '  minGlobalAdmins: 1',
    'users:',
    '  # before the first item',
    '  - userPrincipalName: a0@contoso.com   # same line as its dash',
    '    displayName: "A 0"',
    '# at column 0 between items',
    '  - userPrincipalName: a1@contoso.com',
    '    licenses:',
    '      - sku: ENTERPRISEPACK',
    '        disabledPlans: [SWAY]',
    '',
    '  -   userPrincipalName: a2@contoso.com',
    '      roles: [Billing administrator,',
    '        Password administrator]',
    '  - {userPrincipalName: a3@contoso.com, displayName: A3}',
    '# trailing',
    '',
  ].join('\r\n'),
  'b-flow.yaml': 'users: [\n  {userPrincipalName: b0@contoso.com, displayName: B0},\n  {userPrincipalName: b1@contoso.com,\n   displayName: B1, licenses: [{sku: ENTERPRISEPACK, disabledPlans: [SWAY]}]},\n  {userPrincipalName: b2@contoso.com, displayName: B2}]\nsettings: {minGlobalAdmins: 1}\n',
  'c-anchors.yaml': '---\n!!str defaults: &d\n  usageLocation: NL\nusers:\n- &u0 userPrincipalName: c0@contoso.com\n  displayName: &n C0\n- !!map\n  userPrincipalName: c1@contoso.com\n  displayName: "C\\u00e91"\n- userPrincipalName: c2@contoso.com\n  displayName: |\n    - not an item\n    - nor this\n  roles:\n  - Billing administrator\n  - Password administrator\n...\n',
  'd-tab.yaml': 'users:\n  - userPrincipalName: d0@contoso.com\t# a tab before the comment\n    displayName:\tD0\n  - userPrincipalName: d1@contoso.com\n    displayName: D1\nsettings:\n  minGlobalAdmins: 1\n',
  'e-bom.yaml': '\uFEFFusers:\n  - userPrincipalName: e0@contoso.com\n    displayName: "𝔘𝔰𝔢𝔯 0 — ü"\n  - userPrincipalName: e1@contoso.com\n    displayName: 𝔘𝔰𝔢𝔯 1\n    licenses:\n      - {sku: ENTERPRISEPACK, disabledPlans: [SWAY]}\n  - - nested\n    - list\n  - userPrincipalName: e3@contoso.com\n    displayName: "? x"\n',
  'f-lone-cr.yaml': 'users:\r  - userPrincipalName: f0@contoso.com\r    displayName: F0\r  - userPrincipalName: f1@contoso.com\r    displayName: F1\rsettings:\r  minGlobalAdmins: 1\r',
  'g-keys.yaml': "'users':\n  - userPrincipalName: g0@contoso.com\n    displayName: G0\n  - userPrincipalName: g1@contoso.com\n    displayName: G1\n? settings\n: minGlobalAdmins: 1\n1: one\n",
};
for (const [name, text] of Object.entries(FILES)) fs.writeFileSync(path.join(scratch, name), text);
const sources = loadYamlSources([scratch]);
const names = sources.files.map((f) => f.file);

const segment = fc.constantFrom<(string | number)[]>(
  [], ['displayName'], ['userPrincipalName'], ['licenses'], ['licenses', 0], ['licenses', 0, 'disabledPlans', 0], ['licenses', 0, 'sku'], ['roles', 1], ['roles'], ['nope'], [0], [1],
);
const location = fc.oneof(
  fc.record({ file: fc.constantFrom(...names), user: fc.integer({ min: 0, max: 5 }), rest: segment }).map(({ file, user: i, rest }) => ({ file, path: ['users', i, ...rest] })),
  fc.record({ file: fc.constantFrom(...names), user: fc.constantFrom('0', '1', '2'), rest: segment }).map(({ file, user: i, rest }) => ({ file, path: ['users', i, ...rest] })),
  fc.record({
    file: fc.constantFrom(...names),
    path: fc.constantFrom<(string | number)[]>(['settings', 'minGlobalAdmins'], ['settings'], ['defaults'], ['defaults', 'usageLocation'], ['users'], ['1'], [1], ['nowhere']),
  }),
  fc.record({ file: fc.constantFrom(...names) }),
  fc.record({ file: fc.constantFrom(...names), line: fc.integer({ min: 1, max: 20 }), column: fc.integer({ min: 1, max: 9 }) }),
  fc.constant(undefined),
);
const diagnostic = drawnDiagnostic(location);

describe('locateFirst on files written every way YAML allows', () => {
  it('reads every fixture without a problem', () => {
    expect(sources.diagnostics).toEqual([]);
    expect(names).toHaveLength(Object.keys(FILES).length);
  });

  it('gives the first k problems exactly as locating and sorting them all does', () => {
    fc.assert(
      fc.property(fc.array(diagnostic, { minLength: 1, maxLength: 60 }), fc.nat(), (drawn, pick) => expectFirstLocated(sources.files, drawn, pick)),
      { numRuns: 1500 },
    );
  });

  it('past 1,000 problems, lists and counts exactly what locating everything did, and the notice points at the same place', () => {
    fc.assert(
      fc.property(fc.array(diagnostic, { minLength: 1001, maxLength: 1150 }), (drawn) => expectLimitedAsBefore(sources.files, drawn)),
      { numRuns: 30 },
    );
  });
});
