import type { Command } from 'commander';
import { hasCatalog, NO_CATALOG } from '../../src/catalog/require-catalog.js';
import type { Catalog } from '../../src/catalog/catalog.js';
import { checkConfigSteps, finishConfig } from '../../src/config/load-config.js';
import { runStepsYielding } from '../../src/config/steps.js';
import { loadYamlSourcesYielding } from '../../src/config/yaml-source.js';
import { readTenant } from '../../src/state/read-tenant.js';
import type { TenantState } from '../../src/state/tenant-state.js';
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
async function tryCatalog(options: ValidateOptions): Promise<{ catalog: Catalog | null; current: TenantState | null; reason: string | null }> {
  try {
    const { catalog, current } = await withDatabase({ ...options, actor: resolveActor(options.actor), lockTimeout: options.lockTimeout ?? 2 }, (db) => readTenant(db));
    return hasCatalog(catalog) ? { catalog, current, reason: null } : { catalog: null, current, reason: NO_CATALOG };
  } catch (cause) {
    const reason = cause instanceof TenantctlError ? cause.message : `the catalog could not be read: ${String((cause as Error)?.message ?? cause).split('\n')[0]}`;
    return { catalog: null, current: null, reason };
  }
}

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .summary('check the configuration and report every problem at once')
    .description(
      'Check the configuration: schema, tenant rules, and (when the database is reachable) domains, subscriptions and plans. ' +
        'Every problem is printed as file:line:column: CODE: message (codes: docs/diagnostics.md). Exit 1 on any error; warnings do not fail.\n\n' +
        'Examples:\n  tenantctl validate -c examples/contoso\n  tenantctl validate -c examples/contoso --format github',
    )
    .requiredOption('-c, --config <path...>', 'YAML file or directory of YAML files (repeatable)')
    .addOption(formatOption(['text', 'json', 'github'], 'text, json or github (GitHub Actions annotations)'))
    .action(async (options: ValidateOptions) => {
      // The database is opened and read while the files are parsed and checked as far as they can be without it.
      const reading = tryCatalog(options);
      const sources = await loadYamlSourcesYielding(options.config);
      const checked = await runStepsYielding(checkConfigSteps(sources, { phase: 'validate' }));
      const { catalog, current, reason } = await reading;
      const { diagnostics } = finishConfig(checked, { catalog, current });
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
