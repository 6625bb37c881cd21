import { error, type Diagnostic } from '../diagnostics/diagnostic.js';
import { formatCount } from '../diagnostics/message-lists.js';
import { lineAndColumn, lineStarts } from './position-index.js';
import { withoutPasswordLikeWords } from '../credentials/password-policy.js';
import { isTaggedValue, taggedValueMessage } from './yaml-tags.js';
import {
  COLLECTION_KEY_MESSAGE,
  DIRECTIVE_HINT,
  duplicateKeyMessage,
  EMPTY_MESSAGE,
  multipleDocumentsMessage,
  NESTING_MESSAGE,
  notMappingMessage,
  REPEATED_KEY_MESSAGE,
  SYNTAX_HINT,
  TAB_INDENT_MESSAGE,
  unknownTagMessage,
  unresolvedAliasMessage,
  wrongVersionMessage,
} from './yaml-problems.js';
import type { Event } from 'js-yaml';
import { firstKeyProblem } from './event-key-problems.js';
import { CONTROL_CHARACTERS } from './yaml-characters.js';

/**
 * The text a configuration's files that js-yaml does not read as one mapping
 * may have parsed again by yaml, together. yaml finds every problem and its
 * position but takes about 2 s a megabyte of plain configuration, and up to
 * 6 s and 400 MB a megabyte of brackets (its syntax tree): one syntax error
 * at the end of a 60 MB file took 118 s and 3.5 GB, a `%YAML` line on a
 * valid 16 MB file 29 s, 24 MB of `a: [` lines ended on the heap limit
 * (helper-75), 4 MiB of nested brackets 54 s and 3.2 GB (helper-76). Past
 * the budget a file gets js-yaml's first problem instead, located. A file
 * written by hand is well within it; a department's export of a large
 * tenant may not be, and is then told its first problem at a time.
 */
export const SLOW_PATH_LIMIT = 1024 * 1024;

/** What is left of SLOW_PATH_LIMIT for the files still to parse. */
export interface SlowPathBudget {
  left: number;
}

const TOO_LARGE_FOR_ALL = `the configuration's files with problems are over ${SLOW_PATH_LIMIT / 1024 / 1024} MiB, so only the first problem of this one is shown: fix it and run again`;

/** `line` and `column` of `offset` in `text`, for the one problem reported (the file's line count is bounded first). */
const position = (text: string, offset: number) => lineAndColumn({ root: undefined, lineStarts: lineStarts(text) }, offset);

/**
 * A NUL character: no YAML holds one, and no text column can store one.
 * js-yaml's error for it built a table of every "line" it ends, 2.2 GB for a
 * file of 63 MB of NUL bytes (which git stores in a few KB).
 */
export function nulProblem(file: string, text: string): Diagnostic | null {
  const at = text.indexOf('\0');
  if (at < 0) return null;
  return error('YAML_SYNTAX', 'the file holds a NUL character (U+0000) here, which no YAML text may hold; check that this is the file meant, and remove it', {
    file,
    ...position(text, at),
  });
}

/**
 * A character YAML text may not hold (YAML 1.2 c-printable; NUL is nulProblem's): js-yaml refuses it, yaml
 * reads it, so a control character in a value was refused in a file over SLOW_PATH_LIMIT and stored from a
 * small one. Both are refused, located, whatever the file's size.
 */
export function controlCharacterProblem(file: string, text: string): Diagnostic | null {
  const at = text.search(CONTROL_CHARACTER);
  if (at < 0) return null;
  const code = (text.codePointAt(at) ?? 0).toString(16).toUpperCase().padStart(4, '0');
  const escape = code.startsWith('00') ? `\\x${code.slice(2)}` : `\\u${code}`;
  const message = `the file holds the control character U+${code} here, which no YAML text may hold; remove it, or write it as the escape "${escape}" inside double quotes`;
  return error('YAML_SYNTAX', message, { file, ...position(text, at) });
}

/**
 * Whether nulProblem or controlCharacterProblem may find something or a line may start with `%`: one pass
 * for the three, as every file over SLOW_PATH_LIMIT takes them (the 37 MB of 100,000 users: 33 ms, against
 * 90 for a pass each). false: neither finds anything and no line is a directive. Up to the first `%`, one
 * character class; past a `%` inside a line (100%, a password) a pass that tells a line's first `%` apart.
 */
export function mayHoldSpecial(text: string): boolean {
  SPECIAL_OR_PERCENT.lastIndex = 0;
  const found = SPECIAL_OR_PERCENT.exec(text);
  if (!found) return false;
  if (text[found.index] !== '%' || found.index === 0 || text[found.index - 1] === '\n' || text[found.index - 1] === '\r') return true;
  SPECIAL.lastIndex = found.index + 1;
  return SPECIAL.test(text);
}
const CONTROL_CHARACTER = new RegExp(`[${CONTROL_CHARACTERS}]`);
const SPECIAL_OR_PERCENT = new RegExp(`[\\0${CONTROL_CHARACTERS}%]`, 'g');
const SPECIAL = new RegExp(`[\\0${CONTROL_CHARACTERS}]|[\\r\\n]%`, 'g');

