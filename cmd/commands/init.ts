import type { Command } from 'commander';
import { readCatalogFile } from '../../src/catalog/catalog-file.js';
import { readCatalog } from '../../src/catalog/read-catalog.js';
import { hasCatalog, NO_CATALOG } from '../../src/catalog/require-catalog.js';
import { storeCatalog } from '../../src/catalog/store-catalog.js';
import { migrate } from '../../src/db/migrate.js';
import { TenantctlError } from '../../src/diagnostics/tenantctl-error.js';
import { resolveActor } from '../actor.js';
import { withDatabase, type DatabaseOptions } from '../database-option.js';
import { reportDiagnostics } from '../report-diagnostics.js';
import { out } from '../terminal.js';

interface InitOptions extends DatabaseOptions {
  readonly catalog?: string;
}

export function registerInit(program: Command): void {
  program
    .command('init')
    .summary('create or migrate the database schema and load the tenant catalog')
    .description(
      'Create or migrate the database schema (idempotent) and, with --catalog, load the tenant\'s domains and subscriptions.\n\n' +
        'Example:\n  tenantctl init --catalog examples/contoso/catalog.yaml',
    )
    .option('--catalog <file>', 'YAML file with the tenant\'s domains and subscriptions')
    .action(async (options: InitOptions) => {
      // The catalog is checked before the database is touched.
      const catalog = options.catalog ? readCatalogFile(options.catalog) : null;
      if (catalog && !catalog.catalog) {
        throw new TenantctlError(`the catalog ${options.catalog} is invalid:\n${reportDiagnostics(catalog.diagnostics, 'text').trimEnd()}`);
      }
      await withDatabase(
        { ...options, actor: resolveActor(options.actor) },
        async (db) => {
          const result = await migrate(db);
          out(
            result.applied.length === 0
              ? `Schema: up to date (version ${result.to}) in ${db.displayUrl}`
              : `Schema: migrated from version ${result.from} to ${result.to} (${result.applied.join(', ')}) in ${db.displayUrl}`,
          );
          if (catalog?.catalog) {
            const stored = await storeCatalog(db, catalog.catalog);
            const plans = catalog.catalog.subscriptions.reduce((n, s) => n + s.servicePlans.length, 0);
            out(
              `Catalog: ${stored.domains} domain(s), ${stored.subscriptions} subscription(s), ${plans} service plan(s) loaded from ${options.catalog}`,
            );
          } else if (!hasCatalog(await readCatalog(db))) {
            out(`Catalog: ${NO_CATALOG} (plan and apply need the tenant's domains and subscriptions)`);
          }
        },
        { requireInitialised: false },
      );
    });
}
