import { describe, expect, it } from 'vitest';
import { parseLimit, parseSince, parseUser } from '../../src/audit/history-options.js';

const NOW = new Date('2026-11-25T14:00:00.000Z');

describe('parseSince', () => {
  it.each([
    ['12h', '2026-11-25T02:00:00.000Z'],
    ['7d', '2026-11-18T14:00:00.000Z'],
    ['2w', '2026-11-11T14:00:00.000Z'],
    ['0d', '2026-11-25T14:00:00.000Z'],
    ['2026-11-01', '2026-11-01T00:00:00.000Z'],
    [' 2026-11-01 ', '2026-11-01T00:00:00.000Z'],
    ['2026-11-01T09:30:00Z', '2026-11-01T09:30:00.000Z'],
    ['2026-11-01T09:30+01:00', '2026-11-01T08:30:00.000Z'],
    ['2024-02-29', '2024-02-29T00:00:00.000Z'],
    // Longer ago than a date can hold, or than 1970: everything.
    ['99999999999d', '1970-01-01T00:00:00.000Z'],
    ['9'.repeat(400) + 'w', '1970-01-01T00:00:00.000Z'],
    ['30000w', '1970-01-01T00:00:00.000Z'],
  ])('%s → %s', (text, expected) => {
    expect(parseSince(text, NOW).toISOString()).toBe(expected);
  });

  it.each(['yesterday', '7', '7m', '-7d', '2026-02-30', '2026-13-01', '2026-11-01T09:30', '2026-11-01T25:00:00Z', '', '1e3d'])('refuses %j', (text) => {
    expect(() => parseSince(text, NOW)).toThrow(/--since .* is not a date: use an age such as 12h, 7d or 2w/);
  });
});

describe('parseLimit', () => {
  it.each([['1', 1], ['20', 20], [' 3 ', 3]])('%j → %d', (text, expected) => {
    expect(parseLimit(text)).toBe(expected);
  });

  it.each(['0', '-1', '1.5', 'ten', '', '99999999999999999999'])('refuses %j', (text) => {
    expect(() => parseLimit(text)).toThrow(/--limit takes a whole number of entries, at least 1/);
  });
});

describe('parseUser', () => {
  it('takes a user principal name, trimmed', () => {
    expect(parseUser(' Megan.Bowen@contoso.com ')).toBe('Megan.Bowen@contoso.com');
  });

  it.each(['megan', '@contoso.com', 'megan@', 'a@b@c', 'megan bowen@contoso.com', ''])('refuses %j, naming what it takes', (text) => {
    expect(() => parseUser(text)).toThrow(/^--user takes a user principal name such as megan.bowen@contoso.com/);
  });
});
