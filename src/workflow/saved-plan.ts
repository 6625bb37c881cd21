import { isUtf8 } from 'node:buffer';
import fs from 'node:fs';
import path from 'node:path';
import { hashConfig, hashConfigNamedFrom } from '../config/config-hash.js';
import { checkSchema } from '../config/schema-check.js';
import { listConfigFiles } from '../config/config-files.js';
import { formatBytes, INPUT_LIMITS, readInputFile } from '../config/read-input-file.js';
import { wrongEncoding, wrongEncodingMessage } from '../config/text-encoding.js';
import { findBadUtf8 } from '../config/yaml-source.js';
import { boundMessage } from '../diagnostics/bounded-message.js';
import { formatDiagnostic, type Diagnostic } from '../diagnostics/diagnostic.js';
import { TenantctlError } from '../diagnostics/tenantctl-error.js';
import { beyondBounds, PLAN_BOUNDS } from '../files/json-bounds.js';
import { firstDuplicateName } from '../files/json-duplicate-names.js';
import { locateJsonPath } from '../files/json-locate.js';
import { jsonSyntaxError, lineAndColumn, lineAndColumnAt } from '../files/json-syntax-error.js';
import { PLAN_FORMAT_VERSION, type PlanDocument } from '../plan/plan-document.js';

/** A plan file as read, and the check of its changes against the schema. */
export interface SavedPlan {
  readonly plan: PlanDocument;
  /**
   * Throws unless the whole file is a valid plan. Its changes (100,000
   * adoptions: 2 s to check) are checked only when apply is about to refuse
   * the file, so that an invalid file is named as such; a file that is
   * exactly the recomputed plan is valid as tenantctl wrote it.
   */
  readonly requireValid: () => void;
}

/**
 * A schema problem at the line and column of the place it names in the file
 * (`plan.json:13:5: PLAN_FILE: …`), as every other refusal of a plan file is.
 */
function located(problem: Diagnostic, bytes: Buffer): Diagnostic {
  const place = problem.location;
  if (!place?.path || place.line !== undefined) return problem;
  const offset = locateJsonPath(bytes, place.path);
  if (offset === null) return problem;
  return { ...problem, location: { ...place, ...lineAndColumnAt(bytes, offset) } };
}

function invalidPlan(file: string, bytes: Buffer, problems: readonly Diagnostic[]): TenantctlError {
  const shown = problems.slice(0, 10).map((problem) => formatDiagnostic(located(problem, bytes)));
  return new TenantctlError(`${file} is not a valid plan:\n${shown.join('\n')}`);
}

/**
 * What to do when a plan is larger than `apply --plan` reads (about 125,000
 * adopted users): the same change, planned afresh at apply, or in parts.
 */
const TOO_LARGE_TO_SAVE =
  'make the change in smaller steps (adopt or create the users over several pull requests), ' +
  'or apply it without a saved plan: `tenantctl apply -c PATH` plans afresh and asks for the same approvals';

/** The bytes of a saved plan, within the limit on plans; messages name it as `shown`. */
export function readPlanBytes(file: string, shown = file): Buffer {
  const read = readInputFile(file, INPUT_LIMITS.plan, 'a saved plan', TOO_LARGE_TO_SAVE, shown);
  if (read.problem) {
    // `cannot read the plan plan.json: no such file or folder (ENOENT)`, not `cannot read the plan: cannot read plan.json: …`.
    const { problem } = read;
    throw new TenantctlError(problem.kind === 'unreadable' ? `cannot read the plan ${shown}: ${problem.reason}` : `cannot read the plan: ${problem.message}`);
  }
  return read.bytes;
}

/**
 * The pieces `plan --out` writes, refused once they pass the limit on plans:
 * a plan `apply --plan` would refuse is found out when it is made, on the
 * pull request, not on merge. Throwing mid-write leaves no file
 * (writePrivateFile writes to a temporary file first).
 */
export function* withinPlanLimit(file: string, pieces: Iterable<string | Uint8Array>, limit: number = INPUT_LIMITS.plan): Generator<string | Uint8Array> {
  let bytes = 0;
  for (const piece of pieces) {
    bytes += typeof piece === 'string' ? Buffer.byteLength(piece) : piece.byteLength;
    if (bytes > limit) {
      throw new TenantctlError(`the plan is larger than ${formatBytes(limit)}, the limit for a saved plan, so it was not saved to ${file}; ${TOO_LARGE_TO_SAVE}`);
    }
    yield piece;
  }
}

/** A plan file JSON.parse refused: where it stops being JSON, and what to do about it. */
function notJson(file: string, text: string, cause: unknown): TenantctlError {
  const syntax = jsonSyntaxError(text);
  const where = syntax ? lineAndColumn(text, syntax.offset) : null;
  const what = syntax && where ? `${file}:${where.line}:${where.column}: not valid JSON: ${syntax.problem}` : `not valid JSON (${(cause as Error).message})`;
  return new TenantctlError(
    `cannot read the plan ${file}: ${what}; it is not a plan tenantctl wrote, or it was damaged (cut short or edited): make it again with \`tenantctl plan --out\``,
  );
}

