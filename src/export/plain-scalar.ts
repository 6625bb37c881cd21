import { Document } from 'yaml';
import { nonAsciiNeedsEscapes } from './hidden-characters.js';

/**
 * Where a scalar stands, which decides how yaml writes it: a block map's
 * value, an item of a block sequence (`- x`), or an item of a flow sequence
 * (`[x, y]`), where `,` `[` `]` `{` `}` force quotes.
 */
export type ScalarPlace = 'value' | 'item' | 'flow';

/**
 * Characters allowed in a string written plain: letters (with combining
 * marks), digits, and punctuation that is no YAML indicator in the middle of
 * a scalar. Excluded are every indicator that matters anywhere (`:` `#` `"`
 * `?` `!` `*` `|` `>` `%` `` ` `` `[` `]` `{` `}` `~` `<`), all whitespace but
 * the plain space, line breaks of any kind, and control, format (bidi,
 * zero-width) and surrogate characters, which yaml double-quotes. The first
 * character is a letter, a digit, `+` (phone numbers) or `(`: never `-`, `.`,
 * `@`, `&`, `'` or `,`, which start something else or resolve to a number.
 */
const SAFE = /^[\p{L}\p{N}+(][\p{L}\p{M}\p{N} .,'&()/+_@-]*$/u;

/** YAML 1.1 and 1.2 booleans and nulls, in any case (yaml-1.1 compat quotes `y`, `on`, `off`…). */
const KEYWORD = /^(?:y|yes|n|no|true|false|on|off|null)$/i;

/**
 * Strings made only of what numbers, dates and timestamps are made of under
 * YAML 1.1 or 1.2 (`0x1F`, `0o17`, `012`, `1_000`, `1e3`, `e5`, `+.inf`,
 * `2024-01-01`, `12:30`, `1.5`…). Wider than any of those grammars on
 * purpose: such a string is handed to yaml, which decides. A space never
 * occurs in them but in a timestamp's time, which needs `:` (not in SAFE).
 */
const NUMBERISH = /^[-+0-9._:a-fA-FiInNoOxXtTzZ]*$/;

/**
 * The implicit types the library itself checks before writing a string plain
 * (plainString in yaml's stringifyString.js): the core schema's and the
 * YAML 1.1 compat tags', all but `str`. Checked as well, so that a future
 * yaml resolving more than KEYWORD and NUMBERISH foresee still gets quotes.
 * One alternation (anchored, so tried at the start only) rather than twenty
 * tests: at 100,000 users the separate tests cost half a second. A tag whose
 * test has flags cannot join it, so it makes every string "not proven".
 */
const RESOLVES: RegExp = (() => {
  const { schema } = new Document(null, { compat: 'yaml-1.1' });
  const tests = [...schema.tags, ...(schema.compat ?? [])].flatMap((tag) =>
    tag.default && tag.tag !== 'tag:yaml.org,2002:str' && 'test' in tag && tag.test instanceof RegExp ? [tag.test] : [],
  );
  return tests.some((test) => test.flags !== '') ? /^|$/ : new RegExp(`^(?:${tests.map((test) => `(?:${test.source})`).join('|')})`);
})();

/**
 * True only when yaml, with renderConfigYaml's options, certainly writes
 * `value` as the plain characters of `value` in `place` (as a value, not a
 * key). False means "not proven", not "quoted": the caller then asks yaml.
 */
export function writesPlain(value: string, place: ScalarPlace): boolean {
  // SAFE lets through letters that draw as nothing (a Hangul filler) and piles of marks, which need escapes.
  if (!SAFE.test(value) || value.endsWith(' ') || nonAsciiNeedsEscapes(value)) return false;
  if (place === 'flow' && value.includes(',')) return false;
  if (KEYWORD.test(value) || NUMBERISH.test(value)) return false;
  return !RESOLVES.test(value);
}

/** Keys already tested: a configuration has a few dozen distinct ones, each used on every user. */
const PLAIN_KEYS = new Map<string, boolean>();

/** A map key yaml writes plain: the same test, and short enough never to become an explicit `? key`. */
export function keyWritesPlain(key: string): boolean {
  let plain = PLAIN_KEYS.get(key);
  if (plain === undefined) {
    plain = key.length <= 1000 && writesPlain(key, 'value');
    if (PLAIN_KEYS.size < 10_000) PLAIN_KEYS.set(key, plain);
  }
  return plain;
}
