import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../src/render/markdown.js';
import { hugeWithApprovals } from './scenarios.js';

const GITHUB_LIMIT = 65_536;

describe('plan markdown of a 5,000-user plan', () => {
  const plan = hugeWithApprovals(5000);
  const output = renderMarkdown(plan);

  it('stays under GitHub\'s comment limit (and the default 60,000)', () => {
    expect(plan.changes.length).toBeGreaterThan(5000);
    expect(output.length).toBeLessThanOrEqual(60_000);
    expect(output.length).toBeLessThan(GITHUB_LIMIT);
    // Measured to fit, not cut as a last resort (the note was measured without its longest clause, and its end was cut off).
    expect(output).not.toContain('(truncated)');
    expect(output).toMatch(/or with `tenantctl plan -c PATH --format json`\.\n\n<sub>tenantctl /);
  });

  it('keeps the summary, the purchases and every change that needs approval', () => {
    expect(output).toContain('| 1 | 0 | 0 | 5001 | 2 | 1 |');
    expect(output).toMatch(/\| `VISIOCLIENT` \| `Visio Pro for Office 365` \| 1 \|/);
    expect(output).toContain('### Needs approval (');
    for (const upn of ['zz-admin1@contoso.com', 'zz-admin2@contoso.com']) {
      // Privileged: deleting a Global administrator; two deletions of 5,004 users need no --approve-deletions.
      expect(output).toMatch(new RegExp(`^\\| \`${upn}\` \\| \`- user: moved to deleted users; its licenses and roles are released; restorable until \\d{4}-\\d{2}-\\d{2}\` \\| privileged \\|$`, 'm'));
    }
    expect(output).toContain('| `zz-grant@contoso.com` | `+ role: Global administrator` | privileged |');
  });

  it('shows the deleted Global administrators\' details before plain updates, and says what it left out', () => {
    const details = [...output.matchAll(/^<details><summary><code>(.) ([^<]+)<\/code>/gm)].map((m) => m[2]);
    // Approvals first (privileged, then deletions), then the purchase, then the plain updates by name.
    expect(new Set(details.slice(0, 3))).toEqual(new Set(['zz-admin1@contoso.com', 'zz-admin2@contoso.com', 'zz-grant@contoso.com']));
    expect(details[3]).toBe('zz-buyer@contoso.com');
    expect(details[4]).toBe('user00001@contoso.com');
    expect(details.length).toBeGreaterThan(100);
    expect(details.length).toBeLessThan(5004);
    expect(output).toContain(`> The details of ${5004 - details.length} of 5004 users were left out to keep this comment under 60000 characters; every change needing approval is listed above`);
  });

  it('never exceeds a smaller limit, keeping the approval list as long as it fits', () => {
    for (const maxLength of [30_000, 10_000, 3_000]) {
      const small = renderMarkdown(plan, { maxLength });
      expect(small.length).toBeLessThanOrEqual(maxLength);
      expect(small).toContain('zz-admin1@contoso.com');
    }
  });

  it('with every change needing approval, and so no user\'s details shown, does not speak of the order of those shown', () => {
    const everyOne = { ...plan, changes: plan.changes.map((change) => ({ ...change, risks: [...new Set([...change.risks, 'privileged' as const])] })) };
    const full = renderMarkdown(everyOne);
    expect(full).not.toMatch(/^<details>/m);
    expect(full).toMatch(/> The details of 5004 of 5004 users were left out to keep this comment under 60000 characters\. See every change in the saved plan/);
    expect(full).not.toContain('the users shown come first');
  });
});

describe('plan markdown of a purchase that 3,000 blocked users could cover instead', () => {
  const base = hugeWithApprovals(500);
  const reclaimable = Array.from({ length: 3000 }, (_, i) => ({ userPrincipalName: `blocked${String(i).padStart(4, '0')}@contoso.com`, monthlyCost: 15 }));
  const plan = { ...base, purchases: base.purchases.map((p) => ({ ...p, reclaimable })) };
  const output = renderMarkdown(plan);

  it('names five of them and counts the rest, so the approvals still fit', () => {
    expect(plan.purchases.length).toBeGreaterThan(0);
    expect(output.length).toBeLessThanOrEqual(60_000);
    expect(output).toContain('`blocked0004@contoso.com` (\\$15.00) and 2995 more (3000 seats, \\$45000.00/month in all) |');
    expect(output).not.toContain('blocked0005@contoso.com');
    expect(output).toContain('### Needs approval (');
    expect(output).toContain('| `zz-grant@contoso.com` | `+ role: Global administrator` | privileged |');
    expect(output).not.toContain('(truncated)');
  });
});
