import type { ErrorObject } from 'ajv/dist/2020.js';

/**
 * YAML 1.1's merge key. tenantctl reads YAML 1.2, where `<<` is a key like any
 * other (both of its parsers agree), so `<<: *base` merges nothing: said as
 * such, not as a misspelt field. Shared by the configuration's schema
 * messages (schema-diagnostics.ts) and the catalog's (schema-check.ts).
 */
export const MERGE_KEY = '<<';

/** What to say of a `<<` key in `owner` (`a user`, `defaults`); `instead` is what to do besides writing the fields out. */
export function mergeKeyMessage(owner: string, instead = ''): string {
  return `"<<" is a YAML merge key, which tenantctl does not read: it reads YAML 1.2, where "<<" is a field like any other, so nothing is merged into ${owner} here; write the fields out${instead}`;
}

/** Added to a missing field's message in a mapping that holds `<<`: the fields it was meant to bring in. */
export function mergeNote(data: unknown): string {
  return typeof data === 'object' && data !== null && Object.hasOwn(data, MERGE_KEY) ? ' (the "<<" merge key brings nothing in)' : '';
}

/**
 * The mappings (as JSON pointers) where a `<<` key was refused, as unknown or
 * as a name the mapping does not take. What is under that key is said no
 * more: `"<<" must be a whole number` would only repeat that it is no merge.
 */
export function mergeKeyParents(errors: readonly ErrorObject[]): Set<string> {
  const parents = new Set<string>();
  for (const e of errors) {
    const key = e.keyword === 'additionalProperties' ? (e.params as { additionalProperty?: string }).additionalProperty : e.propertyName;
    if (key === MERGE_KEY) parents.add(e.instancePath);
  }
  return parents;
}

/** Whether the JSON pointer lies at or under a `<<` key refused in one of `parents`. */
export function underMergeKey(pointer: string, parents: ReadonlySet<string>): boolean {
  if (parents.size === 0) return false;
  const segment = `/${MERGE_KEY}`;
  for (let i = pointer.indexOf(segment); i >= 0; i = pointer.indexOf(segment, i + 1)) {
    const after = pointer[i + segment.length];
    if ((after === undefined || after === '/') && parents.has(pointer.slice(0, i))) return true;
  }
  return false;
}
