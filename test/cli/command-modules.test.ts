import { describe, expect, it } from 'vitest';
import { commandsToRegister } from '../../cmd/command-modules.js';

const ALL = ['init', 'validate', 'plan', 'apply', 'drift', 'export', 'history', 'deliver'];

// Only the command that runs is loaded; whenever commander could read the arguments
// otherwise (no command, help, a typo, `--`, any option but the program's own with a value), every command is, as before.
describe('commandsToRegister: the commands a run loads', () => {
  it.each([
    [['validate', '-c', 'tenant'], ['validate']],
    [['--database', 'postgres://x', 'plan', '-c', 'tenant'], ['plan']],
    // The value of a program option is not the command, even when it is a command's name.
    [['--database', 'plan', 'validate', '-c', 'plan'], ['validate']],
    [['--actor', 'apply', '--lock-timeout', '5', 'drift'], ['drift']],
    [['--database=plan', 'export'], ['export']],
    [['history', '--format', 'json'], ['history']],
    [['plan', '--help'], ['plan']],
    [['--version'], []],
    [['-V'], []],
  ])('%j loads %j', (args, expected) => {
    expect(commandsToRegister(args)).toEqual(expected);
  });

  it.each([[[]], [['--help']], [['help', 'plan']], [['pla', '-c', 'x']], [['--', 'plan']], [['--database', 'x']], [['--version', '--help']], [['--database', 'x', '--version']],
    // Help asked before the command lists every command; so does anything else commander might read there.
    [['--help', 'plan']], [['-h', 'validate', '-c', 'x']], [['--no-color', 'plan']], [['-Vh']]])(
    '%j loads every command',
    (args) => {
      expect(commandsToRegister(args)).toEqual(ALL);
    },
  );
});
