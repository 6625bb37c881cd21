import type { Command } from 'commander';
import { readCatalog } from '../../src/catalog/read-catalog.js';
import type { Catalog } from '../../src/catalog/catalog.js';
import { loadConfig } from '../../src/config/load-config.js';
import { hasErrors } from '../../src/diagnostics/diagnostic.js';
import { ExitCode, TenantctlError } from '../../src/diagnostics/tenantctl-error.js';
import { resolveActor } from '../actor.js';
import { withDatabase, type DatabaseOptions } from '../database-option.js';
import { formatOption } from '../format-option.js';
import { reportDiagnostics, type DiagnosticFormat } from '../report-diagnostics.js';
import { terminalMessage } from '../../src/render/escape-terminal.js';
import { err, out, outAnnotations } from '../terminal.js';

interface ValidateOptions extends DatabaseOptions {
  readonly config: string[];
  readonly format: DiagnosticFormat;
}

const WITHOUT_CATALOG = 'the tenant\'s domains, subscriptions and service plans were not checked';

/**
 * The catalog when a database is reachable and initialised; otherwise why
 * not. validate never fails for want of a database: it checks what it can.
 */
async function tryCatalog(options: ValidateOptions): Promise<{ catalog: Catalog | null; reason: string | null }> {
  try {
    const catalog = await withDatabase({ ...options, actor: resolveActor(options.actor), lockTimeout: 2 }, (db) => readCatalog(db));
    return { catalog, reason: null };
  } catch (cause) {
    const reason = cause instanceof TenantctlError ? cause.message : `the catalog could not be read: ${String((cause as Error)?.message ?? cause).split('\n')[0]}`;
    return { catalog: null, reason };
  }
}

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .summary('check the configuration and report every problem at once')
    .description(
      'Check the configuration: schema, tenant rules, and (when the database is reachable) domains, subscriptions and plans.\n' +
        'Every problem is printed as file:line:column: CODE: message (codes: docs/diagnostics.md). Exit 1 on any error; warnings do not fail.\n\n' +
        'Examples:\n  tenantctl validate -c examples/contoso\n  tenantctl validate -c examples/contoso --format github',
    )
    .requiredOption('-c, --config <path...>', 'YAML file or directory of YAML files (repeatable)')
    .addOption(formatOption(['text', 'json', 'github'], 'text, json or github (GitHub Actions annotations)'))
    .action(async (options: ValidateOptions) => {
      const { catalog, reason } = await tryCatalog(options);
      const { diagnostics } = loadConfig(options.config, { catalog, phase: 'validate' });
      const report = reportDiagnostics(diagnostics, options.format, { catalogChecked: catalog !== null });
      if (report) (options.format === 'github' ? outAnnotations : out)(report);
      if (reason) {
        err(`note: checked only the schema and the rules that need no database: ${WITHOUT_CATALOG} (${terminalMessage(reason)})`);
        if (options.format === 'github') outAnnotations(`::notice::tenantctl validate: ${WITHOUT_CATALOG}; no initialised database was reachable`);
      }
      if (hasErrors(diagnostics)) process.exitCode = ExitCode.error;
      else if (options.format === 'text') out(`The configuration is valid${catalog ? '' : ` (without the tenant catalog: ${WITHOUT_CATALOG})`}.`);
    });
}
