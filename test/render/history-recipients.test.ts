// history names where each temporary password of a creation or reset went:
// the change's notify and the adminEmail its apply recorded, never a guess.
import { describe, expect, it } from 'vitest';
import type { AppliedChange, HistoryEntry } from '../../src/audit/read-history.js';
import { renderHistoryText } from '../../src/render/history-text.js';

const created = { kind: 'user.create', userPrincipalName: 'megan.bowen@contoso.com', accountEnabled: true, notify: ['megan@example.org'] } as unknown as AppliedChange;
const reset = { kind: 'user.password-reset', userPrincipalName: 'joep@contoso.com', notify: [] } as unknown as AppliedChange;

const entry = (adminEmail: string | null | undefined): HistoryEntry => ({
  id: 1,
  appliedAt: '2026-12-01T10:00:00.000Z',
  actor: 'alice',
  databaseRole: 'ci_apply',
  host: 'runner',
  gitCommit: null,
  configHash: null,
  planHash: 'sha256:0123456789abcdef',
  toolVersion: '0.1.0',
  summary: { create: 1, restore: 0, rename: 0, update: 1, delete: 0 } as HistoryEntry['summary'],
  changes: [reset, created].sort((a, b) => a.userPrincipalName.localeCompare(b.userPrincipalName)),
  approvals: null,
  ...(adminEmail === undefined ? {} : { adminEmail }),
});

describe('history: where temporary passwords went', () => {
  it('the notify addresses and the adminEmail the apply recorded', () => {
    const text = renderHistoryText([entry('it-desk@contoso.com')]);
    expect(text).toContain('  + megan.bowen@contoso.com (created)\n      + temporary password sent to: megan@example.org, it-desk@contoso.com');
    expect(text).toContain('      ~ password: reset\n      ~ temporary password sent to: it-desk@contoso.com');
  });

  it('no adminEmail: the notify addresses alone', () => {
    const text = renderHistoryText([entry(null)]);
    expect(text).toContain('+ temporary password sent to: megan@example.org');
    expect(text).not.toContain('it-desk');
  });

  it('an apply that recorded no settings: no recipient line rather than a partial one', () => {
    expect(renderHistoryText([entry(undefined)])).not.toContain('temporary password sent to');
  });
});
