import type { Command, Option } from 'commander';
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
