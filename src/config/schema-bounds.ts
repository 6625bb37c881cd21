import type { ErrorObject } from 'ajv/dist/2020.js';
import { error, type Diagnostic } from '../diagnostics/diagnostic.js';
import { formatCount } from '../diagnostics/message-lists.js';
import { schemaErrors } from './schema-check.js';

/**
 * Bounds on what the schema check of one file may cost. ajv reports every
 * problem (allErrors), and each costs about a kilobyte and 15 µs on its way
 * to a diagnostic, so a hostile file of millions of unknown keys, or of
 * millions of one-line users that are all wrong, ran out of memory within
 * the size limits. A real user holds a few dozen values, a real section a few
 * thousand (one spareSeats per subscription), and a real file with problems
 * is fixed a thousand at a time.
 */
export const SCHEMA_BOUNDS = {
  /** Values (keys, items, scalars) one user, one top-level section, or the top level's keys may hold. */
  valuesPerPart: 10_000,
  /** Schema problems of one file after which its check stops. */
  problemsPerFile: 10_000,
  /** Values of the users validated at a time, so that the check can stop between them. */
  valuesPerSlice: 20_000,
} as const;

/** How many values `value` holds, counting until `limit` is passed. */
export function countValues(value: unknown, limit: number): number {
  let count = 1;
  const pending: unknown[] = [value];
  while (pending.length > 0 && count <= limit) {
    const node = pending.pop();
    if (node === null || typeof node !== 'object') continue;
    if (Array.isArray(node)) {
      count += node.length;
      if (count <= limit) for (const item of node) pending.push(item);
      continue;
    }
    // Object.keys, not Object.values: a fraction of the cost on a mapping of a million keys.
    const keys = Object.keys(node);
    count += 2 * keys.length;
    if (count <= limit) for (const key of keys) pending.push((node as Record<string, unknown>)[key]);
  }
  return count;
}

const tooLarge = (file: string, path: (string | number)[], what: string) =>
  error(
    'SCHEMA_VALUE_TOO_LARGE',
    `${what} holds more than ${formatCount(SCHEMA_BOUNDS.valuesPerPart)} values (keys, list items and scalars), which no tenantctl configuration needs: remove what does not belong there`,
    { file, path },
  );

/** What the bounds found: the parts too large to check, and each user's count of values. */
export interface PartSizes {
  readonly oversized: Diagnostic[];
  /** Per user, its values (past the limit: more than it); empty when `users` is not a list. */
  readonly userValues: number[];
}

/**
 * The parts of a parsed file too large to check: each user, each top-level
 * section, and the top level's own keys. The file is then not checked further.
 */
export function measureParts(file: string, value: unknown): PartSizes {
  const userValues: number[] = [];
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { oversized: [], userValues };
  const limit = SCHEMA_BOUNDS.valuesPerPart;
  const sections = Object.entries(value as Record<string, unknown>);
  if (sections.length * 2 > limit) return { oversized: [tooLarge(file, [], "the file's top level")], userValues };
  const oversized: Diagnostic[] = [];
  for (const [key, section] of sections) {
    if (key === 'users' && Array.isArray(section)) {
      section.forEach((user, i) => {
        const values = countValues(user, limit);
        userValues.push(values);
        if (values > limit) oversized.push(tooLarge(file, ['users', i], `user ${formatCount(i + 1)} of this file`));
      });
    } else if (countValues(section, limit) > limit) {
      oversized.push(tooLarge(file, [key], `the section ${JSON.stringify(key).slice(0, 80)}`));
    }
  }
  return { oversized, userValues };
}

/** An error of a slice of users, with its path counted from the file's first user. */
function fromSlice(e: ErrorObject, offset: number): ErrorObject {
  if (offset === 0) return e;
  const instancePath = e.instancePath.replace(/^\/users\/(\d+)/, (_, i: string) => `/users/${Number(i) + offset}`);
  return { ...e, instancePath };
}

/**
 * The schema's errors for one file: the top level first, then the users in
 * slices of about SCHEMA_BOUNDS.valuesPerSlice values (a problem belongs to a
 * value, or to a mapping missing a field, so a slice has about as many at
 * most), stopping after the slice that passes the file's bound. `userValues`:
 * from measureParts. `stoppedAt`: the first user not checked, when it stopped.
 */
export function boundedSchemaErrors(value: unknown, userValues: readonly number[]): { readonly errors: ErrorObject[]; readonly stoppedAt?: number } {
  const users = value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as { users?: unknown }).users : undefined;
  if (!Array.isArray(users)) return { errors: [...schemaErrors('tenant.schema.json', value)] };
  // The schema requires no top-level key, so the users can be checked apart from the rest.
  const errors = [...schemaErrors('tenant.schema.json', { ...(value as object), users: [] })];
  let offset = 0;
  while (offset < users.length) {
    if (errors.length > SCHEMA_BOUNDS.problemsPerFile) return { errors, stoppedAt: offset };
    let end = offset + 1;
    for (let values = userValues[offset] ?? 0; end < users.length && values + (userValues[end] ?? 0) <= SCHEMA_BOUNDS.valuesPerSlice; end++) values += userValues[end] ?? 0;
    for (const e of schemaErrors('tenant.schema.json', { users: users.slice(offset, end) })) errors.push(fromSlice(e, offset));
    offset = end;
  }
  return { errors };
}

/** Says where the check of a file stopped; without a line, so that it is listed first for its file. */
export function checkStopped(file: string, stoppedAt: number, problems: number): Diagnostic {
  return error(
    'SCHEMA_CHECK_STOPPED',
    `the schema check of this file stopped before user ${formatCount(stoppedAt + 1)}, after ${formatCount(problems)} problems; its later users were not checked: fix the problems listed and run validate again`,
    { file },
  );
}
