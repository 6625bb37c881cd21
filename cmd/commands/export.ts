import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { writeInFoldersFor } from '../../src/files/create-folders.js';
import { writePrivateFiles } from '../../src/files/write-private-file.js';
import { TenantctlError } from '../../src/diagnostics/tenantctl-error.js';
import { isConfigFileName } from '../../src/config/config-file-name.js';
import { shellWord, terminalText } from '../../src/render/escape-terminal.js';
import { exportConfig, type ExportedFile } from '../../src/export/export-config.js';
import { readTenant } from '../../src/state/read-tenant.js';
import { EXPORT_SPLITS, type ExportSplit } from '../../src/export/split-users.js';
import { packageRoot, toolVersion } from '../../src/package-root.js';
import { resolveActor } from '../actor.js';
import { withDatabase, type DatabaseOptions } from '../database-option.js';
import { reportDiagnostics } from '../report-diagnostics.js';
import { startProgress, type ProgressOptions } from '../progress.js';
import { isStandardOutput } from '../dash-path-option.js';
import { err, outWritten, stdoutLeadsNowhere } from '../terminal.js';
import { databaseArgument } from '../suggested-command.js';

interface ExportOptions extends DatabaseOptions, ProgressOptions {
  readonly out?: string;
  readonly split?: string;
  readonly force?: boolean;
}

/** Where the files go: one file, a directory of files, or standard output. */
type Destination = { readonly kind: 'stdout' } | { readonly kind: 'file'; readonly file: string } | { readonly kind: 'directory'; readonly dir: string };

const isDirectory = (target: string): boolean => fs.statSync(target, { throwIfNoEntry: false })?.isDirectory() ?? false;

function parseSplit(value: string | undefined): ExportSplit | null {
  if (value === undefined) return null;
  const split = EXPORT_SPLITS.find((s) => s === value);
  if (!split) throw new TenantctlError(`unknown --split ${value}: use department or domain`);
  return split;
}

function destination(options: ExportOptions, split: ExportSplit | null): Destination {
  const target = options.out;
  if (split) {
    if (!target || isStandardOutput(target)) throw new TenantctlError(`--split ${split} writes several files: name the directory for them with --out DIR`);
    if (fs.existsSync(target) && !isDirectory(target)) throw new TenantctlError(`--out ${target} is a file, but --split needs a directory`);
    return { kind: 'directory', dir: target };
  }
  // `-` is standard output, as for most tools, not a file named `-` that `-c -` would not read back.
  if (!target || isStandardOutput(target)) return { kind: 'stdout' };
  if (isDirectory(target)) {
    throw new TenantctlError(`--out ${target} is a directory: name a file (e.g. ${path.join(target, 'tenant.yaml')}), or add --split department|domain`);
  }
  return { kind: 'file', file: target };
}

/** The modeline's schema path, relative to the directory the YAML will be in (the cwd for stdout). */
function schemaRef(where: Destination): string {
  const dir = where.kind === 'directory' ? where.dir : where.kind === 'file' ? path.dirname(where.file) : '.';
  const schema = path.join(packageRoot(), 'schemas', 'tenant.schema.json');
  return path.relative(path.resolve(dir), schema).split(path.sep).join('/');
}

function targets(where: Destination, files: readonly ExportedFile[]): { file: string; text: string }[] {
  if (where.kind === 'stdout') return [];
  if (where.kind === 'file') return files.map((f) => ({ file: where.file, text: f.text }));
  return files.map((f) => ({ file: path.join(where.dir, f.path), text: f.text }));
}

/**
 * Writes every file or none: none when one exists already and --force was not
 * given, or when one cannot be written (a symlink, not a regular file, a full
 * disk). Folders created for them are removed again when nothing was written.
 */
function writeFiles(written: readonly { file: string; text: string }[], force: boolean): void {
  writeInFoldersFor(written.map((w) => w.file), () => {
    const existing = writePrivateFiles(
      written.map((w) => ({ target: w.file, content: w.text })),
      { replace: force },
    );
    if (existing.length > 0) {
      throw new TenantctlError(`not overwriting ${existing.join(', ')}: move ${existing.length === 1 ? 'it' : 'them'} away, or add --force; nothing was written`);
    }
  });
}

