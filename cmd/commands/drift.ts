import type { Command } from 'commander';
import { hasErrors } from '../../src/diagnostics/diagnostic.js';
import { ExitCode, TenantctlError } from '../../src/diagnostics/tenantctl-error.js';
import type { DriftDocument } from '../../src/drift/drift-document.js';
import { readDrift } from '../../src/drift/read-drift.js';
import { toolVersion } from '../../src/package-root.js';
import { renderDriftJson } from '../../src/render/drift-json.js';
import { renderDriftMarkdown } from '../../src/render/drift-markdown.js';
import { renderDriftText } from '../../src/render/drift-text.js';
import { resolveActor } from '../actor.js';
import { withDatabase, type DatabaseOptions } from '../database-option.js';
import { formatOption } from '../format-option.js';
import { reportDiagnostics } from '../report-diagnostics.js';
import { err, out, useColor } from '../terminal.js';

export type DriftFormat = 'text' | 'json' | 'markdown';

interface DriftOptions extends DatabaseOptions {
  readonly config: string[];
  readonly format: DriftFormat;
  readonly color?: boolean;
}

const RENDERERS: Record<DriftFormat, (drift: DriftDocument, color: boolean) => string> = {
  text: (drift, color) => renderDriftText(drift, { color }),
  json: (drift) => renderDriftJson(drift),
  markdown: (drift) => renderDriftMarkdown(drift),
};

export function registerDrift(program: Command): void {
  program
    .command('drift')
    .summary('report what changed in the tenant outside tenantctl, and the users nobody manages')
    .description(
      'Compare the database with the configuration and report, classified: users changed, deleted, restored or blocked ' +
        'outside tenantctl (field by field, expected in git → actual in the tenant), users nobody manages (privileged ones first), ' +
        'unused and over-consumed seats, and temporary passwords past their expiry that were never changed.\n\n' +
        'Read-only: takes no lock, and a database role with SELECT privileges only is enough.\n\n' +
        'Examples:\n  tenantctl drift -c examples/contoso\n  tenantctl drift -c examples/contoso --format markdown > drift.md\n' +
        '  tenantctl drift -c examples/contoso --format json > drift.json\n\n' +
        'Exit codes: 0 no drift (unused seats are a notice, not drift), 2 drift found, 1 error.',
    )
    .requiredOption('-c, --config <path...>', 'YAML file or directory of YAML files (repeatable)')
    .addOption(formatOption(['text', 'json', 'markdown'], 'text, json or markdown'))
    .option('--no-color', 'no colours, even at a terminal (NO_COLOR is honoured too)')
    .action(async (options: DriftOptions) => {
      const { drift, diagnostics } = await withDatabase({ ...options, actor: resolveActor(options.actor) }, (db) =>
        readDrift(db, { configPaths: options.config, now: new Date(), tenantctlVersion: toolVersion() }),
      );
      if (diagnostics.length > 0) err(reportDiagnostics(diagnostics, 'text'));
      if (!drift || hasErrors(diagnostics)) {
        throw new TenantctlError('no drift report was made: fix the configuration problems above', ExitCode.error, diagnostics);
      }
      out(RENDERERS[options.format](drift, useColor(options.color)));
      process.exitCode = drift.drift ? ExitCode.changes : ExitCode.ok;
    });
}
