import { isAlias, isMap, isNode, isSeq, visit, YAMLParseError, type YAMLError } from 'yaml';
import { error, type Diagnostic, type SourceLocation } from '../diagnostics/diagnostic.js';
import { checkExpansion } from './alias-expansion.js';
import { jsKeyOf, parseWithPositions, positionAt, type SourcePositions } from './locate.js';
import { MAX_YAML_PROBLEMS, nestingProblem } from './yaml-document.js';
import { buildPositionIndex, LONE_CR } from './position-index.js';
import { couldBePassword, NOT_SHOWN_PASSWORD, quotesPasswordLike, withoutPasswordLikeWords } from '../credentials/password-policy.js';
import { isTaggedValue, tagOffset, taggedValueMessage } from './yaml-tags.js';

/*
 * The slow path of reading a configuration file: yaml's Document model, which
 * finds every problem js-yaml rejects (or this stage would report) and where
 * it is, and says what is wrong in words an administrator can act on.
 */

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

/** What to do about a %-line yaml does not read: tenantctl reads no directive but %YAML 1.2. */
export const DIRECTIVE_HINT = 'a line that starts with % before the document is a directive, and tenantctl reads only "%YAML 1.2": remove the line';

const NESTING_HINT = 'flatten them: a configuration nests 6 levels at most';

/** The words for values nested deeper than MAX_NESTING, yaml's problem and the hint. */
export const NESTING_MESSAGE = `${nestingProblem}; ${NESTING_HINT}`;

/** A list or mapping written as a key: yaml would make it a text key (`[a]: 1` the key "[ a ]"), js-yaml refuses it. */
export const COLLECTION_KEY_MESSAGE = 'a list or mapping is used as a key here, but a key must be plain text; put the key in quotes, or write the value after its own key';

const SYNTAX_HINTS: Partial<Record<YAMLError['code'], string>> = {
  BAD_INDENT: 'indent the entries of one mapping or list by the same number of spaces',
  BLOCK_AS_IMPLICIT_KEY: 'put a value that contains ": " or " #" in quotes, or start a nested mapping on its own line',
  MULTILINE_IMPLICIT_KEY: 'a key and its ":" must be on one line; put a value that contains ": " in quotes',
  MISSING_CHAR: 'add the missing character',
  BAD_DQ_ESCAPE: 'inside double quotes a backslash starts an escape; write \\\\ for a backslash, or use single quotes',
  RESOURCE_EXHAUSTION: NESTING_HINT,
  BAD_DIRECTIVE: DIRECTIVE_HINT,
};

/** What describing yaml's problems needs: the source, its parse, and where repeated keys were first given. */
interface ProblemContext {
  readonly file: string;
  readonly text: string;
  readonly positions: SourcePositions;
  /** Offset of a repeated key → the key and the offset of its first occurrence. */
  readonly duplicates: ReadonlyMap<number, { readonly key: string; readonly first: number }>;
  /** Offset of a tag → the YAML 1.1 tag written there (see yaml-tags.ts). */
  readonly tagged: ReadonlyMap<number, string>;
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
    return error('YAML_TAB_INDENT', TAB_INDENT_MESSAGE, at(where));
  }
  switch (problem.code) {
    case 'DUPLICATE_KEY':
      return describeDuplicateKey(context, offset);
    case 'MULTIPLE_DOCS': {
      // Without "---", the first document was ended by a "..." line.
      return error('YAML_MULTIPLE_DOCUMENTS', multipleDocumentsMessage(text.startsWith('---', offset) ? '---' : '...'), at(offset));
    }
    case 'MISSING_CHAR': {
      // Only yaml's "Missing closing "quote": its other MISSING_CHAR ("Comments must be separated ...") may be just after a closed one.
      const quote = problem.message.startsWith('Missing closing') ? openingQuote(positions, offset) : undefined;
      if (quote === undefined) return syntaxError(problem, at(offset), lineAt(context, offset));
      const message = `the quote opened here is never closed, so the value runs on to line ${positionAt(positions, offset).line}; add the closing ${text[quote]}`;
      return error('YAML_SYNTAX', message, at(quote));
    }
    case 'NON_STRING_KEY':
      return error('YAML_SYNTAX', COLLECTION_KEY_MESSAGE, at(offset));
    case 'TAG_RESOLVE_FAILED':
    case 'BAD_COLLECTION_TYPE': {
      const tag = context.tagged.get(offset);
      if (tag !== undefined) return error('YAML_UNKNOWN_TAG', taggedValueMessage(tag), at(offset));
      return error('YAML_UNKNOWN_TAG', unknownTagMessage(problem.message, lineAt(context, offset)), at(offset));
    }
    default:
      return syntaxError(problem, at(offset), lineAt(context, offset));
  }
}