/** Other YAML files in the directory would be merged into the configuration by `-c DIR`. */
function strangers(dir: string, files: readonly ExportedFile[]): string[] {
  const ours = new Set(files.map((f) => f.path));
  return fs
    .readdirSync(dir)
    .filter((name) => isConfigFileName(name) && !ours.has(name))
    .sort();
}

export function registerExport(program: Command): void {
  program
    .command('export')
    .summary("write the tenant's users as configuration that plans to zero changes")
    .description(
      "Write the directory's users (attributes, admin roles, licenses with disabled plans) as configuration. " +
        'Planned against the same database it changes nothing but adopting the users; after that apply, the plan is empty. ' +
        'Soft-deleted users and passwords are never exported. Values every user shares go to defaults. ' +
        'The modeline points at schemas/tenant.schema.json relative to the output (to the current directory on stdout).\n\n' +
        'Examples:\n  tenantctl export > tenant.yaml\n  tenantctl export --out config/tenant.yaml\n' +
        '  tenantctl export --split department --out config  # tenant.yaml, users-*.yaml\n' +
        '  tenantctl export --split domain --out config --force\n  tenantctl plan -c config                          # only user.adopt changes',
    )
    .option('--out <path>', 'the file to write (with --split, the directory); - or none: standard output')
    .option('--split <by>', 'department or domain: tenant.yaml plus one users-<name>.yaml per department or UPN domain')
    .option('--force', 'overwrite files that already exist')
    .option('--quiet', 'no progress on stderr, however long the export takes (also TENANTCTL_QUIET=1)')
    .action(async (options: ExportOptions) => {
      const split = parseSplit(options.split);
      const where = destination(options, split);
      if (where.kind === 'stdout' && stdoutLeadsNowhere()) {
        throw new TenantctlError(
          'standard output is closed (or was discarded by the program that started tenantctl): the export would be written nowhere; write it to a file with --out FILE, or redirect standard output (> tenant.yaml); nothing was exported',
        );
      }
      const progress = startProgress(options);
      const result = await withDatabase({ ...options, actor: resolveActor(options.actor) }, async (db) => {
        progress.report({ stage: 'reading the directory', done: 0, total: 0 });
        // The settings the latest apply recorded come with the read, in its snapshot.
        const { current: state, catalog, applied: settings } = await readTenant(db);
        progress.report({ stage: 'writing the configuration', done: 0, total: 0 });
        return exportConfig(state, catalog, {
          settings,
          split,
          schemaRef: schemaRef(where),
          toolVersion: toolVersion(),
          exportedAt: new Date().toISOString(),
        });
      }).finally(() => progress.stop());
      if (result.diagnostics.length > 0) err(reportDiagnostics(result.diagnostics, 'text'));
      const users = `${result.userCount} user${result.userCount === 1 ? '' : 's'}`;
      if (where.kind === 'stdout') {
        // Cut short, what the reader took is an incomplete configuration: say so, not only exit 141.
        const cutShort = 'the reader of standard output went away before the export was written whole: what it read is an incomplete configuration; nothing more was exported';
        for (const file of result.files) await outWritten(file.text, cutShort);
        err(`Exported ${users}.`);
        return;
      }
      const written = targets(where, result.files);
      writeFiles(written, options.force ?? false);
      const config = where.kind === 'file' ? where.file : where.dir;
      err(`Exported ${users} to ${written.map((w) => terminalText(w.file)).join(', ')}.`);
      if (where.kind === 'directory') {
        // File names are anyone's: shown escaped, one line each however they were named.
        const others = strangers(where.dir, result.files).map(terminalText);
        const dir = terminalText(where.dir);
        if (others.length > 0) err(`Note: ${dir} also holds ${others.join(', ')}, which \`-c ${dir}\` reads too; remove what an earlier export left behind.`);
      }
      const database = databaseArgument(options);
      const next = `tenantctl plan -c ${shellWord(config)}${database.argument}   (it should change nothing but adopt users tenantctl does not manage yet)${database.passwordNote}`;
      err(result.diagnostics.length > 0 ? `Next: resolve the warnings above, then ${next}` : `Next: ${next}`);
    });
}
