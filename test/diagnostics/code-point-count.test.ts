import { describe, expect, it } from 'vitest';
import { codePointCount } from '../../src/diagnostics/code-point.js';

describe('codePointCount', () => {
  it('counts characters as the spread of the string does, pairs as one, lone halves as one each', () => {
    for (const text of ['', 'a', 'Megan Bowen', '😀', 'a😀b', '😀😀', '\ud83d', 'a\ud83d', '\ude00a', '\ude00\ud83d', 'é', 'Мега́н']) {
      expect(codePointCount(text), JSON.stringify(text)).toBe([...text].length);
    }
  });

  it('counts a value of millions of characters', () => {
    expect(codePointCount(`${'A'.repeat(5_000_000)}${'😀'.repeat(1_000_000)}`)).toBe(6_000_000);
  });
});
