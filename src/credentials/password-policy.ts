/**
 * The symbols a cloud account password may contain (DOMAIN.md, password
 * policy). Together with `A-Z a-z 0-9` this is the whole allowed alphabet.
 */
export const PASSWORD_SYMBOLS = '@#$%^&*-_!+=[]{}|\\:\',.?/`~"();';

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 16;

/** How many of the four character classes a password must use. */
export const PASSWORD_MIN_CLASSES = 3;

const SYMBOL_SET: ReadonlySet<string> = new Set(PASSWORD_SYMBOLS);

type CharacterClass = 'lower' | 'upper' | 'digit' | 'symbol';

const CLASS_NAMES: Readonly<Record<CharacterClass, string>> = {
  lower: 'lower case letters',
  upper: 'upper case letters',
  digit: 'digits',
  symbol: 'symbols',
};

function classify(char: string): CharacterClass | undefined {
  if (char >= 'a' && char <= 'z') return 'lower';
  if (char >= 'A' && char <= 'Z') return 'upper';
  if (char >= '0' && char <= '9') return 'digit';
  if (SYMBOL_SET.has(char)) return 'symbol';
  return undefined;
}

/**
 * Whether text written where a name belongs (a YAML key) could be a password
 * typed in the wrong place, `password: { Welkom2016!Secret }`: long enough and
 * of three character classes, as the policy asks. Field names (camelCase
 * letters) and part numbers (upper case and _) are not, so they can be quoted
 * back in messages; text that could be is never shown.
 */
export function couldBePassword(text: string): boolean {
  const classes = new Set<CharacterClass>();
  for (const char of text) {
    const characterClass = classify(char);
    if (characterClass !== undefined) classes.add(characterClass);
  }
  return text.length >= PASSWORD_MIN_LENGTH && classes.size >= PASSWORD_MIN_CLASSES;
}

/** What stands in a message for text written like a password. */
export const NOT_SHOWN_PASSWORD = '(not shown here: it may be a password)';

/**
 * A parser's message with each word written like a password (couldBePassword)
 * left out. YAML parsers quote the source they stumble on: a tag
 * (`password: !Welkom2016`), a block scalar's header (`|Welkom2016`), an
 * alias (`*Welkom2016`), an escape (`\UWelkom20`). A password that starts with
 * one of those characters is read as one, and the message would put it in CI
 * logs and pull-request annotations. Their fixed words are plain English,
 * which is kept.
 */
export function withoutPasswordLikeWords(message: string, source = ''): string {
  return message
    .split(/(\s+)/)
    .map((word) => (wordCouldBePassword(word) || quotesPasswordLike(word, source) ? NOT_SHOWN_PASSWORD : word))
    .join('');
}

/** What yaml writes for the `!!` of a tag: `!!int` is quoted `tag:yaml.org,2002:int`. */
const YAML_TAG_PREFIX = 'tag:yaml.org,2002:';

/**
 * couldBePassword of a message's word, but a YAML tag yaml quotes in full
 * (`tag:yaml.org,2002:int`, whose prefix alone has three classes) is judged
 * as it was written, `!!int`, so the standard tags are still named.
 */
function wordCouldBePassword(word: string): boolean {
  const at = word.indexOf(YAML_TAG_PREFIX);
  if (at < 0) return couldBePassword(word);
  return couldBePassword(word.slice(0, at)) || couldBePassword(`!!${word.slice(at + YAML_TAG_PREFIX.length)}`);
}

/** Shortest part of a word compared with the source's words: parts of English words are shorter. */
const MIN_QUOTED_PART = 4;

/**
 * A word a parser quotes from the source, not one of its own English words:
 * it starts (after an opening quote or bracket) with the indicator YAML read
 * it by, a tag's `!`, an alias's `*`, an anchor's `&`, a block header's `|`
 * or `>`, an escape's `\`. No English word does, so such a word is left out
 * however short its part of a password is: `[!Wel,kom2016]` is the tag
 * `!Wel` and the text `kom2016`.
 */
const QUOTED_SOURCE = /^["'(<[]*[!*&|>\\]/;

/**
 * Whether `word` of a message is part of a word of `source` (the line the
 * message is about) written like a password. A parser quotes the source
 * without the syntax around it, and that syntax may be what makes it look
 * like a password: `!<welkom2016>` is quoted `welkom2016`, `"\uwelk2016"`
 * `\uwelk`, the alias `*welkom2016` `welkom2016`. Parts shorter than
 * MIN_QUOTED_PART are compared only when the word is QUOTED_SOURCE.
 */
export function quotesPasswordLike(word: string, source: string): boolean {
  const part = word.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '');
  if (part.length === 0 || (part.length < MIN_QUOTED_PART && !QUOTED_SOURCE.test(word))) return false;
  return source.split(/\s+/).some((sourceWord) => sourceWord.includes(part) && couldBePassword(sourceWord));
}

/**
 * Checks a password against the tenant's strong-password policy.
 *
 * `accountName` is the UPN's local part; a full UPN is accepted too and cut at
 * its last `@`; an empty one skips that rule. Returns one human-readable problem
 * per broken rule, empty when the password is acceptable. Messages describe the
 * password (too short or too long, which classes it lacks) but never quote it,
 * any of its characters or its length, so they are safe to print and log.
 */
export function checkPasswordPolicy(password: string, accountName: string): string[] {
  const problems: string[] = [];
  // Iterate by code point so an emoji counts as one (disallowed) character, not two.
  const chars = [...password];

  // Not the exact length: the value may be any secret of the CI job, named by a pull request.
  if (chars.length < PASSWORD_MIN_LENGTH) problems.push(`is shorter than ${PASSWORD_MIN_LENGTH} characters; use ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH}`);
  if (chars.length > PASSWORD_MAX_LENGTH) problems.push(`is longer than ${PASSWORD_MAX_LENGTH} characters; use ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH}`);

  const classes = new Set<CharacterClass>();
  let spaces = 0;
  let others = 0;
  for (const char of chars) {
    const characterClass = classify(char);
    if (characterClass !== undefined) classes.add(characterClass);
    else if (/^\s$/u.test(char)) spaces++;
    else others++;
  }

  if (classes.size < PASSWORD_MIN_CLASSES) {
    const missing = (['lower', 'upper', 'digit', 'symbol'] as const)
      .filter((c) => !classes.has(c))
      .map((c) => CLASS_NAMES[c]);
    problems.push(
      `uses ${classes.size} of the 4 character classes; use at least ${PASSWORD_MIN_CLASSES} ` +
        `(missing: ${missing.join(', ')})`,
    );
  }
  // Nor how many: a count of blanks or of other characters tells of a secret's make-up.
  if (spaces > 0) problems.push('contains blank characters (such as a space); none are allowed');
  if (others > 0) problems.push(`contains characters outside the allowed set (A-Z a-z 0-9 and ${PASSWORD_SYMBOLS.split('').join(' ')})`);

  const localPart = accountName.includes('@')
    ? accountName.slice(0, accountName.lastIndexOf('@'))
    : accountName;
  // An empty name is "contained" in every string; there is nothing to check then.
  if (localPart !== '' && password.toLowerCase().includes(localPart.toLowerCase())) {
    problems.push('contains the account name; choose a password without it');
  }

  return problems;
}
