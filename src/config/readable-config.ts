import type { RawConfig } from './raw-config.js';
import type { Path, ShapeCheck } from './schema-diagnostics.js';

/**
 * A file's configuration with what the schema could not read left out, so
 * the semantic rules can still check everything else, and see only values
 * of the types raw-config.ts declares. The rules must know what is missing:
 * a user whose field was left out might look unlicensed, a count over all
 * users would be short.
 */
export interface ReadableConfig {
  readonly value: RawConfig;
  /** Indexes (in the file's `users`) of users left out entirely: not a mapping, or without a readable userPrincipalName. */
  readonly droppedUsers: ReadonlySet<number>;
  /** Indexes of users that lost a field, or hold an unknown one. */
  readonly repairedUsers: ReadonlySet<number>;
  /** `defaults`, `settings` or `users` as a whole, or a field of a section, was left out, or a section holds an unknown field. */
  readonly repairedSections: boolean;
}

/**
 * A user cannot be read without its key: every rule names the user by it.
 * Without its other required field (displayName) it is kept as a repaired
 * user, like one that lost any other field: the rules about each declaration
 * (roles, licences, notify, …) still check it, and none of them reads the
 * display name; the rules that need whole users do not see it.
 */
const REQUIRED_USER_FIELDS: ReadonlySet<string | number> = new Set(['userPrincipalName']);

/**
 * Removes entries from a parsed document without changing it: each mapping
 * or list on the way to a removed entry is copied once, however many entries
 * are removed from it (so leaving a field out of every user stays O(users)).
 */
class Pruner {
  private readonly copies = new WeakSet<object>();

  constructor(public root: unknown) {}

  private own(value: object): Record<string | number, unknown> {
    if (this.copies.has(value)) return value as Record<string | number, unknown>;
    const copy = Array.isArray(value) ? [...(value as unknown[])] : { ...(value as Record<string, unknown>) };
    this.copies.add(copy);
    return copy as Record<string | number, unknown>;
  }

  /** Leaves out the mapping entry at `path`; a path that is not there changes nothing. */
  remove(path: Path): void {
    if (path.length === 0 || !this.reaches(path)) return;
    let node = this.own(this.root as object);
    this.root = node;
    for (const key of path.slice(0, -1)) {
      const child = this.own(node[key] as object);
      node[key] = child;
      node = child;
    }
    delete node[path.at(-1) as string | number];
  }

  private reaches(path: Path): boolean {
    let node: unknown = this.root;
    for (const [i, key] of path.entries()) {
      if (node === null || typeof node !== 'object') return false;
      const last = i === path.length - 1;
      if (Array.isArray(node)) {
        if (last || typeof key !== 'number' || key >= node.length) return false;
      } else if (!Object.hasOwn(node, key)) return false;
      node = (node as Record<string | number, unknown>)[key];
    }
    return true;
  }
}

const isUser = (path: Path): path is ['users', number, ...(string | number)[]] => path[0] === 'users' && typeof path[1] === 'number';

/** Leaves out of `value` (a parsed mapping) what the schema check says the rules must not read. */
export function readableConfig(value: unknown, shape: Pick<ShapeCheck, 'unreadable' | 'extraneous' | 'incomplete'>): ReadableConfig {
  const pruner = new Pruner(value);
  const droppedUsers = new Set<number>();
  const repairedUsers = new Set<number>();
  let repairedSections = false;
  for (const path of shape.extraneous) pruner.remove(path);
  for (const path of shape.unreadable) {
    if (isUser(path)) {
      const field = path[2];
      if (field === undefined || REQUIRED_USER_FIELDS.has(field)) droppedUsers.add(path[1]);
      else {
        pruner.remove(path.slice(0, 3));
        repairedUsers.add(path[1]);
      }
      continue;
    }
    repairedSections = true;
    pruner.remove(path.slice(0, 2));
  }
  for (const path of shape.incomplete) {
    if (isUser(path)) repairedUsers.add(path[1]);
    else repairedSections = true;
  }
  return { value: pruner.root as RawConfig, droppedUsers, repairedUsers, repairedSections };
}