/**
 * The formatVersion a file gives, for the message refusing it: the file's
 * text, so bounded (a 50 MB string was echoed whole on stderr), and an array
 * or object only named.
 */
function shownVersion(version: unknown): string {
  if (version === undefined) return 'undefined';
  if (typeof version === 'object' && version !== null) return Array.isArray(version) ? 'an array' : 'an object';
  return boundMessage(JSON.stringify(version));
}

/**
 * `plan --out` writes UTF-8. Decoded leniently, a byte that is not UTF-8
 * becomes U+FFFD and the file is read as some other plan; a file saved as
 * UTF-16 (PowerShell 5's `>` of `plan --format json`) fails as JSON at 1:1
 * without saying why. Both are refused as what they are, located.
 */
function refuseNotUtf8(file: string, bytes: Buffer): void {
  const encoding = wrongEncoding(bytes);
  if (encoding) throw new TenantctlError(`cannot read the plan ${file}: ${file}:1:1: ${wrongEncodingMessage(encoding)}`);
  if (isUtf8(bytes)) return;
  const { problem } = findBadUtf8(bytes);
  const byte = problem.byte.toString(16).toUpperCase().padStart(2, '0');
  throw new TenantctlError(
    `cannot read the plan ${file}: ${file}:${problem.line}:${problem.column}: not valid UTF-8 (byte 0x${byte} here), which \`tenantctl plan --out\` always writes; ` +
      'it is not a plan tenantctl wrote, or it was damaged: make it again with `tenantctl plan --out`',
  );
}

/** More than a plan's envelope has (15, schemas/plan.schema.json, which allows no others). */
const ENVELOPE_FIELDS = 64;

function hasMoreFields(value: object, max: number): boolean {
  let fields = 0;
  for (const key in value) if (Object.hasOwn(value, key) && ++fields > max) return true;
  return false;
}

/**
 * Parses a plan saved by `plan --out` (its bytes from readPlanBytes),
 * refusing anything that is not one: not JSON, another format version, or a
 * document whose fields besides the changes break the schema. The changes
 * are checked by `requireValid`.
 */
export function parseSavedPlan(file: string, bytes: Buffer): SavedPlan {
  let value: unknown;
  refuseNotUtf8(file, bytes);
  const beyond = beyondBounds(bytes, PLAN_BOUNDS);
  if (beyond) {
    const where = lineAndColumnAt(bytes, beyond.offset);
    throw new TenantctlError(
      `cannot read the plan ${file}: ${file}:${where.line}:${where.column}: ${beyond.problem}; it is not a plan tenantctl wrote: make it again with \`tenantctl plan --out\``,
    );
  }
  const text = bytes.toString('utf8');
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw notJson(file, text, cause);
  }
  const duplicate = firstDuplicateName(bytes);
  if (duplicate) {
    const where = lineAndColumnAt(bytes, duplicate.offset);
    throw new TenantctlError(
      `cannot read the plan ${file}: ${file}:${where.line}:${where.column}: the field ${JSON.stringify(duplicate.name)} is given twice in one object ` +
        '(JSON.parse keeps the last, other readers the first, so the file reads as two plans); it is not a plan tenantctl wrote: make it again with `tenantctl plan --out`',
    );
  }
  const version = (value as { formatVersion?: unknown } | null)?.formatVersion;
  if (version !== PLAN_FORMAT_VERSION) {
    throw new TenantctlError(`${file} is not a tenantctl plan of format ${PLAN_FORMAT_VERSION} (formatVersion: ${shownVersion(version)}); make it again with \`tenantctl plan --out\``);
  }
  let checked = false;
  const requireValid = () => {
    if (checked) return;
    // The first problem: a plan tenantctl wrote has none, and a hostile one's every error would cost minutes (firstErrorValidator).
    const problems = checkSchema('plan.schema.json', file, value, 'PLAN_FILE', { firstOnly: true });
    if (problems.length > 0) throw invalidPlan(file, bytes, problems);
    checked = true;
  };
  const changes = (value as { changes?: unknown }).changes;
  // Setting the changes aside copies the envelope: a plan's has 15 fields, a hostile one's may have millions (seconds to copy).
  if (!Array.isArray(changes) || hasMoreFields(value as object, ENVELOPE_FIELDS)) requireValid();
  const envelope = checkSchema('plan.schema.json', file, { ...(value as object), changes: [] }, 'PLAN_FILE', { firstOnly: true });
  if (envelope.length > 0) throw invalidPlan(file, bytes, envelope);
  return { plan: value as PlanDocument, requireValid };
}

/**
 * The files `-c` names, with their text, as `loadConfig` hashes them; no need
 * to parse them again.
 */
