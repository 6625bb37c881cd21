import { closingQuote } from './json-bounds.js';

const QUOTE = 0x22;

const isSpace = (b: number | undefined): boolean => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;

function skipSpace(bytes: Buffer, i: number): number {
  while (isSpace(bytes[i])) i++;
  return i;
}

/** Just past the string whose opening quote is at `i`. */
function skipString(bytes: Buffer, i: number): number {
  const end = closingQuote(bytes, i);
  return end < 0 ? bytes.length : end + 1;
}

/** Just past the value that starts at `i`. */
function skipValue(bytes: Buffer, i: number): number {
  const first = bytes[i];
  if (first === QUOTE) return skipString(bytes, i);
  if (first !== 0x7b && first !== 0x5b) {
    while (i < bytes.length && !isSpace(bytes[i]) && bytes[i] !== 0x2c && bytes[i] !== 0x7d && bytes[i] !== 0x5d) i++;
    return i;
  }
  let depth = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    if (b === QUOTE) {
      i = skipString(bytes, i);
      continue;
    }
    if (b === 0x7b || b === 0x5b) depth++;
    else if ((b === 0x7d || b === 0x5d) && --depth === 0) return i + 1;
    i++;
  }
  return i;
}

/** Past the comma after a member or element, at the next one; null at the container's end. */
function nextItem(bytes: Buffer, i: number): number | null {
  const after = skipSpace(bytes, skipValue(bytes, i));
  return bytes[after] === 0x2c ? skipSpace(bytes, after + 1) : null;
}

/**
 * The byte offset in a JSON text of what `path` (as schema diagnostics give
 * it) names: a field's name, an array's element, the document for an empty
 * path; null when the text has no such place. For text JSON.parse took, whose
 * names are each given once (firstDuplicateName): linear in the text skipped.
 */
export function locateJsonPath(bytes: Buffer, path: readonly (string | number)[]): number | null {
  let at = skipSpace(bytes, 0);
  let named = at;
  for (const segment of path) {
    if (bytes[at] === 0x7b) {
      let member: number | null = skipSpace(bytes, at + 1);
      let found = false;
      while (member !== null && bytes[member] === QUOTE) {
        const nameEnd = skipString(bytes, member);
        const value = skipSpace(bytes, skipSpace(bytes, nameEnd) + 1);
        if (JSON.parse(bytes.toString('utf8', member, nameEnd)) === String(segment)) {
          named = member;
          at = value;
          found = true;
          break;
        }
        member = nextItem(bytes, value);
      }
      if (!found) return null;
    } else if (bytes[at] === 0x5b && typeof segment === 'number') {
      let element: number | null = skipSpace(bytes, at + 1);
      for (let k = 0; k < segment && element !== null; k++) element = nextItem(bytes, element);
      if (element === null || bytes[element] === 0x5d) return null;
      at = element;
      named = element;
    } else return null;
  }
  return named;
}