/**
 * Line breaks (LF and CR each) a file may hold: a real 64 MiB configuration
 * has about 2 million lines. js-yaml's error for a problem records where
 * every line before it starts and ends: after 63 million blank lines, 2.8 GB
 * (helper-76).
 */
export const MAX_LINE_BREAKS = 8_000_000;

export function tooManyLines(file: string, text: string): Diagnostic | null {
  let breaks = 0;
  for (const lineBreak of ['\n', '\r']) {
    for (let at = text.indexOf(lineBreak); at >= 0; at = text.indexOf(lineBreak, at + 1)) {
      if (++breaks > MAX_LINE_BREAKS) {
        const message = `the file has more than ${MAX_LINE_BREAKS.toLocaleString('en-US')} line breaks, the limit for one configuration file (a real one of 64 MiB has about 2,000,000 lines): remove the empty lines, or split the file`;
        return error('CONFIG_TOO_LARGE', message, { file });
      }
    }
  }
  return null;
}

/** The %YAML directive's version when it is not 1.2, as yaml would report it, for a file too large for yaml. */
export function versionProblem(file: string, text: string): Diagnostic | null {
  // Line starts as YAML has them: with the m flag, ^ also matches after U+2028 in a comment (helper-76).
  const directive = /(?:^|[\r\n])%YAML[ \t]+([^\s#]*)/.exec(text);
  if (!directive || directive[1] === '1.2') return null;
  const at = directive.index + (directive[0].startsWith('%') ? 0 : 1);
  return error('YAML_VERSION', wrongVersionMessage(directive[1] ?? ''), { file, ...position(text, at) });
}

/**
 * A directive other than %YAML and %TAG before the document, which yaml's
 * path refuses and js-yaml ignores: told as yaml's path tells it. Only the
 * lines before the document are looked at.
 */
export function unknownDirective(file: string, text: string): Diagnostic | null {
  const line = /[^\r\n]*(?:\r\n?|\n|$)/g;
  for (let found = line.exec(text); found && found[0] !== ''; found = line.exec(text)) {
    const name = /^%([^\s#]*)/.exec(found[0])?.[1];
    if (name === undefined) {
      if (/^[ \t]*(?:#|$)/.test(found[0].trimEnd())) continue;
      return null;
    }
    if (name === 'YAML' || name === 'TAG') continue;
    const message = `${withoutPasswordLikeWords(`unknown directive %${name}`, found[0])}; ${DIRECTIVE_HINT}`;
    return error('YAML_SYNTAX', `${message}; ${TOO_LARGE_FOR_ALL}`, { file, ...position(text, found.index) });
  }
  return null;
}

interface JsYamlProblem {
  readonly reason?: unknown;
  readonly mark?: { readonly line?: unknown; readonly column?: unknown };
}

/**
 * Where a second document starts: its `---` line (the first `---` starts the first document unless
 * content came before it), or the first content after a `...` line, as yaml's path says. One pass.
 */
function secondDocument(text: string): { marker: '---' | '...'; offset: number } | undefined {
  const markers = /^(---|\.\.\.)(?=[ \t\r\n]|$)/gm;
  let started = false;
  let segmentStart = 0;
  for (let found = markers.exec(text); found; found = markers.exec(text)) {
    const content = /^[ \t]*[^\s#%]/m.test(text.slice(segmentStart, found.index));
    segmentStart = found.index + 3;
    if (found[1] === '---') {
      if (content || started) return { marker: '---', offset: found.index };
      started = true;
      continue;
    }
    const after = /^[ \t]*[^\s#]/m.exec(text.slice(segmentStart));
    return { marker: '...', offset: after ? segmentStart + after.index + after[0].length - 1 : found.index };
  }
  return undefined;
}

/** A mapping with a key past INPUT_LIMITS.mappingKeys, at that key: refused whatever the file's size. */
export const tooWide = (file: string, text: string, offset: number, max: number): Diagnostic =>
  error(
    'CONFIG_TOO_LARGE',
    `this mapping has more than ${formatCount(max)} keys, the limit for one mapping (no configuration or catalog needs as many: a user has a few dozen fields, spareSeats one per subscription), so the file's values were not checked: remove what does not belong there`,
    { file, ...position(text, offset) },
  );

/** A key of more than INPUT_LIMITS.keyCharacters, at that key: refused whatever the file's size. */
export const tooLongKey = (file: string, text: string, offset: number, max: number): Diagnostic =>
  error(
    'CONFIG_TOO_LARGE',
    `this key is longer than ${formatCount(max)} characters, the limit for a key (no configuration or catalog needs one as long: a field, a SKU or a domain name has a few dozen), so the file's values were not checked: shorten it or remove it`,
    { file, ...position(text, offset) },
  );

/** Values nested deeper than MAX_NESTING, at `offset`: worded as yaml's path words them. */
export const tooDeep = (file: string, text: string, offset: number): Diagnostic =>
  error('YAML_SYNTAX', `${NESTING_MESSAGE}; ${TOO_LARGE_FOR_ALL}`, { file, ...position(text, offset) });

/**
 * The one problem reported for a file over SLOW_PATH_LIMIT that js-yaml
 * refused (`cause`) or read as something other than one mapping (`documents`),
 * with the code, words and position yaml's path gives the same mistake in a
 * small file, where js-yaml's words and position differ (test/config/fast-slow-parity.test.ts).
 * `events`: js-yaml's, when it read them and failed only building the values.
 */
export function firstProblem(file: string, text: string, cause: unknown, documents?: readonly unknown[], events?: readonly Event[]): Diagnostic {
  const note = (message: string) => `${message}; ${TOO_LARGE_FOR_ALL}`;
  const atOffset = (offset: number) => ({ file, ...position(text, offset) });
  if (documents === undefined) {
    const { reason, mark } = (cause ?? {}) as JsYamlProblem;
    const at = typeof mark?.line === 'number' && typeof mark.column === 'number' ? { file, line: mark.line + 1, column: mark.column + 1 } : { file, line: 1, column: 1 };
    if (typeof reason !== 'string') {
      // Not js-yaml's own error (a tag of 60 million characters overflows its stack): say what it was.
      return error('YAML_SYNTAX', note(`the YAML cannot be read (${cause instanceof Error ? `${cause.name}: ${cause.message}` : 'unknown error'})`), at);
    }
    const line = text.split(/\r\n?|\n/, at.line)[at.line - 1] ?? '';
    const tag = /^(?:unknown (?:scalar |sequence |mapping )?tag|cannot resolve a node with) !<([^>]*)>(?: explicit tag)?$/.exec(reason)?.[1];
    if (tag !== undefined) {
      // js-yaml's core schema refuses the YAML 1.1 tags yaml reads; other tags are named as yaml names them.
      return error('YAML_UNKNOWN_TAG', note(isTaggedValue(tag) ? taggedValueMessage(tag) : unknownTagMessage(`Unresolved tag: ${tag}`, line)), at);
    }
    const keyProblem = events && (reason === 'duplicated mapping key' || reason.endsWith('does not support complex keys')) ? firstKeyProblem(text, events) : undefined;
    if (keyProblem?.kind === 'collection') return error('YAML_SYNTAX', note(COLLECTION_KEY_MESSAGE), atOffset(keyProblem.offset));
    // An empty key has no offset: js-yaml's own position then.
    if (keyProblem && keyProblem.offset < 0) return error('YAML_DUPLICATE_KEY', note(REPEATED_KEY_MESSAGE), at);
    if (keyProblem?.kind === 'duplicate' && keyProblem.first >= 0) {
      const first = atOffset(keyProblem.first);
      return error('YAML_DUPLICATE_KEY', note(duplicateKeyMessage(keyProblem.key, first.line)), atOffset(keyProblem.offset), first);
    }
    if (reason === 'duplicated mapping key') return error('YAML_DUPLICATE_KEY', note(REPEATED_KEY_MESSAGE), keyProblem ? atOffset(keyProblem.offset) : at);
    if (reason === 'tab characters must not be used in indentation') return error('YAML_TAB_INDENT', note(TAB_INDENT_MESSAGE), at);
    if (reason.startsWith('nesting exceeded maxDepth')) return error('YAML_SYNTAX', note(NESTING_MESSAGE), at);
    const alias = /^unidentified alias "(.*)"$/.exec(reason)?.[1];
    // js-yaml's position is the alias's name, yaml's its "*".
    if (alias !== undefined) return error('YAML_SYNTAX', note(unresolvedAliasMessage(alias, line)), { ...at, column: Math.max(1, at.column - 1) });
    // js-yaml quotes the source it stumbles on (`unknown tag !<!Welkom2016>`), so words written like a password are left out.
    return error('YAML_SYNTAX', note(`${withoutPasswordLikeWords(reason, line)}; ${SYNTAX_HINT}`), at);
  }
  if (documents.length === 0) return error('YAML_EMPTY', EMPTY_MESSAGE, { file, line: 1, column: 1 });
  if (documents.length > 1) {
    const second = secondDocument(text);
    if (second) return error('YAML_MULTIPLE_DOCUMENTS', note(multipleDocumentsMessage(second.marker)), atOffset(second.offset));
    return error('YAML_MULTIPLE_DOCUMENTS', note(`the file holds ${documents.length} YAML documents (split by ---), but a configuration file holds one`), { file, line: 1, column: 1 });
  }
  return error('YAML_NOT_MAPPING', notMappingMessage(documents[0]), { file, line: 1, column: 1 });
}
