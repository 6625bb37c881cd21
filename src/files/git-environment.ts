/**
 * What of this process's environment git is given: where to find programs,
 * the user's home and configuration (safe.directory, core.excludesFile),
 * the locale and the temporary folder; nothing else. apply runs with the
 * `password.fromEnv` variables and the database URL set, deliver with the
 * SMTP URL; git would pass them on to whatever it starts (a filter of the
 * user's configuration, such as git-lfs, a submodule's git), and anyone who
 * can read that process's environment would read them.
 */
const KEPT = new Set([
  'PATH', 'HOME', 'XDG_CONFIG_HOME', 'USER', 'LOGNAME', 'LANG', 'LANGUAGE', 'TZ', 'TMPDIR',
  // Windows: git finds the home, its programs and the temporary folder through these.
  'USERPROFILE', 'HOMEDRIVE', 'HOMEPATH', 'SYSTEMROOT', 'WINDIR', 'COMSPEC', 'PATHEXT', 'TEMP', 'TMP',
]);

const kept = (name: string): boolean => KEPT.has(name.toUpperCase()) || name.startsWith('LC_');

/** The variables git needs, from `env`, with `settings` (GIT_…) on top. */
export function gitEnvironment(settings: Readonly<Record<string, string>>, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const chosen: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) if (value !== undefined && kept(name)) chosen[name] = value;
  return { ...chosen, ...settings };
}
