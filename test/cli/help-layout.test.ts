// `tenantctl help COMMAND` as a new administrator reads it without a
// terminal (80 columns): paragraphs wrapped by commander, not broken early
// by line breaks written into the description and then wrapped again, and
// example lines that fit, so that none is split in the middle of a command.
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const WIDTH = 80;
const COMMANDS = ['init', 'validate', 'plan', 'apply', 'drift', 'export', 'history', 'deliver'];

/** The description: the lines between the usage line and `Options:`. */
function descriptionLines(help: string): string[] {
  const lines = help.split('\n');
  return lines.slice(1, lines.indexOf('Options:'));
}

describe('help text layout at 80 columns', () => {
  it.each(['', ...COMMANDS])('tenantctl help %s: no line over 80 columns', async (command) => {
    const help = await runCli(command === '' ? ['--help'] : ['help', command]);
    expect(help.code).toBe(0);
    const long = help.stdout.split('\n').filter((line) => [...line].length > WIDTH);
    expect(long).toEqual([]);
  });

  it.each(COMMANDS)('tenantctl help %s: paragraphs are not broken early, examples are not wrapped', async (command) => {
    const lines = descriptionLines((await runCli(['help', command])).stdout);
    const problems: string[] = [];
    lines.forEach((line, i) => {
      const next = lines[i + 1] ?? '';
      if (line === '' || next === '') return;
      const indented = (text: string) => /^\s/.test(text);
      // An example line is followed only by another example line (a continuation is indented).
      if (indented(line) && !indented(next)) problems.push(`example wrapped: ${JSON.stringify(line)} / ${JSON.stringify(next)}`);
      // A paragraph line ends where the next word would not have fitted.
      const word = next.split(' ')[0] ?? '';
      if (!indented(line) && !indented(next) && !line.endsWith(':') && [...line].length + 1 + [...word].length <= WIDTH) {
        problems.push(`broken early: ${JSON.stringify(line)} / ${JSON.stringify(next)}`);
      }
    });
    expect(problems).toEqual([]);
  });
});
