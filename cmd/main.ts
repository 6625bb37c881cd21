#!/usr/bin/env node
import { Command } from 'commander';
import { toolVersion } from '../src/package-root.js';
import { commandRegistrations } from './command-modules.js';
import { TenantctlError } from '../src/diagnostics/tenantctl-error.js';
import { argumentWithPassword, hideCommandLineSecrets } from './command-line-secrets.js';
import { dashPathArgument } from './dash-path-option.js';
import { emptyPathArgument } from './empty-path-option.js';
import { refuseUnreadableBooleanVariables } from './boolean-variables.js';
import { addDatabaseOptions } from './database-option.js';
import { asksForJson, reportFailure } from './failure.js';
import { noFormatOption } from './format-option.js';
import { reportSignalsInJson } from './signals-in-json.js';
import { acceptGlobalOptionsBeforeCommand, acceptNoColor, checkRequiredOptionsAfterUnknownOnes, helpNamesUnknownCommand } from './global-options.js';
import { endQuietlyOnClosedPipe } from './terminal.js';

endQuietlyOnClosedPipe();

const program = new Command('tenantctl')
  .description('Declarative users, admin roles and licenses for an Office 365 for Business tenant.')
  .version(toolVersion())
  .showHelpAfterError('(run `tenantctl help` for the commands, `tenantctl help <command>` for one)')
  // Before the commands are added, which take this setting over: commander quotes the arguments it refuses.
  .configureOutput({ outputError: (message, write) => write(hideCommandLineSecrets(message)) })
  .exitOverride();

// A command's module that cannot be loaded is a damaged installation, said so (onDemand) as any failure is.
const registrations = await commandRegistrations(process.argv.slice(2)).catch((cause: unknown) => {
  process.exitCode = reportFailure(cause, asksForJson(process.argv.slice(2), undefined));
  return null;
});
for (const register of registrations ?? []) register(program);
for (const command of program.commands) {
  addDatabaseOptions(command);
  if (!command.options.some((option) => option.long === '--format')) command.addOption(noFormatOption(command.name()));
}
/** The command that ran, for its --format when it fails. */
let running: Command | undefined;
const wantsJson = () => asksForJson(process.argv.slice(2), running);
// From the arguments as given until they are parsed: a Ctrl-C while tenantctl starts is answered too.
if (wantsJson()) reportSignalsInJson(wantsJson);
program.hook('preAction', (_program, command) => {
  running = command;
  if (wantsJson()) reportSignalsInJson(wantsJson);
  // --actor given to the program (before or after the command) is handed to the command by a later hook.
  const options = { ...program.opts(), ...command.opts() };
  const refusal = argumentWithPassword(options) ?? emptyPathArgument(options) ?? dashPathArgument(command.name(), options);
  if (refusal !== null) throw new TenantctlError(refusal);
  refuseUnreadableBooleanVariables();
});
acceptGlobalOptionsBeforeCommand(program);
checkRequiredOptionsAfterUnknownOnes(program);
helpNamesUnknownCommand(program);
// After `help` is registered, as it is a command too: a script passing --no-color to every command is refused by none.
for (const command of program.commands) acceptNoColor(command);
program.addHelpText(
  'after',
  '\nExamples:\n' +
    '  tenantctl init --catalog examples/contoso/catalog.yaml\n' +
    '  tenantctl validate -c examples/contoso\n' +
    '  tenantctl plan -c examples/contoso --out plan.json\n' +
    '  tenantctl apply --plan plan.json -c examples/contoso --auto-approve \\\n' +
    '      --approve-purchases --approve-privileged\n' +
    '  tenantctl drift -c examples/contoso --format markdown\n' +
    '  tenantctl export --out tenant.yaml\n' +
    '  tenantctl history --since 7d\n' +
    '  tenantctl deliver --pickup /var/spool/tenantctl\n' +
    // Text after the help is not wrapped by commander: kept under 80 columns here.
    '\nDatabase: --database URL (before or after the command) or\n' +
    '$TENANTCTL_DATABASE_URL; postgres://…, a folder path (embedded), or memory://.\n' +
    'Exit codes: 0 success, 1 error (nothing changed), 2 changes (plan\n' +
    '--detailed-exitcode) or drift, 3 approval needed, 130 cancelled at a prompt\n' +
    'or stopped by SIGINT (Ctrl-C), 143 stopped by SIGTERM (a cancelled CI job),\n' +
    '129 by SIGHUP (deliver first finishes the notification in flight; the rest\n' +
    'stay queued), 141 the reader of the output went away (e.g. | head).',
);


if (registrations !== null) {
  try {
    await program.parseAsync(process.argv);
  } catch (cause) {
    process.exitCode = reportFailure(cause, asksForJson(process.argv.slice(2), running));
  }
}
