import { distance } from 'fastest-levenshtein';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { closest } from '../../src/config/suggest.js';

vi.mock('fastest-levenshtein', async (original) => {
  const actual = await original<typeof import('fastest-levenshtein')>();
  return { ...actual, distance: vi.fn(actual.distance) };
});

const ROLES = ['Global administrator', 'User administrator', 'Exchange administrator', 'Helpdesk administrator'];

describe('did-you-mean suggestions', () => {
  afterEach(() => vi.mocked(distance).mockClear());

  it('finds a plausible typo', () => {
    expect(closest('Global adminstrator', ROLES)).toBe('Global administrator');
    expect(closest('global ADMINISTRATOR', ROLES)).toBe('Global administrator');
    expect(closest('Security reader', ROLES)).toBeUndefined();
  });

  it('measures no edit distance for a name far longer than every candidate (a 1 MB key)', () => {
    expect(closest('x'.repeat(1_000_000), ROLES)).toBeUndefined();
    expect(closest(`Global administrator${'x'.repeat(100)}`, ROLES)).toBeUndefined();
    expect(distance).not.toHaveBeenCalled();
  });

  it('skips only candidates it could not suggest anyway', () => {
    // 21 characters: at most 7 edits; "User administrator" (18) is 3 shorter, still measured.
    expect(closest('Users administratorsx', ROLES)).toBe('User administrator');
    expect(vi.mocked(distance).mock.calls.map(([, candidate]) => candidate)).toContain('user administrator');
  });
});
