import { maskBeforeLastAt, maskUrl } from '../src/db/database-url.js';
import { terminalText } from '../src/render/escape-terminal.js';

/**
 * A path written as one: from the root, `./`, `../` or `~/`, with either slash. Its `:` and `@`
 * are no password's (`./team:ops@2024/config`); `user:password@host` starts with none of these,
 * and `//user:password@host` (a URL that lost its `scheme:`) with two slashes.
 */
const WRITTEN_AS_PATH = /^(?:\.{0,2}|~)[\\/](?![\\/])/;
/** `C:\` or `C:/`, a Windows drive, whose colon is no password's; Windows allows no other in a path. */
const WINDOWS_DRIVE = /^[a-z]:(?=[\\/])/i;

/** A value as a message may show it: a URL's password masked, and `user:password@host` typed short of its scheme. */
function shownValue(value: string): string {
  if (/[a-z][a-z0-9+.-]*:\/\//i.test(value) || WRITTEN_AS_PATH.test(value)) return maskUrl(value);
  if (/:[^]*@/.test(value.replace(WINDOWS_DRIVE, ''))) return maskBeforeLastAt(value);
  return maskUrl(value);
}

/** A string as JSON.stringify writes it, without the quotes around it. */
function jsonInner(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}

/**
 * An argument and what a message may show of it, and of `--name=value` the
 * value alone too (commander quotes an option's refused value without its name).
 */
function shownForms(argument: string, afterActor: boolean): (readonly [string, string])[] {
  // An actor's `:` and `@` are no mistake (`--actor ci:jan@contoso.com`), as argumentWithPassword takes them.
  if (afterActor) return [[argument, maskUrl(argument)]];
  const option = /^(--?[^=\s]*=)([^]*)$/.exec(argument);
  if (!option) return [[argument, shownValue(argument)]];
  const [, name = '', value = ''] = option;
  const shown = name === '--actor=' ? maskUrl(value) : shownValue(value);
  return [[argument, `${name}${shown}`], [value, shown]];
}

/**
 * A function that masks, in a message, every command-line argument that may
 * hold a password, as given. Commander quotes what it refuses whole
 * (`unknown option '--databse=postgres://owner:secret@db/tenant'`, `unknown
 * command 'postgres://…'`), and an option's own check may quote its value
 * (`--lock-timeout … (got …)`): a typo would otherwise put the database's
 * password in a CI log. Arguments that hold none are left as they are.
 */
export function commandLineSecretsHider(argv: readonly string[]): (message: string) => string {
  const replacements = argv
    // A user principal name holds no `:`: --user is masked as any other argument.
    .flatMap((argument, i) => shownForms(argument, argv[i - 1] === '--actor'))
    // Also as a message may quote it escaped: inside JSON.stringify's quotes (`--since "…"`), or through terminalText.
    .flatMap(([argument, shown]) => [[argument, shown], [jsonInner(argument), jsonInner(shown)], [terminalText(argument), terminalText(shown)]] as const)
    .filter(([argument, shown]) => argument !== '' && argument !== shown)
    // The longest first: one argument may contain another.
    .sort(([a], [b]) => b.length - a.length);
  if (replacements.length === 0) return (message) => message;
  return (message) => replacements.reduce((text, [argument, shown]) => text.split(argument).join(shown), message);
}

let ownHider: ((message: string) => string) | undefined;

/** `message` with this process's own arguments masked (commandLineSecretsHider, made once). */
export function hideCommandLineSecrets(message: string): string {
  ownHider ??= commandLineSecretsHider(process.argv.slice(2));
  return ownHider(message);
}

/** The options that name a file or folder, by commander's attribute name, and their flags. */
export const PATH_OPTIONS: Readonly<Record<string, string>> = {
  config: '-c',
  out: '--out',
  plan: '--plan',
  pickup: '--pickup',
  outboxKey: '--outbox-key',
  catalog: '--catalog',
};

/**
 * Options that take a name, where a `:` and an `@` are no mistake (`--actor ci:jan@contoso.com`):
 * only a URL with a password is refused. --actor is kept in the audit trail, which nobody can edit.
 */
const NAME_OPTIONS: Readonly<Record<string, string>> = {
  actor: '--actor',
  user: '--user',
};

/** The values of one option, one or several (`-c` may be repeated). */
function values(given: unknown): string[] {
  return (Array.isArray(given) ? given : [given]).filter((value): value is string => typeof value === 'string');
}

const ELSEWHERE = 'a database URL goes in --database or TENANTCTL_DATABASE_URL, an SMTP URL in TENANTCTL_SMTP_URL; nothing was read or written';

/**
 * A path written like a URL with a password (`--out postgres://owner:secret@db/tenant`,
 * `-c` given the database URL by mistake) is refused before anything reads or writes it:
 * taken as a path it would be printed whole (`Saved the plan to …`, `file:line:column`
 * diagnostics) and, written, become a file's or folder's name. So is such a URL given as
 * --actor, which the audit trail would keep for good. Returns the refusal, or null.
 */
export function argumentWithPassword(options: Readonly<Record<string, unknown>>): string | null {
  for (const [name, flag] of Object.entries(PATH_OPTIONS)) {
    const value = values(options[name]).find((v) => shownValue(v) !== v);
    if (value !== undefined) return `${flag} takes a file or folder path, and ${shownValue(value)} is written like a URL with a password (shown masked): give the path, from ./ or / when it holds a : and an @ (./team:…@…) (${ELSEWHERE})`;
  }
  for (const [name, flag] of Object.entries(NAME_OPTIONS)) {
    const value = values(options[name]).find((v) => maskUrl(v) !== v);
    if (value !== undefined) return `${flag} takes a name, and ${maskUrl(value)} is a URL with a password (shown masked) (${ELSEWHERE})`;
  }
  return null;
}
