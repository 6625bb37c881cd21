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
