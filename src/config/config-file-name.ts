/**
 * Names a directory contributes: `*.yaml` and `*.yml`, like a shell glob (so
 * no dotfiles). With `s`, `.` also matches a line break: a file named
 * `a<newline>b.yaml` is a YAML file like any other, and skipping it silently
 * would leave its users out and plan them deleted. Messages show it escaped.
 */
const CONFIG_FILE_NAME = /^[^.].*\.ya?ml$/s;

/**
 * The tenant's catalog (`init --catalog`) may live beside the configuration
 * it describes; it is not configuration, so a directory never contributes it.
 */
const CATALOG_FILE_NAME = /^catalog\.ya?ml$/;

/** Whether `-c DIR` reads the file of this name in DIR (export warns of those it did not write). */
export function isConfigFileName(name: string): boolean {
  return CONFIG_FILE_NAME.test(name) && !CATALOG_FILE_NAME.test(name);
}

/** Whether the name is a YAML file's (`*.yaml`, `*.yml`, not a dotfile), the catalog's included. */
export function isYamlFileName(name: string): boolean {
  return CONFIG_FILE_NAME.test(name);
}

/**
 * For a name `-c DIR` skips only for the case of its extension (`users.YAML`,
 * `sales.Yml`), the name it would be read by; else null. Skipped in silence,
 * its users would be planned deleted (CONFIG_FILE_NOT_READ says so).
 */
export function readableSpelling(name: string): string | null {
  if (isConfigFileName(name)) return null;
  const spelt = name.replace(/\.(ya?ml)$/is, (extension) => extension.toLowerCase());
  return spelt !== name && isConfigFileName(spelt) ? spelt : null;
}