function configTexts(configPaths: readonly string[]): { file: string; text: string }[] {
  const { files, diagnostics } = listConfigFiles(configPaths);
  // A warning (a path given twice) lists the same files: only errors stop the check.
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) {
    throw new TenantctlError(`cannot read the configuration given with -c:\n${errors.map(formatDiagnostic).join('\n')}`);
  }
  const decoder = new TextDecoder('utf-8');
  return files.map((file) => {
    const read = readInputFile(file, INPUT_LIMITS.file, 'one configuration file');
    if (read.problem) throw new TenantctlError(`cannot read the configuration given with -c: ${read.problem.message}`);
    return { file, text: decoder.decode(read.bytes) };
  });
}

/** The hash `loadConfig` gives the files `-c` names, or as from `namedFrom` (hashConfigNamedFrom). */
function configHashOf(configPaths: readonly string[], namedFrom?: string): string {
  const texts = configTexts(configPaths);
  return namedFrom === undefined ? hashConfig(texts) : hashConfigNamedFrom(texts, namedFrom);
}

/** A folder and those above it, up to the root. */
function foldersUp(folder: string): string[] {
  const found = [folder];
  for (let dir = folder; path.dirname(dir) !== dir; dir = path.dirname(dir)) found.push(path.dirname(dir));
  return found;
}

/**
 * The folder the saved plan's -c paths were relative to, when those given
 * here reach the same files, of the same text, by other paths: `plan -c
 * tenant` in the repository, `apply -c .` inside `tenant/`. Looked for among
 * the first path's folder and those above it (as written, and with symbolic
 * links resolved); the hash still covers every file's text and its name below
 * that folder, so other files, or files in another order, match none. Null
 * when none matches, or the files cannot be read.
 */
export function plannedNamesFolder(configHash: string | null, configPaths: readonly string[]): string | null {
  const first = configPaths[0];
  if (configHash === null || first === undefined) return null;
  try {
    const texts = configTexts(configPaths);
    const given = path.resolve(first);
    const start = fs.statSync(given).isDirectory() ? given : path.dirname(given);
    const real = fs.realpathSync.native(start);
    const candidates = new Set([...foldersUp(start), ...foldersUp(real)]);
    for (const folder of candidates) if (hashConfigNamedFrom(texts, folder) === configHash) return folder;
    return null;
  } catch {
    return null;
  }
}

/** Whether two paths lead to the same file or folder (device and inode, symbolic links followed). */
function samePlace(a: string, b: string): boolean {
  const first = fs.statSync(a, { throwIfNoEntry: false });
  const second = fs.statSync(b, { throwIfNoEntry: false });
  return first !== undefined && second !== undefined && first.dev === second.dev && first.ino === second.ino;
}

/**
 * The same `-c` paths written the other way: absolute ones relative to the
 * working directory, relative ones absolute; null when one of them does not
 * lead to the same file or folder written that way (`link/..` is not
 * `.` when `link` is a symbolic link).
 */
function otherForm(configPaths: readonly string[]): string[] | null {
  const other = configPaths.map((given) => (path.isAbsolute(given) ? path.relative(process.cwd(), given) || '.' : path.resolve(given)));
  return other.every((form, index) => samePlace(form, configPaths[index]!)) ? other : null;
}

/** The -c paths to plan again with, and the folder the file names are hashed from (PlanTenantOptions.configNamedFrom). */
export interface ConfigAsPlanned {
  readonly configPaths: readonly string[];
  readonly namedFrom?: string | undefined;
}

/**
 * With `apply --plan FILE -c PATH`: the configuration must be the one
 * planned. The plan's configHash covers the files' names as `-c` gave them
 * at planning, so the same folder given absolute instead of relative (or
 * relative instead of absolute) hashes differently: then the paths written
 * as at planning are returned, for apply to plan again with (its plan must
 * be the saved one byte for byte, names in the hash included). Only the same
 * files by device and inode are taken so. Files reached from elsewhere (-c .
 * inside the folder planned as -c tenant) are planned again as given, their
 * names hashed from the folder the plan's were relative to (`namedFrom`,
 * plannedNamesFolder). Any other difference is refused.
 */
export function configAsPlanned(plan: Pick<PlanDocument, 'configHash'>, configPaths: readonly string[], namedFrom?: string): ConfigAsPlanned {
  if (configHashOf(configPaths, namedFrom) === plan.configHash) return { configPaths, namedFrom };
  const other = equivalentConfigPaths(plan.configHash, configPaths);
  if (other !== null) return { configPaths: other };
  const folder = plannedNamesFolder(plan.configHash, configPaths);
  if (folder !== null) return { configPaths, namedFrom: folder };
  throw new TenantctlError(
    'the configuration given with -c is not the one this plan was made from: a file changed since, or -c names other files, or the same files by other paths or in another order, than when planning; give -c as it was given to `tenantctl plan --out`, or plan again',
  );
}

/**
 * The `-c` paths as the saved plan was made with them, when those given name
 * the same files the other way (absolute or relative); null when they do not,
 * or the file's hash is already theirs.
 */
export function equivalentConfigPaths(configHash: string | null, configPaths: readonly string[]): string[] | null {
  const other = otherForm(configPaths);
  if (other === null) return null;
  try {
    return configHashOf(other) === configHash ? other : null;
  } catch {
    return null;
  }
}
