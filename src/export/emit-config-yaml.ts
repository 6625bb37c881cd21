import { isMap } from 'yaml';
import type { RawConfig } from '../config/raw-config.js';
import { configDocument, FLOW_LISTS, renderConfigYaml, TO_STRING, type RenderOptions } from './config-yaml.js';
import { escapeHiddenCharacters } from './hidden-characters.js';
import { keyWritesPlain, writesPlain, type ScalarPlace } from './plain-scalar.js';

/**
 * renderConfigYaml's text, byte for byte, without building a yaml Document
 * of every user (at 100,000 users that took seconds and a gigabyte).
 *
 * Everything but the users is still rendered by renderConfigYaml, with
 * `users: []` standing in for the list. The users are written here for the
 * shapes an export makes (maps of strings, booleans, lists of strings and of
 * small maps), mirroring yaml's block layout: two spaces per level, `- ` items,
 * FLOW_LISTS as `[a, b]`, a blank line between users. A string is written
 * plain only when writesPlain proves yaml would; any other scalar is rendered
 * by yaml in the same place; a user with anything else (multi-line text, null,
 * an empty list or map) is rendered by yaml whole. The whole configuration
 * goes to renderConfigYaml when an object occurs twice (yaml would write an
 * anchor and alias) or `users` is not the last section.
 */
export function emitConfigYaml(config: RawConfig, options: RenderOptions): string {
  const users: unknown = config.users;
  const keys = Object.keys(config).filter((key) => (config as Record<string, unknown>)[key] !== undefined);
  if (!isPlainObject(config) || !Array.isArray(users) || users.length === 0 || keys[keys.length - 1] !== 'users' || !users.every(isPlainObject) || sharesObjects(config)) {
    return renderConfigYaml(config, options);
  }
  const rest = renderConfigYaml({ ...config, users: [] }, options);
  const stub = 'users: []\n';
  if (!rest.endsWith(stub) || (rest.length > stub.length && !rest.endsWith(`\n${stub}`))) return renderConfigYaml(config, options);
  // yaml joins the items of `users` with "\n  ", and an empty line (the blank
  // line of spaceBefore) unless the user before ended in a `|+` block.
  const parts: string[] = [rest.slice(0, -stub.length), 'users:\n  - '];
  let keptEnd = false;
  for (const [index, user] of (users as readonly Record<string, unknown>[]).entries()) {
    if (index > 0) parts.push(keptEnd ? '\n  - ' : '\n\n  - ');
    const fast = userYaml(user);
    const item = fast === null ? userByDocument(user) : { text: fast, keptEnd: false };
    if (item === null) return renderConfigYaml(config, options);
    parts.push(item.text);
    keptEnd = item.keptEnd;
  }
  parts.push('\n');
  return parts.join('');
}

/** The indentation of a user's keys: under `users:` (2) and its `- ` (2). */
const USER_INDENT = '    ';

/** A user as emitConfigYaml writes it after `- `, or null when it leaves the user to yaml. */
export function userYaml(user: Record<string, unknown>): string | null {
  return blockMap(user, USER_INDENT);
}

/** What yaml makes a block map of: no array, class instance, iterable, or `toJSON` (yaml would call it). */
const isPlainObject = (value: unknown): value is Record<string, unknown> => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return (proto === Object.prototype || proto === null) && !('toJSON' in value) && !(Symbol.iterator in value);
};

/** Whether one object or array is reachable twice, which yaml writes as an anchor (`&a1`) and alias (`*a1`). */
function sharesObjects(root: unknown): boolean {
  const seen = new Set<object>();
  const walk = (value: unknown): boolean => {
    if (typeof value !== 'object' || value === null) return false;
    if (seen.has(value)) return true;
    seen.add(value);
    const children: unknown[] = Array.isArray(value) ? value : Object.values(value);
    return children.some(walk);
  };
  return walk(root);
}

/** A non-empty plain map's pairs at `indent`, or null when some part is not one this file writes. */
function blockMap(map: Record<string, unknown>, indent: string): string | null {
  const lines: string[] = [];
  for (const key of Object.keys(map)) {
    const value = map[key];
    if (value === undefined) continue; // yaml leaves undefined values out, too
    if (!keyWritesPlain(key)) return null;
    const line = pair(key, value, indent + '  ');
    if (line === null) return null;
    lines.push(line);
  }
  return lines.length === 0 ? null : lines.join(`\n${indent}`);
}

