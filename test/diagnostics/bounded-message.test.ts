import { describe, expect, it } from 'vitest';
import { boundMessage, MAX_MESSAGE } from '../../src/diagnostics/bounded-message.js';
import { error, warning } from '../../src/diagnostics/diagnostic.js';

describe('messages echo a bounded part of the input', () => {
  it('leaves a usual message as it is', () => {
    const message = 'unknown admin role "Global admin" (did you mean Global administrator?); use an admin center name';
    expect(boundMessage(message)).toBe(message);
    expect(boundMessage(`a user takes: ${Array.from({ length: 40 }, (_, i) => `field${i}`).join(', ')}`)).not.toContain('…');
  });

  it('cuts a long quoted value to 200 characters and its length, keeping the quotes and the advice', () => {
    const message = `unknown field "${'x'.repeat(100_000)}"; a user takes: userPrincipalName`;
    expect(error('SCHEMA_UNKNOWN_FIELD', message).message).toBe(`unknown field "${'x'.repeat(200)}… (100,000 characters)"; a user takes: userPrincipalName`);
    expect(warning('W', message).message).toBe(error('E', message).message);
  });

  it('cuts the middle of a message made long by text with spaces, keeping its start and end', () => {
    const message = `jobTitle "${'word '.repeat(20_000)}" is too long; at most 128 characters are allowed`;
    const bounded = boundMessage(message);
    expect(bounded.length).toBeLessThanOrEqual(MAX_MESSAGE + 60);
    expect(bounded.startsWith('jobTitle "word word')).toBe(true);
    expect(bounded).toMatch(/ … \(9\d,\d{3} characters left out\) … /);
    expect(bounded.endsWith('" is too long; at most 128 characters are allowed')).toBe(true);
  });

  it('cuts a run of millions of characters, and several runs in one message', () => {
    // A regular expression for the run overflowed the stack here: a 6 MB value in one file was an internal error.
    const bounded = boundMessage(`unknown role "${'K'.repeat(8_000_000)}"; use an admin center name`);
    expect(bounded).toBe(`unknown role "${'K'.repeat(200)}… (8,000,000 characters)"; use an admin center name`);
    expect(boundMessage(`${'a'.repeat(300)} and ${'b'.repeat(201)}\n${'c'.repeat(200)}`)).toBe(
      `${'a'.repeat(200)}… (300 characters) and ${'b'.repeat(200)}… (201 characters)\n${'c'.repeat(200)}`,
    );
  });

  it('never cuts between the two halves of a character', () => {
    const bounded = boundMessage(`"${'x'.repeat(199)}${'😀'.repeat(1_000)}"`);
    expect(bounded).toBe(`"${'x'.repeat(199)}… (2,199 characters)"`);
    expect(boundMessage(`"a${'😀'.repeat(5_000)}"`).isWellFormed()).toBe(true);
    expect(boundMessage(`${'😀 '.repeat(5_000)}`).isWellFormed()).toBe(true);
  });
});
