import { error, type Diagnostic } from '../diagnostics/diagnostic.js';
import { constructFromEvents, parseEvents, type Event, type ParserOptions } from 'js-yaml';
import { checkExpansion, MIN_EXPANSION_LIMIT } from './alias-expansion.js';
import { hashConfigBytes } from './config-hash.js';
import { listConfigFiles } from './config-files.js';
import { controlCharacterProblem, firstProblem, mayHoldSpecial, tooDeep, tooLongKey, tooWide, unknownDirective, nulProblem, SLOW_PATH_LIMIT, tooManyLines, versionProblem, type SlowPathBudget } from './large-file-problems.js';
import { rememberRegions } from './locate.js';
import { parseWithYaml } from './yaml-problems.js';
import { MAX_NESTING } from './yaml-document.js';
import { firstKeyPastLimits, firstTooDeep } from './event-key-problems.js';
import { findRegions, type FileRegions } from './yaml-regions.js';
import { buildPositionIndex } from './position-index.js';
import { readBlockYaml } from './block-reader.js';
import { runSteps, runStepsYielding, type Steps } from './steps.js';
import { formatBytes, INPUT_LIMITS, readInputFile, type InputProblem } from './read-input-file.js';
import { countValues } from './schema-bounds.js';
import { wrongEncoding, wrongEncodingMessage } from './text-encoding.js';
import { formatCount } from '../diagnostics/message-lists.js';

/**
 * One configuration file as read from disk. `text` is the decoded UTF-8 (no
 * BOM; empty for a file refused as UTF-16 or UTF-32, which is not decoded); `value` is the document as plain JS (objects, arrays, scalars; YAML
 * 1.2 core schema, the values of yaml's `parse`), and is a mapping whenever
 * the file had no problem. It is null when the file could not be parsed or
 * broke a rule of this stage; its diagnostics say why.
 */
export interface ConfigFile {
  readonly file: string;
  readonly text: string;
  readonly value: unknown;
}

/** Every file that could be read, in order, and every problem found reading them. */
export interface LoadedSources {
  readonly files: readonly ConfigFile[];
  readonly diagnostics: readonly Diagnostic[];
  /** hashConfig(files), when it was worked out while the files were parsed. */
  readonly configHash?: string;
}


const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

interface Utf8Problem {
  readonly line: number;
  readonly column: number;
  readonly byte: number;
}

/** Where the first byte that is not UTF-8 is, found only after strict decoding failed (a saved plan's check uses it too). */
export function findBadUtf8(bytes: Buffer): { text: string; problem: Utf8Problem } {
  const lossy = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
  const bom = lossy.startsWith('\uFEFF') ? 1 : 0;
  // The text before the first bad sequence re-encodes to the same bytes, so
  // each U+FFFD is either a real one (EF BF BD in the file) or the bad byte.
  let index = lossy.indexOf('\uFFFD');
  let offset = Buffer.byteLength(lossy.slice(0, Math.max(index, 0)));
  while (index >= 0 && bytes[offset] === 0xef && bytes[offset + 1] === 0xbf && bytes[offset + 2] === 0xbd) {
    const next = lossy.indexOf('\uFFFD', index + 1);
    if (next < 0) break;
    offset += 3 + Buffer.byteLength(lossy.slice(index + 1, next));
    index = next;
  }
  const before = lossy.slice(bom, Math.max(index, bom));
  const lineStart = before.lastIndexOf('\n') + 1;
  const line = before.length - before.replaceAll('\n', '').length + 1;
  return { text: lossy.slice(bom), problem: { line, column: before.length - lineStart + 1, byte: bytes[offset] ?? 0 } };
}

function decodeUtf8(bytes: Buffer): { text: string; problem?: Utf8Problem } {
  try {
    return { text: strictUtf8.decode(bytes) };
  } catch {
    return findBadUtf8(bytes);
  }
}

interface ParsedText {
  readonly value: unknown;
  readonly diagnostics: Diagnostic[];
  readonly regions?: FileRegions;
  readonly values?: number;
  readonly written?: number;
}

/**
 * Fast path: js-yaml (YAML 1.2 core schema, duplicate keys are errors) to
 * plain JS, about ten times faster than yaml's Document model. Whatever it
 * rejects, whatever this stage would report, and any %-directive goes through
 * yaml, which finds every problem and its position, within SLOW_PATH_LIMIT
 * for all the files together.
 */
