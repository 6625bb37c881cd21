import os from 'node:os';
import type { Command } from 'commander';
import type { CommandMark } from '../../src/audit/command-mark.js';
import { readCatalogFile } from '../../src/catalog/catalog-file.js';
import { readCatalog } from '../../src/catalog/read-catalog.js';
import { hasCatalog, NO_CATALOG } from '../../src/catalog/require-catalog.js';
import { restoreBuiltinRoles } from '../../src/catalog/restore-builtin-roles.js';
import { storeCatalog } from '../../src/catalog/store-catalog.js';
import { migrate } from '../../src/db/migrate.js';
import { configuredKeyPath, OUTBOX_KEY_VARIABLE } from '../../src/outbox/outbox-key.js';
import { refuseDefaultKeyFolderEarly, refuseKeyFileNotMade, refuseKeyMismatchEarly, refuseKeyPathEarly, setupOutboxKey, type OutboxKeySetup } from '../../src/outbox/setup-outbox-key.js';
import { TenantctlError } from '../../src/diagnostics/tenantctl-error.js';
import { terminalText } from '../../src/render/escape-terminal.js';
import { resolveActor } from '../actor.js';
import { lockTimeoutMs, type DatabaseOptions, withDatabase } from '../database-option.js';
import { reportDiagnostics } from '../report-diagnostics.js';
import { databaseArgument, type DatabaseArgument } from '../suggested-command.js';
import { out } from '../terminal.js';

interface InitOptions extends DatabaseOptions {
  readonly catalog?: string;
  readonly outboxKey?: string;
  readonly rotateOutboxKey?: boolean;
  readonly discardLostCredentials?: boolean;
}

/** `database`: the suggested command's --database (suggested-command.ts). */
function describeKey(setup: OutboxKeySetup, database: DatabaseArgument): string {
  switch (setup.status) {
    case 'created':
      return `Outbox key: created ${setup.file} (mode 0600; public key ${setup.recipient}). deliver needs this file: keep it outside the repository, with whoever runs deliver`;
    case 'adopted':
      return `Outbox key: credentials will be sealed for ${setup.recipient}, the key in ${setup.file}`;
    case 'kept':
      if (setup.otherKeys > 0) {
        return `Outbox key: credentials are sealed for ${setup.recipient}, one of the ${setup.otherKeys + 1} keys in ${setup.file} ` +
          `(a key rotation whose commit went unconfirmed keeps both); run \`tenantctl init --rotate-outbox-key${database.argument}\` to seal every queued credential for one new key and keep it alone${database.passwordNote}`;
      }
      return setup.fileFound
        ? `Outbox key: credentials are sealed for ${setup.recipient}; the private key is ${setup.file}`
        : `Outbox key: credentials are sealed for ${setup.recipient}; its private key is not at ${setup.file} (deliver needs it, via --outbox-key or $${OUTBOX_KEY_VARIABLE})`;
    case 'rotated':
      return `Outbox key: rotated; credentials are now sealed for ${setup.recipient}, the key in ${setup.file} (${setup.resealed} queued credential(s) sealed again)` +
        (setup.previousFile ? `; the previous key ${setup.previousFile} opens nothing any more: delete it` : '') +
        (setup.discarded.length > 0
          ? `\nErased ${setup.discarded.length} queued credential(s) no key could open; reset the passwords of ${setup.discarded.map(terminalText).join(', ')} (password.reset in the configuration) to send new ones`
          : '');
  }
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
    .option('--outbox-key <file>', `the outbox's private key file, created (0600) when missing (default: $${OUTBOX_KEY_VARIABLE}, else ~/.config/tenantctl/outbox/<public key>.key)`)
    .option('--rotate-outbox-key', 'replace the outbox key with a new one, sealing every queued credential again')
    .option('--discard-lost-credentials', 'with --rotate-outbox-key, when the current key is lost: erase the queued credentials no key opens, naming their users')
    .action(async (options: InitOptions) => {
      // The catalog is checked before the database is touched.
      const catalog = options.catalog ? readCatalogFile(options.catalog) : null;
      if (catalog && !catalog.catalog) {
        throw new TenantctlError(`the catalog ${options.catalog} is invalid:\n${reportDiagnostics(catalog.diagnostics, 'text').trimEnd()}`);
      }
      if (options.discardLostCredentials && !options.rotateOutboxKey) {
        throw new TenantctlError('--discard-lost-credentials goes with --rotate-outbox-key: it erases, while rotating, the queued credentials no key opens');
      }
      const configuredKey = configuredKeyPath(options.outboxKey);
      refuseKeyPathEarly(configuredKey, options.rotateOutboxKey === true);
      const actor = resolveActor(options.actor);
      // Kept with each row init writes (other_writes), beside the database role.
      const mark: CommandMark = { command: 'init', actor, host: os.hostname() };
      await withDatabase(
        { ...options, actor },
        async (db) => {
          await refuseKeyFileNotMade(db, configuredKey, options.outboxKey === undefined ? `$${OUTBOX_KEY_VARIABLE}` : '--outbox-key', options.rotateOutboxKey === true);
          await refuseDefaultKeyFolderEarly(db, configuredKey, options.rotateOutboxKey === true);
          await refuseKeyMismatchEarly(db, { configured: configuredKey, rotate: options.rotateOutboxKey === true, discardLost: options.discardLostCredentials === true });
          const result = await migrate(db);
          out(
            result.applied.length === 0
              ? `Schema: up to date (version ${result.to}) in ${db.displayUrl}`
              : `Schema: migrated from version ${result.from} to ${result.to} (${result.applied.join(', ')}) in ${db.displayUrl}`,
          );
          const restored = await restoreBuiltinRoles(db, mark);
          if (restored.length > 0) out(`Roles: restored ${restored.length} built-in admin role(s) missing from the database: ${restored.join(', ')}`);
          out(describeKey(await setupOutboxKey(db, {
            configured: configuredKey,
            rotate: options.rotateOutboxKey === true,
            discardLost: options.discardLostCredentials === true,
            lockTimeoutMs: lockTimeoutMs(options),
            mark,
          }), databaseArgument(options)));
          if (catalog?.catalog) {
            const stored = await storeCatalog(db, catalog.catalog, mark);
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
