import { isAlias, isNode, visit, YAMLParseError, type YAMLError } from 'yaml';
import { error, type Diagnostic, type SourceLocation } from '../diagnostics/diagnostic.js';
import { constructFromEvents, parseEvents, type Event } from 'js-yaml';
import { checkExpansion } from './alias-expansion.js';
import { hashConfigBytes } from './config-hash.js';
import { listConfigFiles } from './config-files.js';
import { jsKeyOf, parseWithPositions, positionAt, rememberRegions, type SourcePositions } from './locate.js';
import { findRegions, type FileRegions } from './yaml-regions.js';
import { buildPositionIndex } from './position-index.js';
import { formatBytes, INPUT_LIMITS, readInputFile, type InputProblem } from './read-input-file.js';

/**
 * One configuration file as read from disk. `text` is the decoded UTF-8 (no
 * BOM); `value` is the document as plain JS (objects, arrays, scalars; YAML
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

/** Where the first byte that is not UTF-8 is, found only after strict decoding failed. */
function findBadUtf8(bytes: Buffer): { text: string; problem: Utf8Problem } {
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

/** Offset of the first tab in a line's indentation (spaces, tabs and `- ` indicators), or -1. */
function indentationTab(text: string, lineStart: number): number {
  for (let i = lineStart; i < text.length; i++) {
    const c = text[i];
    if (c === '\t') return i;
    if (c === ' ' || (c === '-' && (text[i + 1] === ' ' || text[i + 1] === '\t'))) continue;
    return -1;
  }
  return -1;
}

const SYNTAX_HINTS: Partial<Record<YAMLError['code'], string>> = {
  BAD_INDENT: 'indent the entries of one mapping or list by the same number of spaces',
  BLOCK_AS_IMPLICIT_KEY: 'put a value that contains ": " or " #" in quotes, or start a nested mapping on its own line',
  MULTILINE_IMPLICIT_KEY: 'a key and its ":" must be on one line; put a value that contains ": " in quotes',
  MISSING_CHAR: 'add the missing character',
  BAD_DQ_ESCAPE: 'inside double quotes a backslash starts an escape; write \\\\ for a backslash, or use single quotes',
  RESOURCE_EXHAUSTION: 'the file nests too deeply; flatten it',
};

/** What describing yaml's problems needs: the source, its parse, and where repeated keys were first given. */
interface ProblemContext {
  readonly file: string;
  readonly text: string;
  readonly positions: SourcePositions;
  /** Offset of a repeated key → the key and the offset of its first occurrence. */
  readonly duplicates: ReadonlyMap<number, { readonly key: string; readonly first: number }>;
}

/** Describes one of yaml's errors or warnings (all of them are errors here). */
function describeYamlError(context: ProblemContext, problem: YAMLError): Diagnostic {
  const { file, text, positions } = context;
  const offset = problem.pos[0];
  const at = (o: number): SourceLocation => ({ file, ...positionAt(positions, o) });
  const lineStart = positions.lineCounter.lineStarts[positionAt(positions, offset).line - 1] ?? 0;
  const tab = indentationTab(text, lineStart);
  if (problem.code === 'TAB_AS_INDENT' || tab >= 0) {
    const where = tab >= 0 ? tab : offset;
    return error('YAML_TAB_INDENT', 'a tab is used for indentation, which YAML forbids; indent with spaces instead', at(where));
  }
  switch (problem.code) {
    case 'DUPLICATE_KEY':
      return describeDuplicateKey(context, offset);
    case 'MULTIPLE_DOCS':
      return error(
        'YAML_MULTIPLE_DOCUMENTS',
        'a second YAML document starts here ("---"); a file holds one document: remove the "---" line or move the rest into its own file in the same directory',
        at(offset),
      );
    case 'MISSING_CHAR': {
      const quote = openingQuote(positions, offset);
      if (quote === undefined) return syntaxError(problem, at(offset));
      const message = `the quote opened here is never closed, so the value runs on to line ${positionAt(positions, offset).line}; add the closing ${text[quote]}`;
      return error('YAML_SYNTAX', message, at(quote));
    }
    case 'TAG_RESOLVE_FAILED':
    case 'BAD_COLLECTION_TYPE':
      return error('YAML_UNKNOWN_TAG', `${problem.message}; remove the "!" tag: tenantctl reads plain YAML values only`, at(offset));
    default:
      return syntaxError(problem, at(offset));
  }
}

function syntaxError(problem: YAMLError, location: SourceLocation): Diagnostic {
  const hint = SYNTAX_HINTS[problem.code] ?? 'check the indentation, quotes and brackets around here';
  const message = problem.message.replace(/^[A-Z](?=[a-z])/, (first) => first.toLowerCase());
  return error('YAML_SYNTAX', `${message}; ${hint}`, location);
}

/** Start of the quoted value that yaml ran to `end` looking for its closing quote. */
function openingQuote(positions: SourcePositions, end: number): number | undefined {
  let start: number | undefined;
  visit(positions.document, {
    Scalar(_, scalar) {
      const quoted = scalar.type === 'QUOTE_DOUBLE' || scalar.type === 'QUOTE_SINGLE';
      if (quoted && scalar.range && scalar.range[0] < end && scalar.range[1] >= end) start = scalar.range[0];
    },
  });
  return start;
}

/**
 * Every repeated key, in one pass over the document (yaml's own check is a
 * linear search per key, so it is off; see yaml-document.ts). Keys repeat
 * when they become the same JS property, so `1:` and `"1":` in one mapping
 * are duplicates instead of one silently overwriting the other.
 */
function findDuplicates(positions: SourcePositions): ProblemContext['duplicates'] {
  const duplicates = new Map<number, { key: string; first: number }>();
  visit(positions.document, {
    Map(_, map) {
      const firstOffsets = new Map<string, number>();
      for (const pair of map.items) {
        const key = jsKeyOf(pair.key);
        const offset = isNode(pair.key) ? pair.key.range?.[0] : undefined;
        if (key === undefined || offset === undefined) continue;
        const first = firstOffsets.get(key);
        if (first === undefined) firstOffsets.set(key, offset);
        else duplicates.set(offset, { key, first });
      }
    },
  });
  return duplicates;
}

function describeDuplicateKey({ file, positions, duplicates }: ProblemContext, keyOffset: number): Diagnostic {
  const here: SourceLocation = { file, ...positionAt(positions, keyOffset) };
  const duplicate = duplicates.get(keyOffset);
  if (!duplicate) return error('YAML_DUPLICATE_KEY', 'this key appears twice in one mapping; remove or rename one of them', here);
  const related: SourceLocation = { file, ...positionAt(positions, duplicate.first) };
  return error(
    'YAML_DUPLICATE_KEY',
    `key "${duplicate.key}" appears twice in one mapping (first on line ${related.line}); remove or rename one of them`,
    here,
    related,
  );
}

/** Diagnostics for what yaml reports while composing, one per line (the first problem of a line explains the rest). */
function composeProblems(file: string, text: string, positions: SourcePositions): Diagnostic[] {
  const { document } = positions;
  const duplicates = findDuplicates(positions);
  const repeatedKeys = [...duplicates.keys()].map((offset) => new YAMLParseError([offset, offset + 1], 'DUPLICATE_KEY', 'Map keys must be unique'));
  const problems = [...document.errors, ...document.warnings, ...repeatedKeys].sort((a, b) => a.pos[0] - b.pos[0]);
  const context: ProblemContext = { file, text, positions, duplicates };
  const seenLines = new Set<number>();
  const diagnostics: Diagnostic[] = [];
  for (const problem of problems) {
    const diagnostic = describeYamlError(context, problem);
    const line = diagnostic.location?.line ?? 0;
    if (seenLines.has(line)) continue;
    seenLines.add(line);
    diagnostics.push(diagnostic);
  }
  const version = document.directives?.yaml;
  if (version?.explicit && version.version !== '1.2') {
    const offset = Math.max(text.search(/^%YAML/m), 0);
    diagnostics.push(
      error(
        'YAML_VERSION',
        `the file asks for YAML ${version.version}; tenantctl reads YAML 1.2 (where yes/no/on/off are plain strings): remove the %YAML line`,
        { file, ...positionAt(positions, offset) },
      ),
    );
  }
  return diagnostics;
}

/**
 * Aliases that name no earlier anchor; yaml reports them only when converting
 * to JS. One pass in document order, the order in which yaml looks anchors up
 * (asking each alias to resolve itself walks the whole document each time).
 */
function unresolvedAliases(file: string, positions: SourcePositions): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const anchors = new Set<string>();
  visit(positions.document, {
    Node(_, node) {
      if (!isAlias(node)) {
        if (node.anchor) anchors.add(node.anchor);
        return;
      }
      if (anchors.has(node.source)) return;
      diagnostics.push(
        error('YAML_SYNTAX', `alias *${node.source} refers to no anchor; define &${node.source} on an earlier value, or fix the name`, {
          file,
          ...positionAt(positions, node.range?.[0] ?? 0),
        }),
      );
    },
  });
  return diagnostics;
}

