import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { warning } from '../../src/diagnostics/diagnostic.js';
import { locateFirst } from '../../src/config/locate-first.js';
import { loadYamlSources } from '../../src/config/yaml-source.js';
import { drawnDiagnostic, expectFirstLocated } from '../support/locate-first-check.js';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantctl-locate-first-'));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

const user = (i: number) =>
  `  - userPrincipalName: u${i}@contoso.com\n    displayName: User ${i}\n` +
  (i % 3 === 0 ? `    licenses:\n      - sku: ENTERPRISEPACK\n        disabledPlans: [SWAY]\n` : '') +
  (i % 4 === 0 ? `    roles: [Billing administrator, Password administrator]\n` : '');
const users = (n: number) => Array.from({ length: n }, (_, i) => user(i)).join('');

// One file the regions order, one with an alias (located whole), one read by yaml (a directive: no regions).
fs.writeFileSync(path.join(scratch, 'a-users.yaml'), `settings:\n  minGlobalAdmins: 1\ndefaults:\n  usageLocation: NL\nusers:\n${users(12)}`);
fs.writeFileSync(path.join(scratch, 'b-alias.yaml'), `defaults: &d\n  usageLocation: NL\nusers:\n${users(5)}  - userPrincipalName: x@contoso.com\n    displayName: X\n    extra: *d\n`);
fs.writeFileSync(path.join(scratch, 'c-directive.yaml'), `%YAML 1.2\n---\nusers:\n${users(6)}`);
const sources = loadYamlSources([scratch]);
const names = sources.files.map((f) => f.file);

const segment = fc.constantFrom<(string | number)[]>([], ['displayName'], ['licenses', 0], ['licenses', 0, 'disabledPlans', 0], ['roles', 1], ['nope'], ['userPrincipalName'], ['extra'], ['extra', 'usageLocation']);
const location = fc.oneof(
  fc.record({ file: fc.constantFrom(...names), user: fc.integer({ min: 0, max: 13 }), rest: segment }).map(({ file, user: i, rest }) => ({ file, path: ['users', i, ...rest] })),
  fc.record({ file: fc.constantFrom(...names), path: fc.constantFrom<(string | number)[]>(['settings', 'minGlobalAdmins'], ['defaults'], ['defaults', 'usageLocation'], ['users'], ['nowhere']) }),
  fc.record({ file: fc.constantFrom(...names) }),
  fc.record({ file: fc.constantFrom(...names), line: fc.integer({ min: 1, max: 40 }), column: fc.integer({ min: 1, max: 9 }) }),
  fc.constant(undefined),
);
const diagnostic = drawnDiagnostic(location);

describe('locateFirst', () => {
  it('gives the first k problems exactly as locating and sorting them all does', () => {
    fc.assert(
      fc.property(fc.array(diagnostic, { minLength: 1, maxLength: 40 }), fc.nat(), (drawn, pick) => expectFirstLocated(sources.files, drawn, pick)),
      { numRuns: 1500 },
    );
  });

  it('locates a whole file with aliases: a path through one lies at its anchor, outside its list item', () => {
    const file = names.find((name) => name.endsWith('b-alias.yaml'))!;
    const throughAlias = warning('A_ONE', 'x', { file, path: ['users', 5, 'extra', 'usageLocation'] });
    const before = warning('A_ONE', 'x', { file, path: ['users', 3, 'displayName'] });
    const [firstFound] = locateFirst(sources.files, [before, throughAlias], 1);
    expect(firstFound?.location).toMatchObject({ path: ['users', 5, 'extra', 'usageLocation'], line: 2 });
  });
});
