#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { connectionLoss } from '../src/db/connection-loss.js';
import { DEFAULT_DATABASE, maskUrl } from '../src/db/database-url.js';
import { ExitCode, TenantctlError } from '../src/diagnostics/tenantctl-error.js';
import { toolVersion } from '../src/package-root.js';
import { registerApply } from './commands/apply.js';
import { registerDeliver } from './commands/deliver.js';
import { registerDrift } from './commands/drift.js';
import { registerExport } from './commands/export.js';
import { registerHistory } from './commands/history.js';
import { registerInit } from './commands/init.js';
import { registerPlan } from './commands/plan.js';
import { registerValidate } from './commands/validate.js';
import { addDatabaseOptions } from './database-option.js';
import { terminalMessage } from '../src/render/escape-terminal.js';
import { err } from './terminal.js';

const program = new Command('tenantctl')
  .description('Declarative users, admin roles and licenses for an Office 365 for Business tenant.')
  .version(toolVersion())
  .showHelpAfterError('(run `tenantctl help` for the commands, `tenantctl help <command>` for one)')
  .exitOverride();

for (const register of [registerInit, registerValidate, registerPlan, registerApply, registerDrift, registerExport, registerHistory, registerDeliver]) register(program);
for (const command of program.commands) addDatabaseOptions(command);
program.addHelpText(
  'after',
  '\nExamples:\n' +
    '  tenantctl init --catalog examples/contoso/catalog.yaml\n' +
    '  tenantctl validate -c examples/contoso\n' +
    '  tenantctl plan -c examples/contoso --out plan.json\n' +
    '  tenantctl apply --plan plan.json --approve-purchases\n' +
    '  tenantctl drift -c examples/contoso --format markdown\n' +
    '  tenantctl export --out tenant.yaml\n' +
    '  tenantctl history --since 7d\n' +
    '  tenantctl deliver --pickup outbox/\n' +
    '\nDatabase: --database URL or $TENANTCTL_DATABASE_URL; postgres://…, a folder path (embedded), or memory://.\n' +
    'Exit codes: 0 success, 1 error (nothing changed), 2 changes (plan --detailed-exitcode) or drift, 3 approval needed.',
);

/**
 * A lost connection that escaped the database layer (which names the server
 * itself): still one line, naming the server as the command was given it.
 */
function lostConnection(cause: unknown): string | null {
  const why = connectionLoss(cause);
  if (why === null) return null;
  const flag = process.argv.findIndex((arg) => arg === '--database' || arg.startsWith('--database='));
  const given = flag < 0 ? undefined : process.argv[flag]?.includes('=') ? process.argv[flag]?.slice('--database='.length) : process.argv[flag + 1];
  return `lost the connection to ${maskUrl(given ?? process.env.TENANTCTL_DATABASE_URL ?? DEFAULT_DATABASE)} (${why})`;
}

/** A pg error that escaped: name the constraint rather than print a stack. */
function databaseRefusal(cause: unknown): string | null {
  const pgError = cause as { code?: string; message?: string; constraint?: string; detail?: string };
  if (typeof pgError.code !== 'string' || !/^[0-9A-Z]{5}$/.test(pgError.code)) return null;
  const constraint = pgError.constraint ? ` (constraint ${pgError.constraint})` : '';
  const detail = pgError.detail ? `: ${pgError.detail}` : '';
  return `the database refused the change${constraint}: ${pgError.message}${detail}; nothing was changed`;
}

try {
  await program.parseAsync(process.argv);
} catch (cause) {
  if (cause instanceof CommanderError) {
    process.exitCode = cause.exitCode === 0 ? ExitCode.ok : ExitCode.error;
  } else if (cause instanceof TenantctlError) {
    // Messages quote file names, paths and values: shown, never obeyed.
    err(`Error: ${terminalMessage(cause.message)}`);
    process.exitCode = cause.exitCode;
  } else {
    const refusal = lostConnection(cause) ?? databaseRefusal(cause);
    err(terminalMessage(refusal ? `Error: ${refusal}` : `Error: internal error: ${(cause as Error)?.message ?? String(cause)}`));
    if (!refusal) err('This is a bug in tenantctl; please report it. Set TENANTCTL_DEBUG=1 to see the stack trace.');
    if (process.env.TENANTCTL_DEBUG) err(terminalMessage(String((cause as Error)?.stack ?? cause)));
    process.exitCode = ExitCode.error;
  }
}
