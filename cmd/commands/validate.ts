import type { Command } from 'commander';
import { readCatalog } from '../../src/catalog/read-catalog.js';
import type { Catalog } from '../../src/catalog/catalog.js';
import { loadConfig } from '../../src/config/load-config.js';
import { hasErrors } from '../../src/diagnostics/diagnostic.js';
import { ExitCode, TenantctlError } from '../../src/diagnostics/tenantctl-error.js';
import { resolveActor } from '../actor.js';
import { withDatabase, type DatabaseOptions } from '../database-option.js';
import { reportDiagnostics, type DiagnosticFormat } from '../report-diagnostics.js';
import { err, out } from '../terminal.js';

interface ValidateOptions extends DatabaseOptions {
  readonly config: string[];
  readonly format: DiagnosticFormat;
}

/** The catalog when a database is reachable and initialised; otherwise why not. */
async function tryCatalog(options: ValidateOptions): Promise<{ catalog: Catalog | null; reason: string | null }> {
  try {
    const catalog = await withDatabase({ ...options, actor: resolveActor(options.actor), lockTimeout: 2 }, (db) => readCatalog(db));
    return { catalog, reason: null };
  } catch (cause) {
    if (cause instanceof TenantctlError) return { catalog: null, reason: cause.message };
    throw cause;
  }
}

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .summary('check the configuration and report every problem at once')
    .description(
      'Check the configuration: schema, tenant rules, and (when the database is reachable) domains, subscriptions and plans.\n\n' +
        'Example:\n  tenantctl validate -c examples/contoso --format github',
    )
    .requiredOption('-c, --config <path...>', 'YAML file or directory of YAML files (repeatable)')
    .option('--format <format>', 'text, json or github (GitHub Actions annotations)', 'text')
    .action(async (options: ValidateOptions) => {
      if (!['text', 'json', 'github'].includes(options.format)) {
        throw new TenantctlError(`unknown --format ${options.format}: use text, json or github`);
      }
      const { catalog, reason } = await tryCatalog(options);
      const { diagnostics } = loadConfig(options.config, { catalog, phase: 'validate' });
      const report = reportDiagnostics(diagnostics, options.format);
      if (report) out(report);
      if (reason) err(`note: only the schema and the rules that need no catalog were checked (${reason})`);
      if (hasErrors(diagnostics)) process.exitCode = ExitCode.error;
      else if (options.format === 'text') out(`The configuration is valid${catalog ? '' : ' (without the tenant catalog)'}.`);
    });
}