/** The source line holding `offset`, which yaml's message may quote a part of. */
function lineAt({ text, positions }: ProblemContext | { text: string; positions: SourcePositions }, offset: number): string {
  const { line } = positionAt(positions, offset);
  const starts = positions.lineCounter.lineStarts;
  return text.slice(starts[line - 1] ?? 0, starts[line] ?? text.length);
}

function syntaxError(problem: YAMLError, location: SourceLocation, line: string): Diagnostic {
  const hint = SYNTAX_HINTS[problem.code] ?? SYNTAX_HINT;
  const message = withoutPasswordLikeWords(problem.message, line).replace(/^[A-Z](?=[a-z])/, (first) => first.toLowerCase());
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
  const anchored = anchoredNodes(positions);
  visit(positions.document, {
    Map(_, map) {
      const firstOffsets = new Map<string, number>();
      for (const pair of map.items) {
        // An alias key is the key it refers to: `*k : 2` after `&k x: 1` repeats x (js-yaml says so too).
        const key = jsKeyOf(isAlias(pair.key) ? anchoredBefore(anchored, pair.key.source, pair.key.range?.[0] ?? 0) : pair.key);
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

/** Each anchor's nodes, in document order (an anchor may be given again; an alias means the last before it). */
function anchoredNodes(positions: SourcePositions): ReadonlyMap<string, readonly { offset: number; node: unknown }[]> {
  const anchored = new Map<string, { offset: number; node: unknown }[]>();
  visit(positions.document, {
    Node(_, node) {
      if (isAlias(node) || !node.anchor) return;
      const list = anchored.get(node.anchor) ?? [];
      list.push({ offset: node.range?.[0] ?? 0, node });
      anchored.set(node.anchor, list);
    },
  });
  return anchored;
}

/** The node anchored `name` last before `offset`, by binary search. */
function anchoredBefore(anchored: ReturnType<typeof anchoredNodes>, name: string, offset: number): unknown {
  const list = anchored.get(name) ?? [];
  let low = 0;
  let high = list.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((list[middle]?.offset ?? 0) < offset) low = middle + 1;
    else high = middle;
  }
  return list[low - 1]?.node;
}

/** Where each key that is a list or mapping starts: yaml would make it a text key, js-yaml refuses it. */
function findCollectionKeys(positions: SourcePositions): number[] {
  const offsets: number[] = [];
  visit(positions.document, {
    Pair(_, pair) {
      if ((isMap(pair.key) || isSeq(pair.key)) && pair.key.range) offsets.push(pair.key.range[0]);
    },
  });
  return offsets;
}

/** Every value tagged with one of YAML 1.1's tags yaml reads (`!!timestamp`, `!!set`, ...), by where its tag is written. */
function findTaggedValues(text: string, positions: SourcePositions): ProblemContext['tagged'] {
  const tagged = new Map<number, string>();
  visit(positions.document, {
    Node(_, node) {
      if (!isAlias(node) && isTaggedValue(node.tag) && node.range) tagged.set(tagOffset(text, node.range[0]), node.tag);
    },
  });
  return tagged;
}

function describeDuplicateKey({ file, positions, duplicates }: ProblemContext, keyOffset: number): Diagnostic {
  const here: SourceLocation = { file, ...positionAt(positions, keyOffset) };
  const duplicate = duplicates.get(keyOffset);
  if (!duplicate) return error('YAML_DUPLICATE_KEY', REPEATED_KEY_MESSAGE, here);
  const related: SourceLocation = { file, ...positionAt(positions, duplicate.first) };
  return error('YAML_DUPLICATE_KEY', duplicateKeyMessage(duplicate.key, related.line), here, related);
}

/** YAML_DUPLICATE_KEY's words for `key`, first given on line `firstLine`. */
export const duplicateKeyMessage = (key: string, firstLine: number | undefined): string =>
  `${couldBePassword(key) ? `a key ${NOT_SHOWN_PASSWORD}` : `key "${key}"`} appears twice in one mapping (first on line ${firstLine}); remove or rename one of them`;

/** The duplicate-key message when the first occurrence was not found. */
export const REPEATED_KEY_MESSAGE = 'this key appears twice in one mapping; remove or rename one of them';

export const TAB_INDENT_MESSAGE = 'a tab is used for indentation, which YAML forbids; indent with spaces instead';

/** What to check for a syntax error no hint fits. */
export const SYNTAX_HINT = 'check the indentation, quotes and brackets around here';

/** YAML_UNKNOWN_TAG's words for a tag yaml names in `parserMessage` (`Unresolved tag: !foo`), on the source line `line`. */
export const unknownTagMessage = (parserMessage: string, line: string): string =>
  `${withoutPasswordLikeWords(parserMessage, line)}; remove the "!" tag: tenantctl reads plain YAML values only`;

/** YAML_MULTIPLE_DOCUMENTS's words, where a second document starts with `marker` or after it. */
export function multipleDocumentsMessage(marker: '---' | '...'): string {
  const started = marker === '---' ? 'starts here ("---")' : 'starts here, after the "..." line that ends the first';
  return `a second YAML document ${started}; a file holds one document: remove the "${marker}" line or move the rest into its own file in the same directory`;
}

/** Diagnostics for what yaml reports while composing, one per line (the first problem of a line explains the rest). */
function composeProblems(file: string, text: string, positions: SourcePositions): Diagnostic[] {
  const { document } = positions;
  const duplicates = findDuplicates(positions);
  const repeatedKeys = [...duplicates.keys()].map((offset) => new YAMLParseError([offset, offset + 1], 'DUPLICATE_KEY', 'Map keys must be unique'));
  const tagged = findTaggedValues(text, positions);
  // yaml resolves these tags without a word (unless the value does not fit the tag): each is a problem here.
  const taggedValues = [...tagged.keys()].map((offset) => new YAMLParseError([offset, offset + 1], 'TAG_RESOLVE_FAILED', 'a YAML 1.1 tag'));
  const collectionKeys = findCollectionKeys(positions).map((offset) => new YAMLParseError([offset, offset + 1], 'NON_STRING_KEY', 'a collection key'));
  const problems = [...document.errors, ...document.warnings, ...repeatedKeys, ...taggedValues, ...collectionKeys].sort((a, b) => a.pos[0] - b.pos[0]);
  const context: ProblemContext = { file, text, positions, duplicates, tagged };
  const seenLines = new Set<number>();
  const diagnostics: Diagnostic[] = [];
  for (const problem of problems) {
    const diagnostic = describeYamlError(context, problem);
    const line = diagnostic.location?.line ?? 0;
    if (seenLines.has(line)) continue;
    seenLines.add(line);
    diagnostics.push(diagnostic);
  }
  if (positions.stoppedAt !== undefined) {
    const message = `more than ${MAX_YAML_PROBLEMS} YAML problems in this file, the last here; the rest were not looked for: fix these and run validate again`;
    diagnostics.push(error('YAML_SYNTAX', message, { file, ...positionAt(positions, positions.stoppedAt) }));
  }
  const version = document.directives?.yaml;
  if (version?.explicit && version.version !== '1.2') {
    const offset = Math.max(text.search(/^%YAML/m), 0);
    diagnostics.push(
      error(
        'YAML_VERSION',
        wrongVersionMessage(String(version.version)),
        { file, ...positionAt(positions, offset) },
      ),
    );
  }
  return diagnostics;
}

/**
 * A password that starts with `*` is read as an alias, so the name is quoted
 * only when it could not be one: with its `*`, which may be the symbol that
 * makes it look like a password (`*welkom2016`), and nor when the line's word
 * it is part of could be one (`[*welk20,16]`).
 */
export function unresolvedAliasMessage(name: string, line: string): string {
  if (couldBePassword(`*${name}`) || quotesPasswordLike(`*${name}`, line)) return `an alias ${NOT_SHOWN_PASSWORD} refers to no anchor; if it is a password, remove it: a password is never written in the configuration; else define the anchor on an earlier value, or fix the name`;
  return `alias *${name} refers to no anchor; define &${name} on an earlier value, or fix the name`;
}

/**
 * Aliases that name no earlier anchor; yaml reports them only when converting
 * to JS. One pass in document order, the order in which yaml looks anchors up
 * (asking each alias to resolve itself walks the whole document each time).
 */
function unresolvedAliases(file: string, text: string, positions: SourcePositions): Diagnostic[] {
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
        error('YAML_SYNTAX', unresolvedAliasMessage(node.source, lineAt({ text, positions }, node.range?.[0] ?? 0)), {
          file,
          ...positionAt(positions, node.range?.[0] ?? 0),
        }),
      );
    },
  });
  return diagnostics;
}

