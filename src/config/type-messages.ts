import type { Path } from './schema-diagnostics.js';

/**
 * What a value of the wrong type is called, what belongs there, and how to
 * write it: `"postalCode" must be text, not the number 1015; put the value in
 * quotes as written`. YAML guesses types from how a value is written, so
 * most wrong types are a value written without (or with) quotes.
 */

/** Field names that look like a password written into the configuration. */
export const PASSWORD_FIELD = /passw|pwd|secret/i;

const TYPE_NAMES: Readonly<Record<string, string>> = {
  string: 'text',
  boolean: 'true or false',
  integer: 'a whole number',
  number: 'a number',
  array: 'a list',
  object: 'a mapping (field: value lines)',
  null: 'empty',
};

export const lastKey = (path: Path): string | undefined => path.findLast((segment): segment is string => typeof segment === 'string');
const inPassword = (path: Path): boolean => path.some((segment) => typeof segment === 'string' && PASSWORD_FIELD.test(segment));

function describeValue(data: unknown, secret: boolean): string {
  if (data === null || data === undefined) return 'empty';
  if (Array.isArray(data)) return 'a list';
  if (ArrayBuffer.isView(data)) return 'binary data (a !!binary tag)';
  if (typeof data === 'object') return 'a mapping';
  if (typeof data === 'string') return 'text';
  if (secret) return `a ${typeof data}`;
  return typeof data === 'number' ? (readExactly(data) ? `the number ${data}` : 'a number with more digits than YAML reads exactly') : String(data);
}

/** Whether the parsed number is the one written: past 15 digits (a long phone number) the digits shown would be others. */
const readExactly = (n: number): boolean => Number.isSafeInteger(n) || (Number.isFinite(n) && !/e/i.test(String(n)) && String(n).replace(/\D/g, '').length <= 15);

function describeType(expected: string | readonly string[], path: Path): string {
  const types = typeof expected === 'string' ? [expected] : expected;
  if (types.includes('object') && types.includes('string') && lastKey(path) === 'licenses') return 'a part number or a mapping {sku, disabledPlans}';
  if (types.includes('array') && types.includes('string') && lastKey(path) === 'notify') return 'a list of addresses, or one text of addresses separated by ";"';
  return types.map((type) => TYPE_NAMES[type] ?? type).join(' or ');
}

/** YAML 1.1's words for true and false, which YAML 1.2 (and tenantctl) reads as text. */
const YAML_11_BOOLEANS: Readonly<Record<string, boolean>> = { yes: true, y: true, on: true, no: false, n: false, off: false };

/** Text where true or false belongs: quoted true/false, or a YAML 1.1 word written unquoted. */
function booleanHint(text: string, lead: string): string {
  const word = text.trim().toLowerCase();
  if (word === 'true' || word === 'false') return `; write it without quotes: ${lead}${word}`;
  const meant = YAML_11_BOOLEANS[word];
  if (meant !== undefined) return `; YAML reads ${word} as text, not as ${String(meant)}: write ${lead}${String(meant)}`;
  return '; write true or false';
}

function typeHint(expected: string | readonly string[], data: unknown, path: Path): string {
  const types = typeof expected === 'string' ? [expected] : expected;
  const key = lastKey(path) ?? '';
  const entry = typeof path.at(-1) === 'number';
  if (data === null) return path.length === 1 && key === 'users' ? '; write users: [] for none' : '; give it a value, or remove the line';
  if (inPassword(path)) return '';
  const scalar = typeof data === 'number' || typeof data === 'boolean';
  // The number as parsed, not as written: 01015 and +3161… would lose their 0 and +, so the value is the writer's to copy.
  if (types.includes('string') && typeof data === 'number') return `; put the value in quotes as written (${entry ? '- ' : `${key}: `}"…"): unquoted, YAML reads it as a number and drops a leading 0 or +`;
  if (types.includes('string') && typeof data === 'boolean') return `; put it in quotes: ${entry ? '- ' : `${key}: `}"${String(data)}"`;
  if (types.includes('boolean') && typeof data === 'string') return booleanHint(data, entry ? '- ' : `${key}: `);
  if ((types.includes('integer') || types.includes('number')) && typeof data === 'string') {
    const digits = /^\s*(\d{1,15})\s*$/.exec(data)?.[1];
    return digits !== undefined ? `; write it without quotes: ${entry ? '- ' : `${key}: `}${digits}` : '; write a number without quotes';
  }
  if (types.includes('array') && typeof data === 'number' && !entry) return `; write it as a list, each value in quotes as written: ${key}: ["…"]`;
  if (types.includes('array') && (typeof data === 'string' || scalar) && !entry) return `; write it as a list: ${key}: [${String(data)}]`;
  return '';
}

/** `must be X, not Y` and how to write it, for the field at `path` holding `data`. */
export function typeMismatch(expected: string | readonly string[], data: unknown, path: Path): string {
  return `must be ${describeType(expected, path)}, not ${describeValue(data, inPassword(path))}${typeHint(expected, data, path)}`;
}