function describeTopLevel(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  return `a ${typeof value === 'string' ? 'string' : typeof value}`;
}

function parseWithYaml(file: string, text: string): { value: unknown; diagnostics: Diagnostic[] } {
  const positions = parseWithPositions(text);
  const { document } = positions;
  const problems = composeProblems(file, text, positions);
  if (problems.length > 0) return { value: null, diagnostics: problems };
  if (document.contents === null) {
    const message = 'the file is empty or holds only comments; add the configuration (a mapping such as "users:") or remove the file';
    return { value: null, diagnostics: [error('YAML_EMPTY', message, { file, line: 1, column: 1 })] };
  }
  let value: unknown;
  try {
    value = document.toJS({ maxAliasCount: -1 });
  } catch (cause) {
    const aliases = unresolvedAliases(file, positions);
    if (aliases.length > 0) return { value: null, diagnostics: aliases };
    throw cause;
  }
  const expansion = text.includes('*') ? checkExpansion(file, () => buildPositionIndex(text), value) : undefined;
  if (expansion) return { value: null, diagnostics: [expansion] };
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const message = `the top level of the file is ${describeTopLevel(value)}, but it must be a mapping with keys such as "users:"`;
    const at = positionAt(positions, document.contents.range[0]);
    return { value: null, diagnostics: [error('YAML_NOT_MAPPING', message, { file, ...at })] };
  }
  return { value, diagnostics: [] };
}

