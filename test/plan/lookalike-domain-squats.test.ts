// Recipients of a temporary password at a typo-squat of the tenant's domain
// (contosso.com), or at a domain holding the tenant's inside it
// (mail.contoso.com.evil.example): neither looked like contoso.com letter for
// letter, and the plan named them among the recipients with no warning.
import { describe, expect, it } from 'vitest';
import { adminDeclared, declared } from '../render/scenarios.js';
import { lookalikeWarningsOf, meganDeclared } from './lookalike-scenario.js';

const sentTo = (address: string) =>
  lookalikeWarningsOf([adminDeclared(), meganDeclared(), declared('new@contoso.com', { displayName: 'New' }, { notify: [address] })]);

describe('temporary passwords sent to a squat of the tenant\'s domain', () => {
  it.each([
    ['contosso.com', 'a letter added'],
    ['contoso.co', 'a letter left out'],
    ['contoso.cm', 'a letter left out of the top-level domain'],
    ['cnotoso.com', 'two letters swapped'],
    ['contoso.onmicrosoft.co', 'a letter left out of the other tenant domain'],
  ])('%s (%s)', (domain) => {
    const tenant = domain.includes('onmicrosoft') ? 'contoso.onmicrosoft.com' : 'contoso.com';
    expect(sentTo(`it-desk@${domain}`)).toEqual([
      {
        code: 'LOOKALIKE_DOMAIN',
        message:
          `it-desk@${domain}, which receives the temporary password of new@contoso.com, is at ${domain}, which is one letter away from ${tenant}, a domain of the tenant. ` +
          'Make sure the password goes where it is meant to.',
      },
    ]);
  });

  it('a domain holding the tenant\'s domain as whole labels inside it', () => {
    expect(sentTo('it-desk@mail.contoso.com.evil.example')).toEqual([
      {
        code: 'LOOKALIKE_DOMAIN',
        message:
          'it-desk@mail.contoso.com.evil.example, which receives the temporary password of new@contoso.com, is at mail.contoso.com.evil.example, which holds contoso.com, a domain of the tenant, inside another domain. ' +
          'Make sure the password goes where it is meant to.',
      },
    ]);
  });

  it.each(['mail.contoso.com', 'example.org', 'contoso.net', 'ontoso.com', 'fabrikam.com', 'notcontoso.community'])('not %s', (domain) => {
    expect(sentTo(`it-desk@${domain}`)).toEqual([]);
  });
});
