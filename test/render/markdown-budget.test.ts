import { describe, expect, it } from 'vitest';
import { truncate } from '../../src/render/markdown-budget.js';

describe('truncate, the last resort of a markdown report', () => {
  const text = ['## head', '', '| `a@contoso.com` | `@org/team <img src=x>` |', '', '```diff', '! jobTitle: "a" → "b"', '+ city: "x"', '```', '', '> [!NOTE]', '> end'].join('\n');

  it('keeps whole lines only, never more than the limit, for every limit', () => {
    for (let maxLength = 0; maxLength <= text.length + 5; maxLength++) {
      const cut = truncate(text, maxLength);
      expect(cut.length, String(maxLength)).toBeLessThanOrEqual(maxLength);
      const body = cut.replace(/\n\n… \(truncated\)\n$/, '').replace(/\n```$/, '');
      expect(text.startsWith(body), String(maxLength)).toBe(true);
      // What is kept ends where a line ends.
      expect(body === '' || body.endsWith('\n') || text[body.length] === '\n', `${maxLength}: ${JSON.stringify(body)}`).toBe(true);
    }
  });

  it('closes a code block it cuts into', () => {
    const cut = truncate(text, text.indexOf('+ city') + 24);
    expect(cut).toBe(`${text.slice(0, text.indexOf('\n+ city'))}\n\`\`\`\n\n… (truncated)\n`);
  });
});
