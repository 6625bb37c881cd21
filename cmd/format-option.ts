import { InvalidArgumentError, Option } from 'commander';
import { closest } from '../src/config/suggest.js';

/**
 * `--format <format>` limited to `formats`, the first being the default; a
 * mistyped value is refused naming the closest one (`--format jsno` → json).
 */
export function formatOption<F extends string>(formats: readonly [F, ...F[]], description: string): Option {
  return new Option('--format <format>', description).default(formats[0]).argParser((value: string): F => {
    const format = formats.find((f) => f === value);
    if (format) return format;
    const suggestion = closest(value, formats);
    const choices = `${formats.slice(0, -1).join(', ')} or ${formats.at(-1)}`;
    throw new InvalidArgumentError(`${suggestion ? `Did you mean ${suggestion}? ` : ''}Use ${choices}.`);
  });
}

/** The commands that take --format, for the refusal below. */
const FORMATTED_COMMANDS = 'validate, plan, drift and history';

/**
 * A hidden `--format` for a command with one output (init, apply, export,
 * deliver). Without it commander refuses `export --format json` suggesting
 * the nearest option it knows, `--force` (or `--commit` for apply): a
 * different option that, followed, overwrites files. This says what is true.
 */
export function noFormatOption(command: string): Option {
  return new Option('--format <format>').hideHelp().argParser((): never => {
    throw new InvalidArgumentError(`${command} has one output and takes no --format (${FORMATTED_COMMANDS} do).`);
  });
}
