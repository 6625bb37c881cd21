import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { upnProblem } from '../../src/config/rules/upn-rules.js';

/** DOMAIN.md's rules for a sign-in name, written out independently of upn-rules.ts. */
function wellFormed(upn: string): boolean {
  const parts = upn.split('@');
  if (parts.length !== 2) return false;
  const [local, domain] = parts as [string, string];
  if (local.length < 1 || local.length > 64 || domain.length < 1 || domain.length > 48 || upn.length > 113) return false;
  if (![...local].every((c) => /[A-Za-z0-9'._!#^~-]/.test(c)) || local.startsWith('.') || local.endsWith('.')) return false;
  return domain.split('.').every((label) => /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?$/.test(label));
}

// Characters at the edges of every rule: dots, hyphens, a second "@", letters outside ASCII, spaces.
const char = fc.constantFrom('a', 'Z', '0', '.', '-', '_', "'", '~', '@', 'é', ' ', '+');
const text = (max: number) => fc.array(char, { maxLength: max }).map((cs) => cs.join(''));
const repeated = (c: string) => fc.integer({ min: 0, max: 70 }).map((n) => c.repeat(n));
const candidate = fc.oneof(
  text(12),
  fc.tuple(text(8), text(8)).map(([local, domain]) => `${local}@${domain}`),
  // Around the length limits: 64 before "@", 48 after it, 113 in all.
  fc.tuple(repeated('a'), fc.constantFrom('', '.', '-'), repeated('b'), fc.constantFrom('', '.c', '-')).map(
    ([local, joint, domain, tail]) => `${local}@${domain}${joint}${tail}`,
  ),
);

describe('upnProblem', () => {
  it('finds a UPN well-formed exactly when DOMAIN.md does (the one-pattern fast path included)', () => {
    fc.assert(
      fc.property(candidate, (upn) => {
        expect(upnProblem(upn) === null).toBe(wellFormed(upn));
      }),
      { numRuns: 5000 },
    );
  });

  it('still explains each kind of malformed UPN', () => {
    expect(upnProblem(`${'a'.repeat(65)}@contoso.com`)).toMatch(/1 to 64 characters/);
    expect(upnProblem(`a@${'b'.repeat(49)}`)).toMatch(/1 to 48 characters/);
    expect(upnProblem('a.@contoso.com')).toMatch(/right before the "@"/);
    expect(upnProblem('.a@contoso.com')).toMatch(/must not start/);
    expect(upnProblem('a@contoso..com')).toMatch(/the domain may only contain/);
    expect(upnProblem('a@b@contoso.com')).toMatch(/exactly one "@"/);
    expect(upnProblem('anna@contoso.com')).toBeNull();
  });
});
