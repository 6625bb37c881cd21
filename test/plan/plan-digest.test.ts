import { describe, expect, it } from 'vitest';
import { planDigest } from '../../src/plan/plan-document.js';
import { DEFAULT_SETTINGS } from '../../src/state/settings.js';

// Which plan an apply applied (migration 0020): apply compares a saved plan's digest with those the audit trail holds.
describe('planDigest', () => {
  const plan = { planHash: 'sha256:aa', configHash: 'sha256:f1', settings: DEFAULT_SETTINGS, fingerprint: { catalog: 'sha256:c1', users: { 'a@contoso.com': 'sha256:1', 'b@contoso.com': 'sha256:2' } } };

  it('is the same whatever order the users come in (a plan parsed from its file, or planned again)', () => {
    const reordered = { ...plan, fingerprint: { ...plan.fingerprint, users: { 'b@contoso.com': 'sha256:2', 'a@contoso.com': 'sha256:1' } } };
    expect(planDigest(reordered)).toBe(planDigest(plan));
    expect(planDigest(plan)).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('differs for the same changes made from other rows, another catalog, another configuration or settings, or other changes', () => {
    const digests = [
      plan,
      { ...plan, planHash: 'sha256:ab' },
      // The same changes from another configuration, whose temporary passwords go elsewhere (helper-66).
      { ...plan, configHash: 'sha256:f2' },
      { ...plan, configHash: null },
      { ...plan, settings: { ...DEFAULT_SETTINGS, adminEmail: 'megan.bowen@contoso.com' } },
      { ...plan, fingerprint: { ...plan.fingerprint, catalog: 'sha256:c2' } },
      { ...plan, fingerprint: { ...plan.fingerprint, users: { 'a@contoso.com': 'sha256:1', 'b@contoso.com': 'sha256:3' } } },
      { ...plan, fingerprint: { ...plan.fingerprint, users: { 'a@contoso.com': 'sha256:1' } } },
      // Keys that would run together if they were not quoted.
      { ...plan, fingerprint: { ...plan.fingerprint, users: { 'a@contoso.com":"sha256:1': 'sha256:2' } } },
      { ...plan, fingerprint: { ...plan.fingerprint, users: { 'a@contoso.com\n': 'sha256:1', 'b@contoso.com': 'sha256:2' } } },
    ].map(planDigest);
    expect(new Set(digests).size).toBe(digests.length);
  });
});