/** `key: value`, with the value's lines at `indent` (yaml's ctx.indent for a pair's value). */
function pair(key: string, value: unknown, indent: string): string | null {
  if (Array.isArray(value)) {
    if (FLOW_LISTS.has(key)) {
      const items: string[] = [];
      for (const item of value) {
        const text = scalar(item, 'flow');
        if (text === null) return null;
        items.push(text);
      }
      return `${key}: [${items.join(', ')}]`;
    }
    const seq = value.length === 0 ? null : blockSeq(value, indent);
    return seq === null ? null : `${key}:\n${indent}${seq}`;
  }
  if (isPlainObject(value)) {
    const map = blockMap(value, indent);
    return map === null ? null : `${key}:\n${indent}${map}`;
  }
  const text = scalar(value, 'value');
  return text === null ? null : `${key}: ${text}`;
}

/** The `- ` items of a block sequence whose own indentation is `indent`. */
function blockSeq(items: readonly unknown[], indent: string): string | null {
  const itemIndent = indent + '  ';
  const lines: string[] = [];
  for (const item of items) {
    const text = isPlainObject(item) ? blockMap(item, itemIndent) : scalar(item, 'item');
    if (text === null) return null;
    lines.push(`- ${text}`);
  }
  return lines.join(`\n${indent}`);
}

/**
 * One scalar on one line: the string itself when writesPlain proves yaml
 * writes it so, else yaml's own text for it in the same place. Null for what
 * is no single-line scalar (multi-line text, null, a function…).
 */
function scalar(value: unknown, place: ScalarPlace): string | null {
  let key: string;
  if (typeof value === 'string') {
    if (writesPlain(value, place)) return value;
    if (value.includes('\n')) return null;
    key = value;
  } else if (typeof value === 'boolean' || typeof value === 'number' || typeof value === 'bigint') {
    // Not a string, so apart from the strings: `false` and "false", 0 and -0 are written differently.
    key = `${typeof value}:${Object.is(value, -0) ? '-0' : String(value)}`;
  } else {
    return null;
  }
  const cache = typeof value === 'string' ? BY_YAML[place] : OTHER_BY_YAML[place];
  let text = cache.get(key);
  if (text === undefined) {
    text = scalarByDocument(value, place);
    if (cache.size < CACHE_LIMIT) cache.set(key, text);
  }
  return text;
}

/** yaml's text for scalars seen before (a department, a city, a SKU, `false` repeat across users), per place. */
const BY_YAML: Record<ScalarPlace, Map<string, string | null>> = { value: new Map(), item: new Map(), flow: new Map() };
const OTHER_BY_YAML: Record<ScalarPlace, Map<string, string | null>> = { value: new Map(), item: new Map(), flow: new Map() };
const CACHE_LIMIT = 100_000;

/**
 * How yaml writes `value` in `place`, from a one-entry document (`k: v`,
 * `k:\n  - v`, `roles: [v]`). For a scalar on one line the text does not
 * depend on the indentation, only on the place (yaml's stringifyString uses
 * the indent for line breaks, and for document markers only at the root), so
 * the shallower document gives the same text. Null when the text is not one
 * line or not where expected.
 */
function scalarByDocument(value: unknown, place: ScalarPlace): string | null {
  const [source, prefix, suffix] =
    place === 'value' ? [{ k: value }, 'k: ', '\n'] : place === 'item' ? [{ k: [value] }, 'k:\n  - ', '\n'] : [{ roles: [value] }, 'roles: [', ']\n'];
  const text = configDocument(source).toString(TO_STRING);
  if (!text.startsWith(prefix) || !text.endsWith(suffix)) return null;
  const inner = text.slice(prefix.length, text.length - suffix.length);
  return inner === '' || inner.includes('\n') ? null : escapeHiddenCharacters(inner);
}

/**
 * A user yaml renders whole, as an item of `users:` exactly as in the full
 * document, and whether it ends in a `|+` block (yaml then writes no blank
 * line before the next user): told apart by rendering it once alone and once
 * followed by a marker user. Null when yaml's text is not in the expected
 * shape (the caller then renders the whole configuration with yaml).
 */
function userByDocument(user: Record<string, unknown>): { text: string; keptEnd: boolean } | null {
  const prefix = 'users:\n  - ';
  const alone = configDocument({ users: [user] }).toString(TO_STRING);
  const text = alone.slice(prefix.length, -1);
  const doc = configDocument({ users: [user, { m: 0 }] });
  const marker = doc.getIn(['users', 1], true);
  if (isMap(marker)) marker.spaceBefore = true;
  const followed = doc.toString(TO_STRING);
  const keptEnd = followed === `${prefix}${text}\n  - m: 0\n`;
  const blankAfter = followed === `${prefix}${text}\n\n  - m: 0\n`;
  return alone.startsWith(prefix) && alone.endsWith('\n') && (keptEnd || blankAfter) ? { text: escapeHiddenCharacters(text), keptEnd } : null;
}