/**
 * Fast path: js-yaml (YAML 1.2 core schema, duplicate keys are errors) to
 * plain JS, about ten times faster than yaml's Document model. Whatever it
 * rejects, whatever this stage would report, and any %-directive goes through
 * yaml, which finds every problem and its position.
 */
function parseText(file: string, text: string): { value: unknown; diagnostics: Diagnostic[]; regions?: FileRegions } {
  if (/^%/m.test(text)) return parseWithYaml(file, text);
  let value: unknown;
  let events: Event[];
  try {
    // js-yaml's load() is these two steps; the events also give where each entry is.
    events = parseEvents(text, {});
    const documents = constructFromEvents(events, { source: text });
    if (documents.length !== 1) return parseWithYaml(file, text);
    value = documents[0];
  } catch {
    return parseWithYaml(file, text);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return parseWithYaml(file, text);
  if (text.includes('*') && checkExpansion(file, () => buildPositionIndex(text), value)) return parseWithYaml(file, text);
  const regions = findRegions(text, events);
  return { value, diagnostics: [], ...(regions ? { regions } : {}) };
}

/**
 * Decodes and parses one file's bytes. Never throws: every problem (bad UTF-8,
 * YAML syntax, duplicate keys, alias bombs, a top level that is not a mapping,
 * ...) is an error diagnostic located at file:line:column, and `value` is then null.
 */
export function parseYamlSource(file: string, bytes: Buffer): { source: ConfigFile; diagnostics: Diagnostic[] } {
  const { text, problem } = decodeUtf8(bytes);
  if (problem) {
    const byte = problem.byte.toString(16).toUpperCase().padStart(2, '0');
    const message = `the file is not valid UTF-8 (byte 0x${byte} here); save it with UTF-8 encoding`;
    return { source: { file, text, value: null }, diagnostics: [error('YAML_NOT_UTF8', message, { file, line: problem.line, column: problem.column })] };
  }
  try {
    const { value, diagnostics, regions } = parseText(file, text);
    const source = { file, text, value };
    if (regions) rememberRegions(source, regions);
    return { source, diagnostics };
  } catch (cause) {
    const message = `the YAML could not be read (${(cause as Error).message}); check that this is a tenantctl configuration file`;
    return { source: { file, text, value: null }, diagnostics: [error('YAML_SYNTAX', message, { file })] };
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
export function loadYamlSources(paths: readonly string[], what = 'one configuration file'): LoadedSources {
  const parsing = parseEachFile(readFiles(paths, what));
  for (let step = parsing.next(); ; step = parsing.next()) if (step.done) return step.value;
}

/**
 * The same, letting the event loop run between files: a query sent before
 * (the directory's read) then runs on the database server while the files
 * are parsed here.
 */
export async function loadYamlSourcesYielding(paths: readonly string[], what = 'one configuration file'): Promise<LoadedSources> {
  const read = readFiles(paths, what);
  const readable = read.files.flatMap((file) => ('bytes' in file ? [file] : []));
  const hashing = hashConfigBytes(readable);
  // Awaited only once the files are parsed; until then a failure must not count as unhandled.
  hashing.catch(() => undefined);
  const parsing = parseEachFile(read);
  for (let step = parsing.next(); ; step = parsing.next()) {
    if (!step.done) {
      await new Promise((resolve) => setImmediate(resolve));
      continue;
    }
    // A file that is not UTF-8 was decoded with replacements: its text is not its bytes.
    const decodedAsRead = !step.value.diagnostics.some((d) => d.code === 'YAML_NOT_UTF8');
    return decodedAsRead ? { ...step.value, configHash: await hashing } : step.value;
  }
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

/** Parses the files one by one, pausing (yield) after each. */
function* parseEachFile(read: ReadFiles): Generator<void, LoadedSources> {
  const files: ConfigFile[] = [];
  const diagnostics: Diagnostic[] = [...read.listed];
  for (const file of read.files) {
    if ('problem' in file) {
      diagnostics.push(file.problem);
      continue;
    }
    const parsed = parseYamlSource(file.file, file.bytes);
    files.push(parsed.source);
    for (const d of parsed.diagnostics) diagnostics.push(d);
    yield;
  }
  return { files, diagnostics };
}