/** YAML_VERSION's words, for a %YAML line asking for `version`. */
export const wrongVersionMessage = (version: string): string =>
  `the file asks for YAML ${version}; tenantctl reads YAML 1.2 (where yes/no/on/off are plain strings): remove the %YAML line`;

export const EMPTY_MESSAGE = 'the file is empty or holds only comments; add the configuration (a mapping such as "users:") or remove the file';

/** YAML_NOT_MAPPING's words, for a file whose top level is `value`. */
export const notMappingMessage = (value: unknown): string => `the top level of the file is ${describeTopLevel(value)}, but it must be a mapping with keys such as "users:"`;

function describeTopLevel(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  return `a ${typeof value === 'string' ? 'string' : typeof value}`;
}

export function parseWithYaml(file: string, source: string): { value: unknown; diagnostics: Diagnostic[]; values?: number; written?: number } {
  // yaml ends lines at LF only; YAML, js-yaml and lineStarts also at a lone CR. Offsets stay the same.
  const text = LONE_CR.test(source) ? source.replace(/\r(?!\n)/g, '\n') : source;
  const positions = parseWithPositions(text);
  const { document } = positions;
  const problems = composeProblems(file, text, positions);
  if (problems.length > 0) return { value: null, diagnostics: problems };
  if (document.contents === null) {
    return { value: null, diagnostics: [error('YAML_EMPTY', EMPTY_MESSAGE, { file, line: 1, column: 1 })] };
  }
  let value: unknown;
  try {
    value = document.toJS({ maxAliasCount: -1 });
  } catch (cause) {
    const aliases = unresolvedAliases(file, text, positions);
    if (aliases.length > 0) return { value: null, diagnostics: aliases };
    throw cause;
  }
  // Measured once here: the caller counts the expanded values toward the configuration's total.
  const expansion = text.includes('*') ? checkExpansion(file, () => buildPositionIndex(text), value, text.length) : undefined;
  if (expansion?.problem) return { value: null, diagnostics: [expansion.problem] };
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const message = notMappingMessage(value);
    const at = positionAt(positions, document.contents.range[0]);
    return { value: null, diagnostics: [error('YAML_NOT_MAPPING', message, { file, ...at })] };
  }
  return { value, diagnostics: [], ...(expansion ? { values: expansion.values, written: expansion.written } : {}) };
}
