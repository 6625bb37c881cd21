import { describe, expect, it } from 'vitest';
import type { Lookalike } from '../../src/drift/finding.js';
import { lookalikeText } from '../../src/render/lookalike-text.js';

const displayName = (looksLike: string, differences: Lookalike['differences']): Lookalike => ({ name: 'displayName', userPrincipalName: 'megan.bowen@contoso.com', looksLike, differences, characters: [] });

describe('lookalikeText', () => {
  it('words a display name in the other order, or with punctuation at its end', () => {
    expect(lookalikeText(displayName('Megan Bowen', ['reordered', 'punctuated']))).toBe(
      'its displayName looks like that of managed user megan.bowen@contoso.com, "Megan Bowen": in the other order (surname first after a comma), with other punctuation at its end',
    );
  });

  it('says a display name written as an address looks like the managed user\'s UPN, not its display name', () => {
    expect(lookalikeText(displayName('megan.bowen@contoso.com', ['domain', 'address']))).toBe(
      'its displayName looks like the userPrincipalName of managed user megan.bowen@contoso.com: at another domain, shown as a display name',
    );
  });
});
