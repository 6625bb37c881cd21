// canonicalUser is canonicalJson written field by field for the shape readState
// builds; every fingerprint depends on it giving exactly canonicalJson's text.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/plan/canonical-json.js';
import { canonicalUser } from '../../src/plan/canonical-user.js';
import type { User } from '../../src/state/tenant-state.js';

// Text a directory may hold: escapes JSON must write, lone surrogates, line separators, ordinary letters.
const text = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.constantFrom('', 'Zoë', '"quoted"', 'back\\slash', 'line\nbreak', '\u2028', '\ud800', '\udfff', 'a\u0000b', '##[', 'İ'),
);
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null });
const timestamp = maybe(fc.constantFrom('2026-12-01T18:39:33.228Z', '1970-01-01T00:00:00.000Z'));

const user = fc.record({
  userPrincipalName: text,
  accountEnabled: fc.boolean(),
  // passwordPolicies is left out when not set (tenant-state.ts), so a user may have it or not.
  attributes: fc.record(
    {
      displayName: text, givenName: maybe(text), surname: maybe(text), mailNickname: text, jobTitle: maybe(text),
      department: maybe(text), mobilePhone: maybe(text), businessPhones: fc.array(text, { maxLength: 2 }), streetAddress: maybe(text),
      city: maybe(text), state: maybe(text), postalCode: maybe(text), country: maybe(text), usageLocation: maybe(text),
      passwordPolicies: fc.oneof(fc.constant('DisablePasswordExpiration'), text),
    },
    { requiredKeys: ['displayName', 'givenName', 'surname', 'mailNickname', 'jobTitle', 'department', 'mobilePhone', 'businessPhones', 'streetAddress', 'city', 'state', 'postalCode', 'country', 'usageLocation'] },
  ),
  roles: fc.array(text, { maxLength: 3 }),
  licenses: fc.array(fc.record({ sku: text, disabledPlans: fc.array(text, { maxLength: 3 }) }), { maxLength: 3 }),
  directory: fc.record({
    id: text, managed: fc.boolean(), deletedAt: timestamp, updatedAt: text, updatedBy: maybe(text), passwordResetToken: maybe(text),
    passwordSetAt: timestamp, passwordExpiresAt: timestamp, forceChangePassword: fc.boolean(), passwordTemporary: fc.boolean(),
  }),
});

/** A user bent out of the shape: a field removed, added, made undefined or replaced by any value, at any depth. */
function bend(value: Record<string, unknown>, path: readonly string[], change: 'remove' | 'undefined' | 'add' | 'replace', other: unknown): Record<string, unknown> {
  const copy: Record<string, unknown> = Array.isArray(value) ? ([...value] as unknown as Record<string, unknown>) : { ...value };
  const [head, ...rest] = path;
  if (head === undefined) {
    if (change === 'add') copy['toJSON' in copy ? 'extra' : 'toJSON'] = other;
    return copy;
  }
  const inner = copy[head];
  if (rest.length > 0 && inner !== null && typeof inner === 'object') copy[head] = bend(inner as Record<string, unknown>, rest, change, other);
  else if (change === 'remove') delete copy[head];
  else if (change === 'undefined') copy[head] = undefined;
  else if (change === 'replace') copy[head] = other;
  else copy[`${head}2`] = other;
  return copy;
}

const paths = fc.constantFrom(
  [], ['userPrincipalName'], ['attributes'], ['attributes', 'city'], ['attributes', 'businessPhones'], ['attributes', 'passwordPolicies'], ['directory'], ['directory', 'id'],
  ['directory', 'updatedAt'], ['licenses'], ['licenses', '0'], ['licenses', '0', 'sku'], ['licenses', '1', 'disabledPlans'], ['roles'], ['roles', '0'],
);
const other = fc.oneof(
  fc.anything({ withDate: true, withNullPrototype: true, withSparseArray: true, withBoxedValues: false, withBigInt: false }),
  fc.constantFrom(() => 1, Number.NaN, Number.POSITIVE_INFINITY, -0, 1e21, new Date(0), { toJSON: () => 'x' }, Object.create({ inherited: 1 })),
);

describe('canonicalUser', () => {
  it('writes canonicalJson\'s text for every user of the shape readState builds', () => {
    fc.assert(fc.property(user, (u) => void expect(canonicalUser(u as User)).toBe(canonicalJson(u))), { numRuns: 3_000 });
  });

  it('writes canonicalJson\'s text for users of any other shape', () => {
    const kind = fc.constantFrom('remove', 'undefined', 'add', 'replace') as fc.Arbitrary<'remove' | 'undefined' | 'add' | 'replace'>;
    fc.assert(
      fc.property(user, paths, kind, other, (u, path, change, value) => {
        const bent = bend(u as unknown as Record<string, unknown>, path, change, value);
        expect(canonicalUser(bent as unknown as User)).toBe(canonicalJson(bent));
      }),
      { numRuns: 3_000 },
    );
  });

  it('honours a toJSON its objects inherit, with exactly the expected keys', () => {
    fc.assert(
      fc.property(user, fc.constantFrom('attributes', 'directory', 'licenses', ''), (u, where) => {
        const inherit = <T extends object>(value: T): T => Object.assign(Object.create({ toJSON: () => ({ from: 'toJSON' }) }), value);
        const bent: Record<string, unknown> = where === '' ? inherit(u) : { ...u };
        if (where === 'licenses') bent.licenses = u.licenses.map(inherit);
        else if (where !== '') bent[where] = inherit(u[where]);
        expect(canonicalUser(bent as unknown as User)).toBe(canonicalJson(bent));
      }),
      { numRuns: 200 },
    );
  });

  it('writes the sorted keys of a user read from the directory', () => {
    const one: User = {
      userPrincipalName: 'a@contoso.com', accountEnabled: true,
      attributes: { displayName: 'A', givenName: null, surname: null, mailNickname: 'a', jobTitle: null, department: null, mobilePhone: null, businessPhones: [], streetAddress: null, city: null, state: null, postalCode: null, country: null, usageLocation: 'NL' },
      roles: [], licenses: [{ sku: 'S', disabledPlans: [] }],
      directory: { id: '1', managed: true, deletedAt: null, updatedAt: 'u', updatedBy: null, passwordResetToken: null, passwordSetAt: null, passwordExpiresAt: null, forceChangePassword: false, passwordTemporary: false },
    };
    expect(canonicalUser(one)).toMatch(/^\{"accountEnabled":true,"attributes":\{"businessPhones":\[\],"city":null,.*"licenses":\[\{"disabledPlans":\[\],"sku":"S"\}\],"roles":\[\],"userPrincipalName":"a@contoso.com"\}$/);
  });
});
