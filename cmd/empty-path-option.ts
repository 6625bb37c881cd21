import { PATH_OPTIONS } from './command-line-secrets.js';

/**
 * A path option given an empty value (`--plan "$PLAN_FILE"` with the variable
 * unset or not passed on to the job) was taken for the option left out:
 * `apply --plan "" -c config` applied what the configuration gives now, not
 * the saved plan that was reviewed, and `plan --out ""` saved nothing, both
 * with exit 0. Refused, as an empty `--database` is; returns the refusal, or null.
 */
export function emptyPathArgument(options: Readonly<Record<string, unknown>>): string | null {
  for (const [name, flag] of Object.entries(PATH_OPTIONS)) {
    const given = options[name];
    if ((Array.isArray(given) ? given : [given]).some((value) => typeof value === 'string' && value.trim() === '')) {
      return `${flag} was given an empty path, which names no file or folder (a variable that is not set?): give the path; nothing was read or written`;
    }
  }
  return null;
}
