import { formatCount } from './message-lists.js';

/**
 * Messages quote what the input wrote (keys, values, role names, part
 * numbers), and input is unbounded: a 100 KB key quoted in 1,000 messages is
 * 100 MB of output. These bound what one message can echo, in one place (the
 * Diagnostic constructors), whatever the rule that wrote it.
 */

/** The longest run of characters without a space or a quote that a message shows whole. */
export const MAX_ECHOED_RUN = 200;

/** The longest message, in characters, after long runs are cut. */
export const MAX_MESSAGE = 2_000;

/** `text` cut to about `length` characters, never between the two halves of a character. */
export function headOf(text: string, length: number): string {
  const code = text.charCodeAt(length - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? length - 1 : length);
}

/** The last `length` characters or so of `text`, never from between the two halves of a character. */
export function tailOf(text: string, length: number): string {
  const start = text.length - length;
  const code = text.charCodeAt(start);
  return text.slice(code >= 0xdc00 && code <= 0xdfff ? start + 1 : start);
}

/** Spaces and line breaks as `\s` reads them, and the quote: what ends a run. */
const RUN_END = /[\s"]/g;

/**
 * Each run of more than MAX_ECHOED_RUN characters without a space or a quote,
 * cut. From one end of a run to the next, not /[^\s"]{201,}/g: that
 * expression overflowed V8's stack on a run of a few million characters (a
 * 6 MB value in a file).
 */
function cutLongRuns(message: string): string {
  let out = '';
  let from = 0;
  let start = 0;
  RUN_END.lastIndex = 0;
  for (;;) {
    const end = RUN_END.exec(message)?.index ?? message.length;
    if (end - start > MAX_ECHOED_RUN) {
      const run = message.slice(start, end);
      out += `${message.slice(from, start)}${headOf(run, MAX_ECHOED_RUN)}… (${formatCount(run.length)} characters)`;
      from = end;
    }
    if (end === message.length) break;
    start = end + 1;
  }
  return from === 0 ? message : out + message.slice(from);
}

/**
 * `message` with every run of more than MAX_ECHOED_RUN characters (no space,
 * no quote: a quoted key or value stays quoted) cut to its first
 * MAX_ECHOED_RUN and its full length (`xxxx… (100,000 characters)`); and if
 * it is still longer than MAX_MESSAGE (long text with spaces in it), its
 * middle left out, so both what is wrong and what to do stay.
 */
export function boundMessage(message: string): string {
  if (message.length <= MAX_ECHOED_RUN) return message;
  const cut = cutLongRuns(message);
  if (cut.length <= MAX_MESSAGE) return cut;
  const head = headOf(cut, MAX_MESSAGE * 0.6);
  const tail = tailOf(cut, MAX_MESSAGE * 0.3);
  return `${head} … (${formatCount(cut.length - head.length - tail.length)} characters left out) … ${tail}`;
}
