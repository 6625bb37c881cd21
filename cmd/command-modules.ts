import type { Command } from 'commander';
import { onDemand } from '../src/on-demand.js';

type Registration = (program: Command) => void;

// Three modules, each its own chunk with what only its commands use: validate compiles none of the
// planner, apply or the database's administration. Not one module per command: each module a
// command loads costs Node about a millisecond of its own, and one per command made some twenty.
const PLANNING = onDemand('its plan, apply and drift commands', 'to run this command', () => import('./commands/planning.js'));
const UPKEEP = onDemand('its init, export, history and deliver commands', 'to run this command', () => import('./commands/upkeep.js'));
const CHECKING = onDemand('its validate command', 'to run this command', () => import('./commands/validate.js'));

/** The commands in the order help lists them, each with where its registration is loaded from. */
const COMMAND_MODULES = {
  init: async () => (await UPKEEP()).registerInit,
  validate: async () => (await CHECKING()).registerValidate,
  plan: async () => (await PLANNING()).registerPlan,
  apply: async () => (await PLANNING()).registerApply,
  drift: async () => (await PLANNING()).registerDrift,
  export: async () => (await UPKEEP()).registerExport,
  history: async () => (await UPKEEP()).registerHistory,
  deliver: async () => (await UPKEEP()).registerDeliver,
} as const satisfies Record<string, () => Promise<Registration>>;

export type CommandName = keyof typeof COMMAND_MODULES;

/** The program's own options that take a value (global-options.ts): their value is not the command's name. */
const PROGRAM_OPTIONS_WITH_VALUE = new Set(['--database', '--actor', '--lock-timeout']);

const isCommandName = (word: string): word is CommandName => Object.hasOwn(COMMAND_MODULES, word);

/**
 * The commands this run needs registered, found as commander finds the command: the first
 * word after the program's options that take a value. Every command when anything else
 * comes first (`--help plan` lists them all, as does help) or the word names no command (a
 * typo's did-you-mean picks among them all); none for a bare --version.
 * Why: a command's code, and the libraries only it uses, is compiled only when it runs.
 */
export function commandsToRegister(args: readonly string[]): readonly CommandName[] {
  const all = Object.keys(COMMAND_MODULES) as CommandName[];
  if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) return [];
  for (let i = 0; i < args.length; i++) {
    const word = args[i]!;
    if (PROGRAM_OPTIONS_WITH_VALUE.has(word)) i++;
    else if (!PROGRAM_OPTIONS_WITH_VALUE.has(word.split('=')[0]!)) return isCommandName(word) ? [word] : all;
  }
  return all;
}

/** The registering functions of the commands `args` needs, in help's order. */
export async function commandRegistrations(args: readonly string[]): Promise<Registration[]> {
  return Promise.all(commandsToRegister(args).map((name) => COMMAND_MODULES[name]()));
}