function parseText(
  file: string,
  text: string,
  valueBudget: number,
  slowBudget: SlowPathBudget,
): ParsedText {
  const refused = (diagnostic: Diagnostic) => ({ value: null, diagnostics: [diagnostic] });
  // The line count first: the NUL's position counts lines.
  const lines = tooManyLines(file, text);
  if (lines) return refused(lines);
  const special = mayHoldSpecial(text);
  const unreadable = special ? (nulProblem(file, text) ?? controlCharacterProblem(file, text)) : null;
  if (unreadable) return refused(unreadable);
  // A file js-yaml does not read as one mapping: yaml, for every problem and its position, while the
  // budget lasts; past it, `problem` alone (large-file-problems.ts).
  const small = text.length <= slowBudget.left;
  const allProblems = () => {
    slowBudget.left -= text.length;
    return parseWithYaml(file, text);
  };
  const slowPath = (problem: () => Diagnostic) => (small ? allProblems() : refused(problem()));
  if (special && /(?:^|[\r\n])%/.test(text)) {
    // A directive is yaml's to read; past the budget only its version is checked, and js-yaml reads the file.
    if (small) return allProblems();
    const directive = versionProblem(file, text) ?? unknownDirective(file, text);
    if (directive) return refused(directive);
  }
  // The plain block YAML most files are, read straight into values; anything else, js-yaml.
  const block = readBlockYaml(text, valueBudget);
  // Too many to keep: not built, nor parsed further (the caller says so).
  if (block && 'overBudget' in block) return { value: null, diagnostics: [], values: block.events };
  if (block) return accepted(file, text, block.value, block.events, block.regions, slowPath);
  let value: unknown;
  let events: Event[] | undefined;
  try {
    // js-yaml's load() is these two steps; the events also give where each entry is.
    const parsed = parseEventsNested(text, valueBudget);
    events = parsed.events;
    const deep = parsed.deep ? firstTooDeep(events, MAX_NESTING) : undefined;
    if (deep !== undefined) return slowPath(() => tooDeep(file, text, deep));
    // The block reader reads no mapping past these, nor a key of more than 256 characters: only here.
    const pastLimit = firstKeyPastLimits(text, events, { keys: INPUT_LIMITS.mappingKeys, characters: INPUT_LIMITS.keyCharacters });
    if (pastLimit?.kind === 'wide') return refused(tooWide(file, text, pastLimit.offset, INPUT_LIMITS.mappingKeys));
    if (pastLimit?.kind === 'long') return refused(tooLongKey(file, text, pastLimit.offset, INPUT_LIMITS.keyCharacters));
    // Too many to keep: not built at all (the caller says so).
    if (events.length > valueBudget) return { value: null, diagnostics: [], values: events.length };
    const documents = constructFromEvents(events, { source: text });
    if (documents.length !== 1) return slowPath(() => firstProblem(file, text, null, documents));
    value = documents[0];
  } catch (cause) {
    // Too many to keep: js-yaml stopped at the budget, none built (the caller says so).
    if (reasonOf(cause).startsWith(EVENTS_EXCEEDED)) return { value: null, diagnostics: [], values: valueBudget + 1 };
    return slowPath(() => firstProblem(file, text, cause, undefined, events));
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return slowPath(() => firstProblem(file, text, null, [value]));
  return accepted(file, text, value, events.length, findRegions(text, events), slowPath);
}

/** A file read as one mapping, once its aliases are measured. */
function accepted(
  file: string,
  text: string,
  value: object,
  events: number,
  regions: FileRegions | undefined,
  slowPath: (problem: () => Diagnostic) => ParsedText,
): ParsedText {
  const expanded = text.includes('*') ? checkExpansion(file, () => buildPositionIndex(text), value, text.length) : undefined;
  const expansion = expanded?.problem;
  if (expansion) return slowPath(() => expansion);
  // An event per scalar, and per collection its start and end: as many as countValues counts, give or take one per
  // collection. Aliases count what they expand to: every later stage reads each expanded value.
  return { value, diagnostics: [], values: expanded?.values ?? events, written: events, ...(regions ? { regions } : {}) };
}

/**
 * js-yaml's events. Its maxDepth counts a scalar as a level, yaml's path (and firstTooDeep) collections only:
 * a file no node of which is deeper than MAX_NESTING (every real one) is read in one parse and needs no
 * firstTooDeep pass over its events; a deeper one is parsed again deep enough for firstTooDeep to find where
 * yaml's path stops (`deep`). The parser does not backtrack over its errors: up to where the first parse
 * stopped, the second does the same, so any other mistake there is still the one told.
 */
function parseEventsNested(text: string, valueBudget: number): { events: Event[]; deep: boolean } {
  // Past the budget js-yaml stops (EVENTS_EXCEEDED) rather than make an event for every value first.
  const options = (maxDepth: number): ParserOptions & { maxEvents: number } => ({ maxDepth, maxEvents: valueBudget + 1 });
  try {
    return { events: parseEvents(text, options(MAX_NESTING)), deep: false };
  } catch (cause) {
    if (!reasonOf(cause).startsWith('nesting exceeded maxDepth')) throw cause;
  }
  return { events: parseEvents(text, options(4 * MAX_NESTING)), deep: true };
}

/**
 * js-yaml's reason when parseEvents passed `maxEvents`, an option the build adds to js-yaml
 * (scripts/js-yaml-event-limit.mjs, which says why; test/config/js-yaml-event-limit.test.ts checks the two agree).
 */
export const EVENTS_EXCEEDED = 'events exceeded maxEvents';

const reasonOf = (cause: unknown): string => {
  const reason = (cause as { reason?: unknown } | null)?.reason;
  return typeof reason === 'string' ? reason : '';
};

/**
 * Decodes and parses one file's bytes. Never throws: every problem (bad UTF-8,
 * YAML syntax, duplicate keys, alias bombs, a top level that is not a mapping,
 * ...) is an error diagnostic located at file:line:column, and `value` is then null.
 */
export function parseYamlSource(
  file: string,
  bytes: Buffer,
  valueBudget = Number.POSITIVE_INFINITY,
  slowBudget: SlowPathBudget = { left: SLOW_PATH_LIMIT },
): { source: ConfigFile; diagnostics: Diagnostic[]; values: number; written: number } {
  // From the first bytes alone, before decoding: a 64 MiB UTF-16 file was decoded twice (strictly, then with
  // replacements to find its first bad byte) only to be refused. Before the first byte that is not UTF-8 too:
  // UTF-16 without a BOM is mostly valid UTF-8, with a NUL every other byte. Its text is not kept (nor hashed).
  const encoding = wrongEncoding(bytes);
  if (encoding) {
    return { source: { file, text: '', value: null }, diagnostics: [error('YAML_NOT_UTF8', wrongEncodingMessage(encoding), { file, line: 1, column: 1 })], values: 0, written: 0 };
  }
  const { text, problem } = decodeUtf8(bytes);
  if (problem) {
    const byte = problem.byte.toString(16).toUpperCase().padStart(2, '0');
    const message = `the file is not valid UTF-8 (byte 0x${byte} here); save it with UTF-8 encoding`;
    return { source: { file, text, value: null }, diagnostics: [error('YAML_NOT_UTF8', message, { file, line: problem.line, column: problem.column })], values: 0, written: 0 };
  }
  try {
    const { value, diagnostics, regions, values, written } = parseText(file, text, valueBudget, slowBudget);
    const source = { file, text, value };
    if (regions) rememberRegions(source, regions);
    // Without aliases (nothing measured them) what a file holds is what it writes.
    const counted = values ?? countValues(value, Number.MAX_SAFE_INTEGER);
    return { source, diagnostics, values: counted, written: written ?? counted };
  } catch (cause) {
    const message = `the YAML could not be read (${(cause as Error).message}); check that this is a tenantctl configuration file`;
    return { source: { file, text, value: null }, diagnostics: [error('YAML_SYNTAX', message, { file })], values: 0, written: 0 };
  }
}

/** Why a file was not read, as a diagnostic; `pastTotal`: it would take the configuration past its total limit. */
function unreadFile(file: string, problem: InputProblem, pastTotal: boolean): Diagnostic {
  switch (problem.kind) {
    case 'not-a-file':
      return error('CONFIG_NOT_A_FILE', problem.message, { file });
    case 'too-large': {
      const together = `the configuration's files are larger than ${formatBytes(INPUT_LIMITS.configuration)} together, the limit for one configuration; ${file} goes past it: split the tenant into several configurations`;
      return error('CONFIG_TOO_LARGE', pastTotal ? together : problem.message, { file });
    }
    case 'unreadable':
      return error('CONFIG_UNREADABLE', problem.message, { file });
  }
}

/**
 * Reads the files of `-c` paths (see listConfigFiles) and parses each. All
 * problems of all files come back together, located; nothing throws. Only
 * plain values are kept: later stages' diagnostics get their lines from
 * locate.ts, which indexes again just the files they name. Only regular
 * files are read, each and all together within INPUT_LIMITS; `what` names
 * one file in messages ("one configuration file", "a catalog file").
 */
export function loadYamlSources(paths: readonly string[], what = 'one configuration file', limit: ValueLimit = CONFIGURATION_VALUES): LoadedSources {
  return runSteps(parseEachFile(readFiles(paths, what), () => undefined, limit));
}

/** The values the files may hold together (parsed no further past them), and what a file past them is told. */
export interface ValueLimit {
  readonly values: number;
  readonly refusal: (file: string) => Diagnostic;
}

const CONFIGURATION_VALUES: ValueLimit = {
  values: INPUT_LIMITS.configurationValues,
  refusal: (file) => error('CONFIG_TOO_LARGE', tooManyValues(file), { file }),
};

/**
 * The same, letting the event loop run between files: a query sent before
 * (the directory's read) then runs on the database server while the files
 * are parsed here. `onParsed`: how many of the files are parsed, for progress.
 */
export async function loadYamlSourcesYielding(
  paths: readonly string[],
  what = 'one configuration file',
  onParsed: (done: number, total: number) => void = () => undefined,
): Promise<LoadedSources> {
  const read = readFiles(paths, what);
  const readable = read.files.flatMap((file) => ('bytes' in file ? [file] : []));
  const configHash = hashConfigBytes(readable);
  const sources = await runStepsYielding(parseEachFile(read, onParsed));
  // A file that is not UTF-8 was decoded with replacements: its text is not its bytes.
  const decodedAsRead = !sources.diagnostics.some((d) => d.code === 'YAML_NOT_UTF8');
  return decodedAsRead ? { ...sources, configHash } : sources;
}

interface ReadFiles {
  readonly listed: readonly Diagnostic[];
  /** In the order they are listed: each file's bytes, or why it was not read. */
  readonly files: readonly ({ readonly file: string; readonly bytes: Buffer } | { readonly file: string; readonly problem: Diagnostic })[];
}

/** Reads every file of the paths, each and all together within INPUT_LIMITS. */
function readFiles(paths: readonly string[], what: string): ReadFiles {
  const listed = listConfigFiles(paths);
  const files: ReadFiles['files'][number][] = [];
  let total = 0;
  for (const file of listed.files) {
    const remaining = INPUT_LIMITS.configuration - total;
    const read = readInputFile(file, Math.min(INPUT_LIMITS.file, remaining), what);
    if (read.problem) {
      files.push({ file, problem: unreadFile(file, read.problem, remaining < INPUT_LIMITS.file) });
      continue;
    }
    total += read.bytes.length;
    files.push({ file, bytes: read.bytes });
  }
  return { listed: listed.diagnostics, files };
}

function tooManyValues(file: string): string {
  const limit = formatCount(INPUT_LIMITS.configurationValues);
  return `the configuration's files hold more than ${limit} values (keys, list items and scalars) together, the limit for one configuration (about 300,000 users); ${file} goes past it: split the tenant into several configurations`;
}

function aliasesTooMany(values: number, written: number): string {
  return (
    `aliases expand the configuration's files to ${formatCount(values)} values together although they write only ${formatCount(written)}` +
    ` (the limit is ${formatCount(Math.max(MIN_EXPANSION_LIMIT, 2 * written))}, against "billion laughs" files split over several files); write the values out instead of repeating them through aliases`
  );
}

/** Parses the files one by one, pausing (yield) after each. */
function* parseEachFile(read: ReadFiles, onParsed: (done: number, total: number) => void, limit: ValueLimit = CONFIGURATION_VALUES): Steps<LoadedSources> {
  const files: ConfigFile[] = [];
  const diagnostics: Diagnostic[] = [...read.listed];
  let values = 0;
  let written = 0;
  // One budget for all the files: 256 files of 1 MiB each would otherwise each take the slow path.
  const slowBudget: SlowPathBudget = { left: SLOW_PATH_LIMIT };
  onParsed(0, read.files.length);
  for (const [index, file] of read.files.entries()) {
    if ('problem' in file) {
      diagnostics.push(file.problem);
      continue;
    }
    const parsed = parseYamlSource(file.file, file.bytes, limit.values - values, slowBudget);
    values += parsed.values;
    written += parsed.written;
    if (values > limit.values) {
      // Not built, or let go at once: the limit is there so that the values fit in memory.
      files.push({ ...parsed.source, value: null });
      diagnostics.push(limit.refusal(file.file));
    } else if (parsed.values > parsed.written && values > Math.max(MIN_EXPANSION_LIMIT, 2 * written)) {
      // Each file within its own limit, a dozen of them are a dozen bombs: the limit holds for all files together.
      files.push({ ...parsed.source, value: null });
      diagnostics.push(error('YAML_ALIAS_LIMIT', aliasesTooMany(values, written), { file: file.file }));
    } else {
      files.push(parsed.source);
      for (const d of parsed.diagnostics) diagnostics.push(d);
    }
    onParsed(index + 1, read.files.length);
    yield;
  }
  return { files, diagnostics };
}
