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
