// An apply's actor and host are the applier's own word: one written with a
// Cyrillic а passes for another person's in the audit trail unless it says so.
import { describe, expect, it } from 'vitest';
import type { HistoryEntry } from '../../src/audit/read-history.js';
import { renderHistoryText } from '../../src/render/history-text.js';
import { passesForAscii } from '../../src/render/passes-for-ascii.js';

const entry = (actor: string, host: string): HistoryEntry => ({
  id: 3,
  appliedAt: '2026-12-01T10:00:00.000Z',
  actor,
  databaseRole: 'ci_apply',
  host,
  gitCommit: null,
  configHash: null,
  planHash: 'sha256:0123456789abcdef',
  toolVersion: '0.1.0',
  summary: { create: 0, restore: 0, rename: 0, update: 0, delete: 0 } as HistoryEntry['summary'],
  changes: [],
  approvals: null,
});

describe('names that pass for ASCII ones', () => {
  it.each([
    ['alice', ''],
    ['Jürgen Müller', ''],
    ['Ивана', ''],
    ['\u0430lice', ' (written with U+0430)'],
    ['ali\u200bce', ' (written with U+200B)'],
    // Whatever else the name holds.
    ['\u0430lice\u0007', ' (written with U+0430)'],
    ['\u0430lice \u{1f389}', ' (written with U+0430)'],
    ['d\u0430n M\u00fcller', ' (written with U+0430)'],
    // Other alphabets' own letters.
    ['Y\u0131ld\u0131z', ''],
    ['\u039a\u0391\u03a4\u0395\u03a1\u0399\u039d\u0391', ''],
    ['\u4e2d\u6587', ''],
  ])('%j: %j', (name, note) => {
    expect(passesForAscii(name)).toBe(note);
  });

  it('are named by their characters in history, actor and host alike', () => {
    const text = renderHistoryText([entry('\u0430lice on ci-runner-01 (commit 4f2a9c1)', 'runn\u0435r')]);
    expect(text).toContain('by \u0430lice on ci-runner-01 (commit 4f2a9c1) (written with U+0430) on runn\u0435r (written with U+0435) (no git commit)');
  });
});
