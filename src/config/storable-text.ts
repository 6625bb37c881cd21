import { error, type Diagnostic } from '../diagnostics/diagnostic.js';

/**
 * What a database text column cannot hold: NUL (PostgreSQL's text type
 * refuses it) and a lone UTF-16 surrogate (a half of a character, which has
 * no UTF-8 encoding). YAML can write both ("\0", "\uDC00"); they would pass
 * every other check and fail at apply with a raw database error.
 */
const UNSTORABLE = /\0|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why `text` cannot be stored, or undefined when it can. */
export function unstorableReason(text: string): string | undefined {
  const found = UNSTORABLE.exec(text);
  if (!found) return undefined;
  if (found[0] === '\0') return 'holds a NUL character (\\0), which the database cannot store; remove it';
  const code = found[0].charCodeAt(0).toString(16).toUpperCase();
  return `holds half of a character (a lone surrogate, \\u${code}), which cannot be stored as UTF-8; remove it or write the whole character`;
}

const ESCAPE_OR_NUL = /[\\\0]/;

type Path = readonly (string | number)[];

/** `"displayName"` or `an entry of "roles"`, for what the message names. */
function label(path: Path): string {
  const key = path.findLast((segment): segment is string => typeof segment === 'string');
  if (key === undefined) return 'this value';
  return typeof path.at(-1) === 'number' ? `an entry of "${key}"` : `"${key}"`;
}

/**
 * TEXT_NOT_STORABLE for every text value of a parsed file that the database
 * could not store, at its path. (Keys need no check: every key the schemas
 * accept is a known field name or a part number.) One pass; a value reached
 * again through an alias is checked once.
 */
export function unstorableText(file: string, value: unknown, text?: string): Diagnostic[] {
  // Text decoded from valid UTF-8 holds no lone surrogate, so a value can get
  // one, or a NUL, only from a NUL in the text or an escape (`"\0"`, `"\uDC00"`).
  if (text !== undefined && !ESCAPE_OR_NUL.test(text)) return [];
  const diagnostics: Diagnostic[] = [];
  const seen = new Set<object>();
  const pending: { value: unknown; path: Path }[] = [{ value, path: [] }];
  while (pending.length > 0) {
    const { value: node, path } = pending.pop()!;
    if (typeof node === 'string') {
      const reason = unstorableReason(node);
      if (reason) diagnostics.push(error('TEXT_NOT_STORABLE', `${label(path)} ${reason}`, { file, path }));
      continue;
    }
    if (node === null || typeof node !== 'object' || seen.has(node)) continue;
    seen.add(node);
    const entries: [string | number, unknown][] = Array.isArray(node) ? [...node.entries()] : Object.entries(node);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, child] = entries[i]!;
      pending.push({ value: child, path: [...path, key] });
    }
  }
  return diagnostics;
}
