import { maskUrl } from '../src/db/database-url.js';
import { shellWord } from '../src/render/escape-terminal.js';
import type { DatabaseOptions } from './database-option.js';

export interface DatabaseArgument {
  /** ` --database URL`, quoted for a shell, or empty. */
  readonly argument: string;
  /** Said after the command when the URL's password is masked, else empty. */
  readonly passwordNote: string;
}

/**
 * The `--database` of a command tenantctl suggests running next (`Saved the
 * plan …; apply exactly this plan with: …`, export's `Next:`), when the
 * command that suggests it was given one: copied without it, the suggestion
 * would run against $TENANTCTL_DATABASE_URL or the default .tenantctl/db, not
 * the database just read. Empty when the database came from the variable,
 * which the next command reads too.
 *
 * A password in the URL is never printed (maskUrl, as every message shows a
 * URL): the suggestion then names the server with `****` in its place, which
 * fails to log in rather than reach another database, and `passwordNote` says how to give it.
 */
export function databaseArgument(options: DatabaseOptions): DatabaseArgument {
  if (options.database === undefined) return { argument: '', passwordNote: '' };
  const shown = maskUrl(options.database);
  return {
    argument: ` --database ${shellWord(shown)}`,
    passwordNote:
      shown === options.database
        ? ''
        : ' (the password is not shown: give --database the URL with its password as before, or set TENANTCTL_DATABASE_URL to it and leave --database out)',
  };
}
