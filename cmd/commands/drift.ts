import type { Command } from 'commander';
import { hasErrors } from '../../src/diagnostics/diagnostic.js';
import { ExitCode, TenantctlError } from '../../src/diagnostics/tenantctl-error.js';
import type { DriftDocument } from '../../src/drift/drift-document.js';
import { readDrift } from '../../src/drift/read-drift.js';
import { toolVersion } from '../../src/package-root.js';
import { writeInFoldersFor } from '../../src/files/create-folders.js';
import { writePrivateFile } from '../../src/files/write-private-file.js';
import { renderDriftHtml } from '../../src/render/drift-html.js';
import { renderDriftJson } from '../../src/render/drift-json.js';
import { renderDriftMarkdown } from '../../src/render/drift-markdown.js';
import { renderDriftText } from '../../src/render/drift-text.js';
import { resolveActor } from '../actor.js';
import { isStandardOutput } from '../dash-path-option.js';
import { withDatabase, type DatabaseOptions } from '../database-option.js';
import { formatOption } from '../format-option.js';
import { reportDiagnostics } from '../report-diagnostics.js';
import { terminalText } from '../../src/render/escape-terminal.js';
import { err, out, useColor } from '../terminal.js';

const ensureFinalNewline = (text: string) => (text.endsWith('\n') ? text : `${text}\n`);

export type DriftFormat = 'text' | 'json' | 'markdown' | 'html';

interface DriftOptions extends DatabaseOptions {
  readonly config: string[];
  readonly format: DriftFormat;
  readonly out?: string;
  readonly color?: boolean;
}

const RENDERERS: Record<DriftFormat, (drift: DriftDocument, color: boolean) => string> = {
  text: (drift, color) => renderDriftText(drift, { color }),
  json: (drift) => renderDriftJson(drift),
  markdown: (drift) => renderDriftMarkdown(drift),
  html: (drift) => renderDriftHtml(drift),
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
        '  tenantctl drift -c examples/contoso --format json > drift.json\n' +
        '  tenantctl drift -c examples/contoso --format html --out drift.html\n\n' +
        'Exit codes: 0 no drift (unused seats are a notice, not drift), 2 drift found, 1 error.',
    )
    .requiredOption('-c, --config <path...>', 'YAML file or directory of YAML files (repeatable)')
    .addOption(formatOption(['text', 'json', 'markdown', 'html'], 'text, json, markdown or html (one self-contained page)'))
    .option('--out <file>', 'write the report to this file (mode 0600, never through a symlink) instead of standard output (-: standard output)')
    .option('--no-color', 'no colours, even at a terminal (NO_COLOR is honoured too)')
    .action(async (options: DriftOptions) => {
      const { drift, diagnostics } = await withDatabase({ ...options, actor: resolveActor(options.actor) }, (db) =>
        readDrift(db, { configPaths: options.config, now: new Date(), tenantctlVersion: toolVersion() }),
      );
      if (diagnostics.length > 0) err(reportDiagnostics(diagnostics, 'text'));
      if (!drift || hasErrors(diagnostics)) {
        throw new TenantctlError('no drift report was made: fix the configuration problems above', ExitCode.error, diagnostics);
      }
      // `--out -` is standard output, as export's is (dash-path-option.ts).
      if (options.out && !isStandardOutput(options.out)) {
        // A file is read later, not at this terminal: no colours in it.
        const report = ensureFinalNewline(RENDERERS[options.format](drift, false));
        // Its folder is created as plan --out creates its own, and removed again if the write fails.
        const file = options.out;
        writeInFoldersFor([file], () => writePrivateFile(file, report));
        err(`Wrote the drift report (${options.format}) to ${terminalText(options.out)}`);
      } else {
        out(RENDERERS[options.format](drift, useColor(options.color)));
      }
      process.exitCode = drift.drift ? ExitCode.changes : ExitCode.ok;
    });
}
