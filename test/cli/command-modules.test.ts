import { describe, expect, it } from 'vitest';
import { commandsToRegister } from '../../cmd/command-modules.js';

const ALL = ['init', 'validate', 'plan', 'apply', 'drift', 'export', 'history', 'deliver'];

// Only the command that runs is loaded; whenever commander could read the arguments
// otherwise (no command, help, a typo, `--`), every command is, as before.
describe('commandsToRegister: the commands a run loads', () => {
  it.each([
    [['validate', '-c', 'tenant'], ['validate']],
    [['--database', 'postgres://x', 'plan', '-c', 'tenant'], ['plan']],
    // The value of a program option is not the command, even when it is a command's name.
    [['--database', 'plan', 'validate', '-c', 'plan'], ['validate']],
    [['--actor', 'apply', '--lock-timeout', '5', 'drift'], ['drift']],
    [['--database=plan', 'export'], ['export']],
    [['--no-color', 'history', '--format', 'json'], ['history']],
    [['--version'], []],
    [['-V'], []],
  ])('%j loads %j', (args, expected) => {
    expect(commandsToRegister(args)).toEqual(expected);
  });

  it.each([[[]], [['--help']], [['help', 'plan']], [['pla', '-c', 'x']], [['--', 'plan']], [['--database', 'x']], [['--version', '--help']], [['--database', 'x', '--version']]])(
    '%j loads every command',
    (args) => {
      expect(commandsToRegister(args)).toEqual(ALL);
    },
  );
});
