import { visibleCharacters } from './escape-terminal.js';

/**
 * Untrusted text inside a GitHub Actions workflow command
 * (`::error file=F,line=L::MESSAGE`), as GitHub documents the escaping:
 * in the message `%`, CR and LF become `%25`, `%0D`, `%0A`; in a property
 * value `:` and `,` also become `%3A` and `%2C`, since they separate
 * properties. Before that, the value is made visible as for the terminal
 * (controls, bidi, zero-width as `\uXXXX`, `##[` neutralised): the runner
 * prints the message into the log and the annotation shows it to reviewers.
 * A leading `::` is kept: the value follows `::error …::` and cannot start
 * the line, so a file named `::x.yaml` is still named exactly (`%3A%3Ax.yaml`).
 */
export function annotationText(value: string): string {
  return visibleCharacters(value).replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** A property value (`file=…`, `title=…`) of a workflow command. */
export function annotationProperty(value: string): string {
  return annotationText(value).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/**
 * A file's path as the `file=` property: GitHub matches it against the
 * repository's files, so a CR or LF in a name goes as `%0D` or `%0A`, which
 * the runner decodes back, rather than made visible as `\u000a`; the rest as
 * any property value.
 */
export function annotationPath(value: string): string {
  return value
    .split(/(\r|\n)/)
    .map((part) => (part === '\r' ? '%0D' : part === '\n' ? '%0A' : annotationProperty(part)))
    .join('');
}
