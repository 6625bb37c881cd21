// history words a write made outside tenantctl as plans and drift word it: a
// blocked sign-in is `sign-in: allowed → blocked`, not the column's booleans.
import { describe, expect, it } from 'vitest';
import type { OtherWrite, OtherWritesEntry } from '../../src/audit/read-other-writes.js';
import { otherWritesBlock } from '../../src/render/other-writes-text.js';

const entry = (...writes: OtherWrite[]): OtherWritesEntry => ({
  writtenAt: '2026-12-02T13:55:00Z', databaseRole: 'dba_owner', command: null, actor: null, host: null, writes,
});
const userWrite = (operation: OtherWrite['operation'], before: OtherWrite['before'], after: OtherWrite['after']): OtherWrite => ({
  table: 'users', operation, userId: '7', userPrincipalName: 'fenna.deboer@contoso.com', key: { id: '7' }, before, after,
});

describe('writes outside tenantctl in history', () => {
  it('names a blocked or allowed sign-in as plans and drift do, beside the other columns by their configuration names', () => {
    const blocked = otherWritesBlock(entry(userWrite('update', { account_enabled: true, job_title: 'Intern' }, { account_enabled: false, job_title: 'Service Desk' })));
    expect(blocked).toContain('      ~ sign-in: allowed → blocked\n      ~ jobTitle: "Intern" → "Service Desk"');
    expect(otherWritesBlock(entry(userWrite('update', { account_enabled: false }, { account_enabled: true })))).toContain('~ sign-in: blocked → allowed');
  });

  it('shows a user created outside tenantctl with its sign-in as allowed or blocked', () => {
    const created = otherWritesBlock(entry(userWrite('insert', null, { id: '7', user_principal_name: 'fenna.deboer@contoso.com', display_name: 'Fenna', account_enabled: false })));
    expect(created).toContain('  + fenna.deboer@contoso.com (created)\n      + displayName: "Fenna"\n      + sign-in: blocked');
  });

  it('still shows a value that is not a boolean as written (a hand-made row), escaped', () => {
    expect(otherWritesBlock(entry(userWrite('update', { account_enabled: null }, { account_enabled: 'yes\u001b[2J' })))).toContain('~ sign-in: null → "yes\\u001b[2J"');
  });
});
