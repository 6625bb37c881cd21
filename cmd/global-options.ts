import { Option, type Command } from 'commander';
import { closest } from '../src/config/suggest.js';
import { LOCK_TIMEOUT_HELP, parseSeconds } from './database-option.js';

/** Options that mean the same to every command and may come before its name. */
const GLOBAL_OPTIONS = ['database', 'actor', 'lockTimeout'] as const;

/**
 * `tenantctl --database URL init` as well as `tenantctl init --database URL`:
 * the program takes the global options too, and hands them to the command
 * that runs unless that command was given its own.
 */
export function acceptGlobalOptionsBeforeCommand(program: Command): void {
  program
    .option('--database <url>', 'postgres://…, a folder (embedded database) or memory://; also accepted after the command')
    .option('--actor <name>', 'who is acting, for the audit trail; also accepted after the command')
    .option('--lock-timeout <seconds>', `${LOCK_TIMEOUT_HELP}; also accepted after the command`, parseSeconds);
  program.hook('preAction', (_program, command) => {
    for (const name of GLOBAL_OPTIONS) {
      const value: unknown = program.getOptionValue(name);
      if (value !== undefined && command.getOptionValue(name) === undefined) command.setOptionValueWithSource(name, value, 'cli');
    }
  });
}

/**
 * Commander checks required options before unknown ones, so `drift --confg x`
 * would say "-c not specified" and hide the typo. Required options are
 * checked here instead, after commander has refused (with a did-you-mean)
 * any option it does not know.
 */
export function checkRequiredOptionsAfterUnknownOnes(program: Command): void {
  const required = new Map<Command, Option[]>();
  for (const command of program.commands) {
    const mandatory = command.options.filter((option) => option.mandatory);
    for (const option of mandatory) option.makeOptionMandatory(false);
    if (mandatory.length > 0) required.set(command, mandatory);
  }
  program.hook('preAction', (_program, command) => {
    for (const option of required.get(command) ?? []) {
      if (command.getOptionValue(option.attributeName()) === undefined) {
        command.error(`error: required option '${option.flags}' not specified`, { code: 'commander.missingMandatoryOptionValue' });
      }
    }
  });
}

/**
 * `tenantctl help COMMAND`. Commander's own help command answers a name it
 * does not know (`help aply`) with the whole program's help on stderr and
 * exit 1, naming nothing: a script that misspelled the command is left to
 * guess. This one refuses it as an unknown command is refused anywhere else,
 * naming it and the closest command.
 */
export function helpNamesUnknownCommand(program: Command): void {
  program.helpCommand(false);
  program
    .command('help [command]')
    .description('display help for command')
    .action((name: string | undefined) => {
      if (name === undefined || name === 'help') program.help();
      const names = program.commands.map((command) => command.name()).filter((commandName) => commandName !== 'help');
      const command = program.commands.find((candidate) => candidate.name() === name);
      if (command !== undefined) command.help();
      const suggestion = closest(name, names);
      program.error(`error: unknown command '${name}'${suggestion === undefined ? '' : `\n(Did you mean ${suggestion}?)`}`, { code: 'commander.unknownCommand' });
    });
}

/**
 * `--no-color` on a command that prints no colours (init, validate, export,
 * history, deliver): accepted and hidden, so that a script passing it to every
 * command, as it may to terraform's, is not refused by `validate` alone.
 * plan, apply and drift colour, and list it in their help.
 */
export function acceptNoColor(command: Command): void {
  if (!command.options.some((option) => option.long === '--no-color')) command.addOption(new Option('--no-color').hideHelp());
}
