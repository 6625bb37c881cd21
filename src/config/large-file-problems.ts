import { error, type Diagnostic } from '../diagnostics/diagnostic.js';
import { lineAndColumn, lineStarts } from './position-index.js';
import { withoutPasswordLikeWords } from '../credentials/password-policy.js';
import { isTaggedValue, taggedValueMessage } from './yaml-tags.js';
import { EMPTY_MESSAGE, notMappingMessage, wrongVersionMessage } from './yaml-problems.js';

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

interface JsYamlProblem {
  readonly reason?: unknown;
  readonly mark?: { readonly line?: unknown; readonly column?: unknown };
}

/**
 * The one problem reported for a file over SLOW_PATH_LIMIT that js-yaml
 * refused (`cause`) or read as something other than one mapping (`documents`).
 */
export function firstProblem(file: string, cause: unknown, documents?: readonly unknown[]): Diagnostic {
  if (documents === undefined) {
    const { reason, mark } = (cause ?? {}) as JsYamlProblem;
    const at = typeof mark?.line === 'number' && typeof mark.column === 'number' ? { line: mark.line + 1, column: mark.column + 1 } : { line: 1, column: 1 };
    // Not js-yaml's own error (a tag of 60 million characters overflows its stack): say what it was.
    // js-yaml quotes the source it stumbles on (`unknown tag !<!Welkom2016>`), so words written like a password are left out.
    const what = typeof reason === 'string' ? withoutPasswordLikeWords(reason) : `the YAML cannot be read (${cause instanceof Error ? `${cause.name}: ${cause.message}` : 'unknown error'})`;
    // js-yaml's core schema refuses the YAML 1.1 tags yaml reads: worded as yaml's path words them.
    const tag = typeof reason === 'string' ? /^unknown (?:scalar |sequence |mapping )?tag !<([^>]*)>$/.exec(reason)?.[1] : undefined;
    if (isTaggedValue(tag)) return error('YAML_UNKNOWN_TAG', `${taggedValueMessage(tag)}; ${TOO_LARGE_FOR_ALL}`, { file, ...at });
    return error('YAML_SYNTAX', `${what}; ${TOO_LARGE_FOR_ALL}`, { file, ...at });
  }
  const at = { file, line: 1, column: 1 };
  if (documents.length === 0) return error('YAML_EMPTY', EMPTY_MESSAGE, at);
  if (documents.length > 1) return error('YAML_SYNTAX', `the file holds ${documents.length} YAML documents (split by ---), but a configuration file holds one; ${TOO_LARGE_FOR_ALL}`, at);
  return error('YAML_NOT_MAPPING', notMappingMessage(documents[0]), at);
}
