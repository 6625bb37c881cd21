import { describe, expect, it } from 'vitest';
import { truncate } from '../../src/render/markdown-budget.js';

/** What truncate adds after the lines it keeps: closing fences and `</details>`, then the marker. */
const withoutEnding = (cut: string) => cut.replace(/\n\n… \(truncated\)\n$/, '').replace(/(?:\n`{3,})?(?:\n\n<\/details>)*$/, '');

describe('truncate, the last resort of a markdown report', () => {
  const text = ['## head', '', '| `a@contoso.com` | `@org/team <img src=x>` |', '', '```diff', '! jobTitle: "a" → "b"', '+ city: "x"', '```', '', '> [!NOTE]', '> end'].join('\n');

  it('keeps whole lines only, never more than the limit, for every limit', () => {
    for (let maxLength = 0; maxLength <= text.length + 5; maxLength++) {
      const cut = truncate(text, maxLength);
      expect(cut.length, String(maxLength)).toBeLessThanOrEqual(maxLength);
      const body = withoutEnding(cut);
      expect(text.startsWith(body), String(maxLength)).toBe(true);
      // What is kept ends where a line ends.
      expect(body === '' || body.endsWith('\n') || text[body.length] === '\n', `${maxLength}: ${JSON.stringify(body)}`).toBe(true);
    }
  });

  it('closes a code block it cuts into', () => {
    const cut = truncate(text, text.indexOf('+ city') + 24);
    expect(cut).toBe(`${text.slice(0, text.indexOf('\n+ city'))}\n\`\`\`\n\n… (truncated)\n`);
  });

  // helper-77: a value holding three backticks is fenced with four, inside a folded user's details.
  it('closes a longer fence with as many backticks, and the <details> around it', () => {
    const folded = ['## head', '', '<details><summary>user</summary>', '', '````diff', '! jobTitle: "```" → "b"', '```', '+ city: "x"', '````', '', '</details>', '', 'end'].join('\n');
    for (let maxLength = 40; maxLength <= folded.length; maxLength++) {
      const cut = truncate(folded, maxLength);
      expect(cut.length, String(maxLength)).toBeLessThanOrEqual(maxLength);
      const fences = cut.split('\n').filter((line) => /^`{3,}/.test(line));
      // Every block opened is closed: the four-backtick one is not closed by the value's three.
      expect(fences.filter((line) => line.startsWith('````')).length % 2, `${maxLength}: ${cut}`).toBe(0);
      expect((cut.match(/<details>/g) ?? []).length, `${maxLength}: ${cut}`).toBe((cut.match(/<\/details>/g) ?? []).length);
    }
    expect(truncate(folded, folded.indexOf('+ city') + 40)).toBe(`${folded.slice(0, folded.indexOf('\n+ city'))}\n\`\`\`\`\n\n</details>\n\n… (truncated)\n`);
  });
});
