import { error, type Diagnostic } from '../diagnostics/diagnostic.js';

/**
 * The text a configuration's files that js-yaml does not read as one mapping
 * may have parsed again by yaml, together. yaml finds every problem and its
 * position but takes about 2 s a megabyte, 3.5 s and 450 MB a megabyte of
 * errors on every line: one syntax error at the end of a 60 MB file took
 * 118 s and 3.5 GB, a `%YAML` line on a valid 16 MB file 29 s, 24 MB of
 * `a: [` lines ended on the heap limit (helper-75). Past the budget a file
 * gets js-yaml's first problem instead. A file written by hand, or a
 * department's export at 100,000 users (3-5 MB), is within it.
 */
export const SLOW_PATH_LIMIT = 4 * 1024 * 1024;

/** What is left of SLOW_PATH_LIMIT for the files still to parse. */
export interface SlowPathBudget {
  left: number;
}

const TOO_LARGE_FOR_ALL = `the configuration's files are over ${SLOW_PATH_LIMIT / 1024 / 1024} MiB, so only the first problem of this one is shown: fix it and run again`;

/** `line` and `column` (1-based, UTF-16 units) of `offset` in `text`. */
function position(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let at = text.indexOf('\n'); at >= 0 && at < offset; at = text.indexOf('\n', at + 1)) {
    line++;
    lineStart = at + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

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

/** The %YAML directive's version when it is not 1.2, as yaml would report it, for a file too large for yaml. */
export function versionProblem(file: string, text: string): Diagnostic | null {
  const directive = /^%YAML[ \t]+([^\s#]*)/m.exec(text);
  if (!directive || directive[1] === '1.2') return null;
  const message = `the file asks for YAML ${directive[1]}; tenantctl reads YAML 1.2 (where yes/no/on/off are plain strings): remove the %YAML line`;
  return error('YAML_VERSION', message, { file, ...position(text, directive.index) });
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
    return error('YAML_SYNTAX', `${typeof reason === 'string' ? reason : 'the YAML cannot be read'}; ${TOO_LARGE_FOR_ALL}`, { file, ...at });
  }
  const at = { file, line: 1, column: 1 };
  if (documents.length === 0) {
    return error('YAML_EMPTY', 'the file is empty or holds only comments; add the configuration (a mapping such as "users:") or remove the file', at);
  }
  if (documents.length > 1) return error('YAML_SYNTAX', `the file holds ${documents.length} YAML documents (split by ---), but a configuration file holds one; ${TOO_LARGE_FOR_ALL}`, at);
  return error('YAML_NOT_MAPPING', 'the top level of the file is not a mapping, but it must be one with keys such as "users:"', at);
}
